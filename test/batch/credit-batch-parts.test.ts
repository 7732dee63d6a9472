import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BatchCreditItem, creditBatch } from '../../src/ledger/commands/credit-batch.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure } from '../tiers/tier-kit.ts';

/**
 * A large credit batch is written in parts while it is decided (PostgreSQL). Written in parts or
 * whole, it must leave exactly the same: answers, balances, tiers and tier history. The tier hook
 * runs after parts are in the table, so it must not count their growth twice.
 */

const MEMBERS = ['p', 'q', 'r'];

const item = fc.record({
  member: fc.constantFrom(...MEMBERS),
  points: fc.integer({ min: 1, max: 500 }),
  // Silver at 1,000 growth, gold at 5,000 (tier-kit): a few items cross a threshold.
  growth: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 2_500 })),
  key: fc.boolean(),
});

describe.each(ENGINES)('a credit batch written in parts (%s)', (engine) => {
  let whole: TestApi;
  let parted: TestApi;
  beforeAll(async () => {
    [whole, parted] = await Promise.all([openTestApi(engine), openTestApi(engine)]);
    for (const api of [whole, parted]) await configure(api);
  });
  afterAll(async () => Promise.all([whole?.close(), parted?.close()]));

  const send = (api: TestApi, items: BatchCreditItem[], decisionsPerPart: number) =>
    creditBatch(
      api.db,
      { programId: api.programId, now: api.clock.now(), source: { kind: 'api', apiKeyId: 'test' } },
      items,
      { decisionsPerPart },
    );

  const stateOf = async (api: TestApi, memberIds: string[]) =>
    Promise.all(
      memberIds.map(async (memberId) => {
        const member = (await api.call('GET', `/v1/members/${memberId}`)).body;
        const tier = (await api.call('GET', `/v1/members/${memberId}/tier`)).body;
        const history = (await api.call('GET', `/v1/members/${memberId}/tier-history`)).body.data;
        return {
          balances: member.balances,
          tier: tier.tier?.code,
          growthInWindow: tier.growthInWindow,
          history: history.map((row: Record<string, unknown>) => [
            row.kind,
            row.fromTier,
            row.toTier,
            row.growthInWindow,
          ]),
        };
      }),
    );

  test('leaves the same balances, tiers and tier history as the batch written whole', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        async (drawn, every) => {
          run += 1;
          const memberIds = MEMBERS.map((member) => `${member}-${run}`);
          for (const api of [whole, parted])
            for (const memberId of memberIds) await api.call('PUT', `/v1/members/${memberId}`, {});
          const items = drawn.map(
            (draw, index): BatchCreditItem => ({
              memberId: `${draw.member}-${run}`,
              points: draw.points,
              growth: draw.growth,
              reason: { zh: '测试', en: 'test' },
              ...(draw.key
                ? { idempotency: { key: `k-${run}-${index % 5}`, requestHash: `h-${run}-${index % 5}` } }
                : {}),
            }),
          );
          const answers = await Promise.all([
            send(whole, items, Number.POSITIVE_INFINITY),
            send(parted, items, every),
          ]);
          const summary = (results: (typeof answers)[0]) =>
            results.map((result) => [result.status, result.replayed]);
          expect(summary(answers[1])).toEqual(summary(answers[0]));
          expect(await stateOf(parted, memberIds)).toEqual(await stateOf(whole, memberIds));
        },
      ),
      { numRuns: engine === 'pglite' ? 10 : 25 },
    );
    for (const api of [whole, parted]) expect((await verifyLedger(api.db)).violations).toEqual([]);
  });
});
