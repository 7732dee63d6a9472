import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sealLegacyOutbox } from '../../src/notifications/outbox/outbox-sql.ts';
import { sealLegacyPlaintext } from '../../src/vault/legacy-plaintext.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { seedMessage } from './api/notification-api-kit.ts';
import { addEndpoint, createMember, credit, dispatch, outboxOf, startReceiver } from './notification-kit.ts';

/**
 * Message payloads (issue 17): an outbox row names its member by the merchant's id, which may be a
 * phone number, and carries reasons staff wrote; it is stored sealed, and the webhook and the
 * delivery log still show it whole. Payloads stored in plain text before are sealed at start.
 */

const PHONE_ID = '13912345678';
const STAFF_WORDS = '补偿王小明的投诉';

describe.each(ENGINES)('outbox payloads sealed at rest (%s)', (engine) => {
  let api: TestApi;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const rawOutbox = () =>
    api.db.query<{ id: string; data: unknown; text: string }>(
      'select id, data, data::text as text from outbox where program_id = $1 order by created_at, id',
      [api.programId],
    );

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-06-01T02:00:00Z');
    receiver = await startReceiver();
    await addEndpoint(api, { id: 'we_sealed', url: receiver.url });
  });
  afterAll(async () => {
    await receiver.close();
    await api.close();
  });

  test('a credit and an adjustment leave only ciphertext in the outbox; the webhook carries them whole', async () => {
    await createMember(api, PHONE_ID);
    await credit(api, PHONE_ID, { points: 300, reason: { 'zh-CN': STAFF_WORDS, en: 'Complaint' } });
    const adjusted = await api.call('POST', `/v1/members/${PHONE_ID}/adjustments`, {
      points: -20,
      operator: 'cs-01',
      reason: { 'zh-CN': STAFF_WORDS, en: 'Correction' },
    });
    expect(adjusted.status, JSON.stringify(adjusted.body)).toBe(201);

    const stored = await rawOutbox();
    expect(stored.length).toBeGreaterThanOrEqual(2);
    for (const row of stored) {
      expect(row.data).toMatch(/^enc:v1:dk_/);
      expect(row.text).not.toContain(PHONE_ID);
      expect(row.text).not.toContain(STAFF_WORDS);
    }
    // Opened, the payloads are what the ledger composed.
    const opened = await outboxOf(api, PHONE_ID);
    expect(opened.map((message) => [message.type, message.data.memberId, message.data.points])).toEqual([
      ['points.earned', PHONE_ID, 300],
      ['points.adjusted', PHONE_ID, 20],
    ]);

    await dispatch(api);
    const bodies = receiver.received.map((request) => JSON.parse(request.body));
    expect(
      bodies.map((body) => [body.type, body.memberId, body.data.memberId, body.data.reason['zh-CN']]),
    ).toEqual([
      ['points.earned', PHONE_ID, PHONE_ID, STAFF_WORDS],
      ['points.adjusted', PHONE_ID, PHONE_ID, STAFF_WORDS],
    ]);

    // The delivery log opens the payload too.
    const deliveries = await api.call('GET', '/v1/webhooks/we_sealed/deliveries');
    expect(deliveries.status).toBe(200);
    const detail = await api.call('GET', `/v1/webhook-deliveries/${deliveries.body.data[0].id}`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.message).toMatchObject({ memberId: PHONE_ID, data: { memberId: PHONE_ID } });
  });

  test('payloads stored in plain text before the vault are sealed at start, and still sent whole', async () => {
    const plainId = await seedMessage(api.db, api.programId, {
      type: 'points.earned',
      createdAt: '2026-06-01T01:00:00Z',
      memberId: 'plain-13700000000',
      data: { points: 5, reason: { zh: '旧数据', en: 'Old' } },
    });
    await api.db.query('update outbox set dispatched_at = null where program_id = $1 and id = $2', [
      api.programId,
      plainId,
    ]);
    const before = (await rawOutbox()).find((row) => row.id === plainId)!;
    expect(before.text).toContain('plain-13700000000');

    const sealed = await sealLegacyPlaintext(api.db);
    expect(sealed).toContainEqual({ name: 'outbox.data', sealed: 1 });
    const after = (await rawOutbox()).find((row) => row.id === plainId)!;
    expect(after.data).toMatch(/^enc:v1:/);
    expect(after.text).not.toContain('plain-13700000000');
    // Once nothing is plain, a start seals nothing.
    expect(await sealLegacyOutbox(api.db)).toBe(0);

    await dispatch(api);
    const body = receiver.received
      .map((request) => JSON.parse(request.body))
      .find((each) => each.id === plainId);
    expect(body).toMatchObject({ memberId: 'plain-13700000000', data: { points: 5 } });
  });
});
