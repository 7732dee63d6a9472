import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogSmsAdapter } from '../../../src/notifications/channels/log-sms-adapter.ts';
import { runDispatchPass } from '../../../src/notifications/dispatch/dispatcher.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';

describe.each(ENGINES)('a message that cannot be rendered (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-24T02:00:00Z');
    await api.call('PUT', '/v1/members/m-1', {});
  });
  afterAll(async () => api?.close());

  test('does not hold up the messages behind it; the error is reported', async () => {
    // A payload without the fields its templates need, written before the credit below.
    await api.db.query(
      `insert into outbox (program_id, id, type, member_key, data, created_at)
       select $1, 'msg_0000000000poison', 'points.earned', member_key, '{}', '2026-11-24T01:00:00Z'
         from members where program_id = $1 and member_id = 'm-1'`,
      [api.programId],
    );
    expect((await api.call('POST', '/v1/members/m-1/credits', { points: 5, reason: 'gift' })).status).toBe(
      201,
    );
    const errors: string[] = [];
    const result = await runDispatchPass(
      api.db,
      api.clock,
      { email: null, sms: createLogSmsAdapter(() => {}) },
      { onMessageError: (messageId) => errors.push(messageId) },
    );
    expect(result.fannedOut).toBe(2);
    expect(errors).toEqual(['msg_0000000000poison']);
    const inbox = await api.db.query<{ type: string }>(
      'select i.type from inbox_messages i join members m using (program_id, member_key) where m.member_id = $1',
      ['m-1'],
    );
    expect(inbox.map((row) => row.type)).toEqual(['points.earned']);
    const [left] = await api.db.query<{ n: string }>(
      'select count(*) as n from outbox where dispatched_at is null',
    );
    expect(Number(left!.n)).toBe(0);
  });
});
