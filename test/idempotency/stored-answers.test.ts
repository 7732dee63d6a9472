import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { creditBatch } from '../../src/ledger/commands/credit-batch.ts';
import { answerToStore } from '../../src/ledger/entry-answers.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * Answers kept for replays name their entries by id (ledger/entry-answers.ts): what is stored is
 * small, and a replay answers exactly what the first request was answered.
 */

test('only a top-level list of entries is stored by id; every other answer is stored as it is', () => {
  const entry = { id: 'ent_1', points: 5 };
  expect(answerToStore({ entries: [entry, { id: 'ent_2' }], hold: { id: 'hld_1' } })).toEqual({
    entries: ['ent_1', 'ent_2'],
    hold: { id: 'hld_1' },
  });
  for (const kept of [
    null,
    'text',
    [entry],
    { entries: [] },
    { entries: 'ent_1' },
    { entries: [entry, { points: 1 }] },
    { type: 'urn:jifen:error:insufficient_points', status: 422 },
    { data: [entry] },
  ])
    expect(answerToStore(kept)).toEqual(kept);
});

describe.each(ENGINES)('stored answers (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    for (const memberId of ['a', 'b'])
      expect((await api.call('PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
  });
  afterAll(async () => api?.close());

  const stored = async (key: string) => {
    const [row] = await api.db.query<{ response: unknown }>(
      'select response from idempotency_keys where program_id = $1 and key = $2',
      [api.programId, key],
    );
    return row?.response;
  };

  test.each([
    ['a credit', 'POST', '/v1/members/a/credits', { points: 120, reason: 'signup' }],
    ['a debit', 'POST', '/v1/members/a/debits', { points: 20, reason: 'fee' }],
    [
      'a transfer',
      'POST',
      '/v1/transfers',
      { fromMemberId: 'a', toMemberId: 'b', points: 30, reason: 'gift' },
    ],
  ] as const)('%s is stored by entry ids and replayed exactly', async (_name, method, url, body) => {
    const key = `stored-${url}`;
    const first = await api.call(method, url, body, { 'idempotency-key': key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(await stored(key)).toEqual({
      ...first.body,
      entries: first.body.entries.map((e: { id: string }) => e.id),
    });
    // Later movements change the balances; the replay still shows the balances after the first.
    await api.call('POST', '/v1/members/a/credits', { points: 7, reason: 'later' });
    const replay = await api.call(method, url, body, { 'idempotency-key': key });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  test('an answer stored whole (before entries were stored by id) replays as it was stored', async () => {
    const body = { points: 5, reason: 'old form' };
    const first = await api.call('POST', '/v1/members/b/credits', body, { 'idempotency-key': 'whole' });
    await api.db.query('update idempotency_keys set response = $3 where program_id = $1 and key = $2', [
      api.programId,
      'whole',
      JSON.stringify(first.body),
    ]);
    const replay = await api.call('POST', '/v1/members/b/credits', body, { 'idempotency-key': 'whole' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
  });

  test('batch items keep their answers by entry ids; a key repeated in one batch and a later batch replay the first', async () => {
    const context = { programId: api.programId, now: api.clock.now(), source: { kind: 'api' as const } };
    const item = (key: string, points: number) => ({
      idempotency: { key, requestHash: `hash-${key}` },
      memberId: 'b',
      points,
      reason: { zh: '批量', en: 'batch' },
    });
    const first = await creditBatch(api.db, context, [
      item('batch-1', 10),
      item('batch-1', 10),
      item('batch-2', 3),
    ]);
    expect(first.map((result) => [result.status, result.replayed])).toEqual([
      [201, false],
      [201, true],
      [201, false],
    ]);
    expect(first[1]!.body).toEqual(first[0]!.body);
    const body = first[0]!.body as { entries: { id: string }[] };
    expect(await stored('batch-1')).toEqual({ entries: [body.entries[0]!.id] });
    const again = await creditBatch(api.db, context, [item('batch-2', 3), item('batch-1', 10)]);
    expect(again.map((result) => result.replayed)).toEqual([true, true]);
    expect(again[0]!.body).toEqual(first[2]!.body);
    expect(again[1]!.body).toEqual(first[0]!.body);
  });
});
