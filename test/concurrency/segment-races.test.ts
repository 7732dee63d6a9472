import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openPostgres } from '../../src/db/postgres-database.ts';
import { asMemberKey } from '../../src/members/member-key.ts';
import { recomputeProgram, refreshMembers } from '../../src/segments/recompute-segments.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

const MEMBERS = 300;

/**
 * Computations on two "servers" (two pools on one schema) racing each other, refreshes of every
 * member and credits that move members across a segment's line: one computation at a time holds
 * the program, nothing deadlocks, and at the end membership is exactly what a quiet computation
 * finds.
 */
describe.skipIf(!POSTGRES_URL)('segment computations, refreshes and credits racing (postgres)', () => {
  let api: TestApi;
  let second: Database;
  const ids = Array.from({ length: MEMBERS }, (_, i) => `sm${String(i).padStart(4, '0')}`);
  const memberships = () =>
    api.db.query<{ member_key: string; segment_id: string }>(
      `select member_key, segment_id from member_segments where program_id = $1 order by 1, 2`,
      [api.programId],
    );

  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, { maxConnections: 24 });
    const [{ schema }] = (await api.db.query<{ schema: string }>('select current_schema() as schema')) as [
      { schema: string },
    ];
    second = openPostgres({ connectionString: POSTGRES_URL!, schema, maxConnections: 12 });
    for (const id of ids) expect((await api.call('PUT', `/v1/members/${id}`, {})).status).toBe(201);
    const created = await api.call('POST', '/v1/segments', {
      id: 'hundreds',
      name: { 'zh-CN': '百分会员', en: 'Hundreds' },
      condition: { field: 'balance.available', op: 'gte', value: 100 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });
  afterAll(async () => {
    await second?.close();
    await api?.close();
  });

  test('they race without deadlock or double work, and end where a quiet computation ends', async () => {
    const keys = (
      await api.db.query<{ member_key: string }>('select member_key from members where program_id = $1', [
        api.programId,
      ])
    ).map((row) => asMemberKey(row.member_key));
    const credits = ids.map((id, i) =>
      api.call('POST', `/v1/members/${id}/credits`, { points: 50 + (i % 3) * 40, reason: 'race' }),
    );
    const computations = await Promise.all([
      recomputeProgram(api.db, api.programId, api.clock, { force: true }),
      recomputeProgram(second, api.programId, api.clock, { force: true }),
      recomputeProgram(api.db, api.programId, api.clock, { force: true }),
    ]);
    const refreshes = [
      refreshMembers(api.db, api.programId, keys.slice(0, 150), api.clock),
      refreshMembers(second, api.programId, [...keys].reverse(), api.clock),
      refreshMembers(api.db, api.programId, keys.slice(100), api.clock),
    ];
    const answers = await Promise.all(credits);
    expect(answers.every((answer) => answer.status === 201)).toBe(true);
    await Promise.all(refreshes);
    // At most one computation held the program at a time: those that found it held answered null.
    expect(computations.filter((result) => result !== null).length).toBeGreaterThanOrEqual(1);
    await recomputeProgram(api.db, api.programId, api.clock, { force: true });
    const settled = await memberships();
    // Credits of 50, 90 and 130 points in turn: exactly the members given 130 are in.
    const inSegment = settled.filter((row) => row.segment_id === 'hundreds').length;
    expect(inSegment).toBe(ids.filter((_, i) => 50 + (i % 3) * 40 >= 100).length);
    const again = await recomputeProgram(second, api.programId, api.clock, { force: true });
    expect(again?.members).toBe(MEMBERS);
    expect(await memberships()).toEqual(settled);
    // Every member is in exactly one stage.
    const stages = settled.filter((row) => row.segment_id.startsWith('stage_'));
    expect(new Set(stages.map((row) => row.member_key)).size).toBe(MEMBERS);
    expect(stages.length).toBe(MEMBERS);
  });
});
