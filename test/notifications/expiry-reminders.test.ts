import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runExpiryReminders } from '../../src/notifications/reminders/expiry-reminders.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { createMember, credit, dispatch, inboxOf, outboxOf } from './notification-kit.ts';

/**
 * Expiry reminders (SPEC §3.5): at each offset before a local expiry day, one message per member
 * summing every lot of that day, never twice, never for points already spent, and calendars that
 * show every upcoming bucket.
 */
const DAY_MS = 86_400_000;
const STEP_MS = DAY_MS;

interface ReminderRow {
  member_id: string;
  expires_on: string;
  offset_days: number;
  points: number;
  created_at: string;
}

async function remindersOf(api: TestApi): Promise<ReminderRow[]> {
  const rows = await api.db.query<ReminderRow>(
    `select m.member_id, to_char(r.expires_on, 'YYYY-MM-DD') as expires_on, r.offset_days,
            r.points::int as points, r.created_at
       from expiry_reminders r join members m using (program_id, member_key) where r.program_id = $1
      order by m.member_id, r.expires_on, r.offset_days desc`,
    [api.programId],
  );
  return rows.map((row) => ({ ...row, created_at: new Date(row.created_at).toISOString() }));
}

const brief = (rows: ReminderRow[]) => rows.map((r) => [r.member_id, r.expires_on, r.offset_days, r.points]);

/**
 * Runs the reminder sweep once a day until `until`, after what `at` does on that day; whenever it
 * sent something, a second sweep at the same moment must send nothing.
 */
async function walk(api: TestApi, until: string, at: Record<string, () => Promise<void>> = {}) {
  const end = new Date(until).getTime();
  while (api.clock.now().getTime() < end) {
    api.clock.advance(STEP_MS);
    await at[api.clock.now().toISOString()]?.();
    const { reminders } = await runExpiryReminders(api.db, api.clock);
    if (reminders > 0) expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 0 });
  }
}

describe.each(ENGINES)('expiry reminders in Asia/Shanghai (%s)', (engine) => {
  let api: TestApi;
  /** Points expiring with the program's fixed date: the instant after 2026-12-31 in Shanghai. */
  const END_OF_2026 = '2026-12-31T16:00:00.000Z';
  const debit = async (memberId: string, points: number) => {
    const reply = await api.call('POST', `/v1/members/${memberId}/debits`, { points, reason: 'shop' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  };

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-01T02:00:00Z');
    const patched = await api.call('PATCH', '/v1/program', {
      expiryPolicy: { kind: 'fixed_date', date: '2026-12-31' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.timezone).toBe('Asia/Shanghai');
  });
  afterAll(async () => api?.close());

  test('one reminder per member, offset and day, summing that day’s lots; spent points are left out', async () => {
    for (const id of ['amy', 'cal', 'dee', 'eve']) await createMember(api, id);
    // amy: two lots expiring with the program on 2026-12-31, one at Shanghai midnight of 12-16.
    await credit(api, 'amy', { points: 1000, reason: 'order' });
    await credit(api, 'amy', { points: 200, reason: 'review' });
    await credit(api, 'amy', { points: 300, reason: 'gift', expiresAt: '2026-12-15T16:00:00Z' });
    // cal spends part of his expiring lot before the 30-day reminder and the rest before the 7-day one.
    await credit(api, 'cal', { points: 500, reason: 'order' });
    await credit(api, 'cal', { points: 1000, reason: 'gift', expiresAt: '2028-06-30T16:00:00Z' });
    // dee spends everything before any reminder is due.
    await credit(api, 'dee', { points: 400, reason: 'order' });
    // eve's points expire a millisecond after midnight: usable on 12-16, so they expire "on" 12-16.
    await credit(api, 'eve', { points: 50, reason: 'gift', expiresAt: '2026-12-15T16:00:00.001Z' });
    const lots = (await api.call('GET', '/v1/members/amy/lots')).body.data as { expiresAt: string }[];
    expect(lots.map((lot) => lot.expiresAt).sort()).toEqual([
      '2026-12-15T16:00:00.000Z',
      END_OF_2026,
      END_OF_2026,
    ]);

    let calendarChecked = false;
    await walk(api, '2027-01-02T02:00:00Z', {
      '2026-11-10T02:00:00.000Z': () => debit('dee', 400),
      '2026-11-20T02:00:00.000Z': () => debit('cal', 200),
      '2026-12-10T02:00:00.000Z': async () => {
        await checkCalendars();
        calendarChecked = true;
      },
      '2026-12-12T02:00:00.000Z': () => debit('cal', 300),
      // bob earns 5 days before the expiry: past the 30- and 7-day marks at once, he gets the 7-day one.
      '2026-12-26T02:00:00.000Z': async () => {
        await createMember(api, 'bob');
        await credit(api, 'bob', { points: 80, reason: 'late order' });
      },
    });
    expect(calendarChecked).toBe(true);

    const reminders = await remindersOf(api);
    expect(brief(reminders)).toEqual([
      ['amy', '2026-12-15', 30, 300],
      ['amy', '2026-12-15', 7, 300],
      ['amy', '2026-12-15', 1, 300],
      ['amy', '2026-12-31', 30, 1200],
      ['amy', '2026-12-31', 7, 1200],
      ['amy', '2026-12-31', 1, 1200],
      ['bob', '2026-12-31', 7, 80],
      ['bob', '2026-12-31', 1, 80],
      ['cal', '2026-12-31', 30, 300],
      ['eve', '2026-12-16', 30, 50],
      ['eve', '2026-12-16', 7, 50],
      ['eve', '2026-12-16', 1, 50],
    ]);
    // Each was sent at the first sweep after its moment (expiry minus the offset), not before.
    const expiryOf: Record<string, string> = {
      '2026-12-15': '2026-12-15T16:00:00.000Z',
      '2026-12-16': '2026-12-15T16:00:00.001Z',
      '2026-12-31': END_OF_2026,
    };
    for (const reminder of reminders.filter((r) => r.member_id !== 'bob')) {
      const due = new Date(expiryOf[reminder.expires_on]!).getTime() - reminder.offset_days * DAY_MS;
      const sent = new Date(reminder.created_at).getTime();
      expect(sent).toBeGreaterThanOrEqual(due);
      expect(sent).toBeLessThan(due + STEP_MS);
    }
    expect(reminders.find((r) => r.member_id === 'bob' && r.offset_days === 7)!.created_at).toBe(
      '2026-12-26T02:00:00.000Z',
    );

    // Every reminder is one points.expiring message saying the same.
    const messages = (await outboxOf(api)).filter((m) => m.type === 'points.expiring');
    expect(messages).toHaveLength(reminders.length);
    const amy30 = messages.find(
      (m) => m.member_id === 'amy' && m.data.offsetDays === 30 && m.data.points === 1200,
    );
    expect(amy30!.data).toEqual({
      memberId: 'amy',
      points: 1200,
      expiresOn: '2026-12-31',
      expiresAt: END_OF_2026,
      offsetDays: 30,
      daysLeft: 30,
      lots: 2,
    });
    // Bob's reminder fired by the 7-day offset says how many days he really has left.
    const bob7 = messages.find((m) => m.member_id === 'bob' && m.data.offsetDays === 7);
    expect(bob7!.data).toMatchObject({ offsetDays: 7, daysLeft: 6, points: 80 });

    // Dispatched, the zh-CN inbox message reads as the spec's example.
    await dispatch(api);
    const inbox = (await inboxOf(api, 'amy')).filter((m) => m.type === 'points.expiring');
    expect(inbox.map((m) => m.body)).toEqual([
      '您有 300 积分将于 2026-12-15 过期,请及时使用。',
      '您有 1,200 积分将于 2026-12-31 过期,请及时使用。',
      '您有 300 积分将于 2026-12-15 过期,请及时使用。',
      '您有 300 积分将于 2026-12-15 过期,请及时使用。',
      '您有 1,200 积分将于 2026-12-31 过期,请及时使用。',
      '您有 1,200 积分将于 2026-12-31 过期,请及时使用。',
    ]);
    expect(inbox[1]!.subject).toBe('积分即将过期');
  });

  test('a day whose lots expire at different hours is reminded of all of them, even at the 30-day edge', async () => {
    api.clock.set('2027-01-02T02:00:00Z');
    const at = (hours: number) => new Date(api.clock.now().getTime() + hours * 3_600_000).toISOString();
    await createMember(api, 'straddle');
    // Both on 2027-02-01 in Shanghai: 09:00 (30 days less an hour away) and 18:00 (30 days and 8 hours).
    await credit(api, 'straddle', { points: 100, reason: 'a', expiresAt: at(30 * 24 - 1) });
    await credit(api, 'straddle', { points: 200, reason: 'b', expiresAt: at(30 * 24 + 8) });
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 1 });
    const [message] = (await outboxOf(api, 'straddle')).filter((m) => m.type === 'points.expiring');
    expect(message!.data).toMatchObject({ expiresOn: '2027-02-01', offsetDays: 30, points: 300, lots: 2 });
  });

  test('two servers sweeping reminders at once record each reminder and its message once', async () => {
    api.clock.set('2027-02-10T02:00:00Z');
    const expiresAt = new Date(api.clock.now().getTime() + 5 * DAY_MS).toISOString();
    const members = Array.from({ length: 20 }, (_, i) => `twin-${i}`);
    for (const memberId of members) {
      await createMember(api, memberId);
      await credit(api, memberId, { points: 10, reason: 'gift', expiresAt });
    }
    const results = await Promise.all([
      runExpiryReminders(api.db, api.clock, 7),
      runExpiryReminders(api.db, api.clock, 7),
    ]);
    expect(results[0]!.reminders + results[1]!.reminders).toBe(members.length);
    const reminders = (await remindersOf(api)).filter((r) => r.member_id.startsWith('twin-'));
    expect(reminders.map((r) => r.offset_days)).toEqual(members.map(() => 7));
    const messages = (await outboxOf(api)).filter(
      (m) => m.type === 'points.expiring' && m.member_id!.startsWith('twin-'),
    );
    expect(messages).toHaveLength(members.length);
  });

  /** On 2026-12-10 (after cal's first debit, before his second). */
  async function checkCalendars() {
    const amy = await api.call('GET', '/v1/members/amy/expiry-calendar');
    expect(amy.status).toBe(200);
    expect(amy.body).toEqual({
      memberId: 'amy',
      buckets: [
        {
          expiresOn: '2026-12-15',
          firstExpiresAt: '2026-12-15T16:00:00.000Z',
          points: 300,
          pendingPoints: 0,
          lots: 1,
          reminders: [
            { offsetDays: 30, points: 300, sentAt: expect.any(String) },
            { offsetDays: 7, points: 300, sentAt: expect.any(String) },
          ],
        },
        {
          expiresOn: '2026-12-31',
          firstExpiresAt: END_OF_2026,
          points: 1200,
          pendingPoints: 0,
          lots: 2,
          reminders: [{ offsetDays: 30, points: 1200, sentAt: expect.any(String) }],
        },
      ],
    });
    // cal's far-away lot is a bucket too: every upcoming expiry, not only the next one.
    const cal = await api.call('GET', '/v1/members/cal/expiry-calendar');
    expect(
      cal.body.buckets.map((b: { expiresOn: string; points: number }) => [b.expiresOn, b.points]),
    ).toEqual([
      ['2026-12-31', 300],
      ['2028-06-30', 1000],
    ]);
    expect((await api.call('GET', '/v1/members/dee/expiry-calendar')).body.buckets).toEqual([]);
    expect((await api.call('GET', '/v1/members/nobody/expiry-calendar')).status).toBe(404);

    // The program's calendar sums the members per local day (default: the next 90 days).
    const program = await api.call('GET', '/v1/expiry-calendar');
    expect(program.status).toBe(200);
    expect(program.body.data).toEqual([
      { expiresOn: '2026-12-15', points: 300, members: 1 },
      { expiresOn: '2026-12-16', points: 50, members: 1 },
      { expiresOn: '2026-12-31', points: 1500, members: 2 },
    ]);
    const later = await api.call(
      'GET',
      '/v1/expiry-calendar?from=2026-12-20T00:00:00Z&to=2028-12-01T00:00:00Z',
    );
    expect(later.body.data).toEqual([
      { expiresOn: '2026-12-31', points: 1500, members: 2 },
      { expiresOn: '2028-06-30', points: 1000, members: 1 },
    ]);
    expect(
      (await api.call('GET', '/v1/expiry-calendar?from=2026-12-20T00:00:00Z&to=2026-12-19T00:00:00Z')).status,
    ).toBe(400);
  }
});

describe.each(ENGINES)('expiry reminders in America/New_York with custom offsets (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-12-01T17:00:00Z');
    const patched = await api.call('PATCH', '/v1/program', {
      timezone: 'America/New_York',
      expiryPolicy: { kind: 'fixed_date', date: '2026-12-31' },
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  });
  afterAll(async () => api?.close());

  test('reminders at the program’s own offsets, for the New York day, in the program’s language', async () => {
    const settings = await api.call('PATCH', '/v1/notification-settings', {
      reminderOffsetsDays: [3, 14],
      defaultLanguage: 'en',
    });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
    expect(settings.body).toMatchObject({ reminderOffsetsDays: [14, 3], defaultLanguage: 'en' });
    expect((await api.call('GET', '/v1/notification-settings')).body.reminderOffsetsDays).toEqual([14, 3]);

    await createMember(api, 'ny-1');
    await credit(api, 'ny-1', { points: 700, reason: 'order' });
    const [lot] = (await api.call('GET', '/v1/members/ny-1/lots')).body.data;
    // Midnight at the end of 2026-12-31 in New York (EST, UTC-5).
    expect(lot.expiresAt).toBe('2027-01-01T05:00:00.000Z');

    await walk(api, '2027-01-02T05:00:00Z');
    const reminders = await remindersOf(api);
    expect(brief(reminders)).toEqual([
      ['ny-1', '2026-12-31', 14, 700],
      ['ny-1', '2026-12-31', 3, 700],
    ]);
    expect(new Date(reminders[0]!.created_at).getTime()).toBeGreaterThanOrEqual(
      new Date('2027-01-01T05:00:00Z').getTime() - 14 * DAY_MS,
    );
    const calendar = await api.call(
      'GET',
      '/v1/expiry-calendar?from=2026-12-01T00:00:00Z&to=2027-01-31T00:00:00Z',
    );
    expect(calendar.body.data).toEqual([{ expiresOn: '2026-12-31', points: 700, members: 1 }]);

    await dispatch(api);
    const inbox = (await inboxOf(api, 'ny-1')).filter((m) => m.type === 'points.expiring');
    expect(inbox.map((m) => [m.subject, m.body])).toEqual([
      ['Points expiring soon', '700 of your points expire on 2026-12-31. Use them before then.'],
      ['Points expiring soon', '700 of your points expire on 2026-12-31. Use them before then.'],
    ]);

    // No offsets at all: no reminders for new points.
    expect((await api.call('PATCH', '/v1/notification-settings', { reminderOffsetsDays: [] })).status).toBe(
      200,
    );
    await credit(api, 'ny-1', { points: 5, reason: 'gift', expiresAt: '2027-01-05T05:00:00Z' });
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 0 });
  });
});

describe.each(ENGINES)('expiry reminders when the program’s settings change (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-11-20T02:00:00Z');
  });
  afterAll(async () => api?.close());

  test('a new timezone moves the last local day, but the same points are not reminded again', async () => {
    await createMember(api, 'tz1');
    // 10:00 on 12-01 in Shanghai, 21:00 on 11-30 in New York.
    await credit(api, 'tz1', { points: 800, reason: 'gift', expiresAt: '2026-12-01T02:00:00Z' });
    api.clock.set('2026-11-24T03:00:00Z');
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 1 });
    const moved = await api.call('PATCH', '/v1/program', { timezone: 'America/New_York' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    api.clock.advance(60_000);
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 0 });
    // The next offset comes, for the day as New York sees it.
    api.clock.set('2026-11-30T02:00:00Z');
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 1 });
    const messages = (await outboxOf(api, 'tz1')).filter((m) => m.type === 'points.expiring');
    expect(messages.map((m) => [m.data.offsetDays, m.data.expiresOn, m.data.points])).toEqual([
      [7, '2026-12-01', 800],
      [1, '2026-11-30', 800],
    ]);
  });

  test('new offsets never send a larger one after a smaller one was sent', async () => {
    api.clock.set('2026-12-01T03:00:00Z');
    await createMember(api, 'zed');
    await credit(api, 'zed', { points: 500, reason: 'gift', expiresAt: '2026-12-07T16:00:00Z' });
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 1 }); // 7 days, at once
    const changed = await api.call('PATCH', '/v1/notification-settings', { reminderOffsetsDays: [14, 3] });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    api.clock.advance(3_600_000);
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 0 });
    api.clock.set('2026-12-04T16:00:00Z');
    expect(await runExpiryReminders(api.db, api.clock)).toEqual({ reminders: 1 });
    expect((await remindersOf(api)).filter((r) => r.member_id === 'zed').map((r) => r.offset_days)).toEqual([
      7, 3,
    ]);
  });
});
