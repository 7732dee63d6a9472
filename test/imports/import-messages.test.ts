import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fanOutMessages } from '../../src/notifications/dispatch/fan-out.ts';
import { openOutboxData } from '../../src/notifications/outbox/outbox-sql.ts';
import { runExpiryReminders } from '../../src/notifications/reminders/expiry-reminders.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure, TIERS } from '../tiers/tier-kit.ts';
import { balancesOf, importFile, undo } from './import-kit.ts';

/**
 * Imported history is no news: the movements and tier changes an import (and its undo) records
 * send members nothing and make no per-movement webhook; integrators get one `import.committed`
 * (or `import.undone`) with counts. Points that arrive expired are never reminded of; points an
 * import brings that expire soon are, as live points are.
 */

const NOW = '2026-03-01T02:00:00Z';

interface OutboxRow {
  type: string;
  member_key: string | null;
  data: Record<string, unknown>;
}

describe.each(ENGINES)('messages of imports (%s)', (engine) => {
  let api: TestApi;
  const outbox = async () => {
    const rows = await api.db.query<OutboxRow>(
      'select type, member_key, data from outbox where program_id = $1 order by id',
      [api.programId],
    );
    return Promise.all(
      rows.map(async (row) => ({ ...row, data: await openOutboxData(api.db, api.programId, row.data) })),
    );
  };

  beforeAll(async () => {
    api = await openTestApi(engine, NOW);
    await api.call('PATCH', '/v1/program', { expiryPolicy: { kind: 'rolling', unit: 'months', count: 12 } });
    await configure(api, { tiers: TIERS.tiers.map((tier) => ({ ...tier, benefits: undefined })) });
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      target: { points: 1, growth: 1 },
    });
    expect((await api.call('POST', `/v1/rules/${rule.body.id}/publish`)).status).toBe(200);
    const endpoint = await api.call('POST', '/v1/webhooks', { url: 'https://example.com/hooks' });
    expect(endpoint.status).toBe(201);
  });
  afterAll(async () => api?.close());

  test('an import tells members nothing; integrators get one import.committed per import', async () => {
    await importFile(api, 'members', 'memberId\nn-1\nn-2\n');
    const balances = await importFile(
      api,
      'balances',
      [
        'importId,memberId,points,earnedAt,expiresAt',
        'nb-1,n-1,300,2024-12-31,', // expired a year ago: expires at once
        'nb-2,n-1,40,2025-06-01,2026-03-05', // expires in four days
        'nb-3,n-2,100,2026-02-01,',
      ].join('\n'),
    );
    expect(balances).toMatchObject({ state: 'committed', rowsApplied: 3, entriesMade: 4 });
    // An order of ¥6,000 this year: 6,000 growth lifts n-2 to gold, as it would have live.
    await importFile(
      api,
      'events',
      'id,memberId,type,occurredAt,orderId,amountMinor\nne-1,n-2,order.paid,2026-02-10,o-1,600000\n',
    );
    expect((await api.call('GET', '/v1/members/n-2')).body.tier).toBe('gold');
    await importFile(api, 'tiers', 'memberId,tier,until\nn-1,silver,2026-12-31\n');

    const messages = await outbox();
    expect(messages.filter((message) => message.member_key !== null)).toEqual([]);
    expect(messages.map((message) => message.type)).toEqual([
      'import.committed',
      'import.committed',
      'import.committed',
      'import.committed',
    ]);
    expect(messages[1]!.data).toMatchObject({
      importId: balances.id,
      kind: 'balances',
      state: 'committed',
      rows: { read: 3, valid: 3, invalid: 0, applied: 3, skipped: 0 },
      points: 440,
      entriesMade: 4,
      occurredAt: NOW.replace('Z', '.000Z'),
    });

    // Live activity beside it is news as ever (so the test above can fail).
    await api.call('POST', '/v1/members/n-1/credits', { points: 5, reason: 'live' });
    expect((await outbox()).filter((message) => message.member_key !== null).map((m) => m.type)).toEqual([
      'points.earned',
    ]);

    // Webhook deliveries for the import messages; no inbox for history.
    await fanOutMessages(api.db, api.clock, { emailConfigured: false });
    const [deliveries] = await api.db.query<{ count: string | number }>(
      `select count(*) as count from deliveries d join outbox o on o.program_id = d.program_id and o.id = d.message_id
        where d.program_id = $1 and o.type = 'import.committed'`,
      [api.programId],
    );
    expect(Number(deliveries?.count)).toBe(4);
    const inbox = await api.call('GET', '/v1/members/n-1/inbox');
    expect(inbox.body.data.map((message: { type: string }) => message.type)).toEqual(['points.earned']);
  });

  test('expiry reminders: none for points that arrived expired; the imported points expiring soon are reminded once', async () => {
    const reminded = await runExpiryReminders(api.db, api.clock);
    expect(reminded.reminders).toBe(1);
    const expiring = (await outbox()).filter((message) => message.type === 'points.expiring');
    expect(expiring.map((message) => [message.data.memberId, message.data.points])).toEqual([['n-1', 40]]);
    expect(await runExpiryReminders(api.db, api.clock)).toMatchObject({ reminders: 0 });
  });

  test('an undo tells members nothing either; integrators get import.undone', async () => {
    const imported = await importFile(
      api,
      'balances',
      'importId,memberId,points,earnedAt\nnu-1,n-2,70,2026-02-20\n',
    );
    const before = (await outbox()).length;
    expect((await balancesOf(api, 'n-2')).available).toBeGreaterThanOrEqual(70);
    const undone = await undo(api, imported.id);
    expect(undone.state).toBe('undone');
    const after = (await outbox()).slice(before);
    expect(after.map((message) => [message.type, message.member_key])).toEqual([['import.undone', null]]);
    expect(after[0]!.data).toMatchObject({ importId: imported.id, state: 'undone', entriesMade: 1 });
  });
});
