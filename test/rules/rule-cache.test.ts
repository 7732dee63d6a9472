import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadStatement } from '../../src/db/combined-statements.ts';
import type { Database } from '../../src/db/database.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { readCompiledPublishedRules } from '../../src/rules/rule-cache.ts';
import { createRule, publishDraft, readPublishedVersions, writeDraft } from '../../src/rules/rule-store.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

const perYuan = (points: number) =>
  ({
    name: { 'zh-CN': '消费积分', en: 'Purchase points' },
    trigger: 'order.paid',
    reward: { kind: 'per_amount', points, perAmountMinor: 100 },
  }) as unknown as RuleDefinition;

// Intake reads the rules in force with every request; the versions this process has compiled come
// back without their definitions, and a newly published version comes back whole.
describe.each(ENGINES)('the rules in force, read by intake, on %s', (engine) => {
  let db: Database;
  let programId: string;
  beforeAll(async () => {
    db = await openTestDatabase(engine);
    programId = (await bootstrap(db, new Date()))!.programId;
  });
  afterAll(async () => {
    await db.close();
  });

  const readRules = async () => {
    const read = new ReadStatement(programId);
    const rules = readCompiledPublishedRules(read);
    await read.run(db);
    return rules();
  };

  it('answers known versions without their definitions and unknown ones with', async () => {
    const { ruleId } = await createRule(db, programId, perYuan(1), new Date());
    await publishDraft(db, programId, ruleId, new Date());
    const read = new ReadStatement(programId);
    const versions = readPublishedVersions(read, [`${ruleId}:1`, 'rul_other:3']);
    await read.run(db);
    expect(versions()).toEqual([{ ruleId, version: 1, definition: null }]);
    const again = new ReadStatement(programId);
    const whole = readPublishedVersions(again, []);
    await again.run(db);
    expect(whole()[0]!.definition).toMatchObject({ trigger: 'order.paid' });
  });

  it('keeps judging by the compiled version, and picks a new version up at the next read', async () => {
    const first = await readRules();
    expect(first).toHaveLength(1);
    const [rule] = first;
    expect(await readRules()).toEqual([rule]);
    expect((await readRules())[0]).toBe(rule);
    await writeDraft(db, programId, rule!.ruleId, perYuan(3), new Date());
    await publishDraft(db, programId, rule!.ruleId, new Date());
    const [next] = await readRules();
    expect(next!.version).toBe(2);
    expect(next!.definition.reward).toMatchObject({ points: 3 });
  });
});
