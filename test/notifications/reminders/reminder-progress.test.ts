import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import { creditBatch } from '../../../src/ledger/commands/credit-batch.ts';
import { runExpiryReminders } from '../../../src/notifications/reminders/expiry-reminders.ts';
import { runSweep } from '../../../src/sweeps/sweeper.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { createMember, credit, outboxOf } from '../notification-kit.ts';

/**
 * A reminder pass reads only what can have become due since the last one: the band of expiries
 * each frontier ("now + offset") crossed, and the journal since the last pass for points that
 * arrived behind a frontier. Journal ids carry the wall clock, so here the wall clock moves with
 * the program's clock, as in production: points earned long ago are out of the journal's reach,
 * and only the band can find them.
 */
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

describe.each(ENGINES)('reminder passes that read only what changed (%s)', (engine) => {
  let api: TestApi;
  // Each engine in its own years: ids made in one process never go back in time.
  const start = Date.parse('2026-11-01T02:00:00Z') + ENGINES.indexOf(engine) * 400 * DAY_MS;
  const T0 = new Date(start);
  const day = (days: number, minutes = 0) => new Date(start + days * DAY_MS + minutes * MINUTE_MS);
  const moveTo = (at: Date) => {
    api.clock.set(at);
    vi.setSystemTime(at);
  };
  const pass = async (batchSize?: number) =>
    (await runExpiryReminders(api.db, api.clock, batchSize)).reminders;
  /** A pass once a day (at the time of day of `until`) up to `until`; returns what each sent. */
  const daily = async (until: Date) => {
    const sent: number[] = [];
    for (let at = api.clock.now().getTime() + DAY_MS; at <= until.getTime(); at += DAY_MS) {
      moveTo(new Date(at));
      sent.push(await pass());
    }
    return sent;
  };
  const remindersOf = async (memberId: string) =>
    (
      await api.db.query<{ expires_on: string; offset_days: number; points: number; created_at: Date }>(
        `select to_char(r.expires_on, 'YYYY-MM-DD') as expires_on, r.offset_days, r.points::int as points,
                r.created_at
           from expiry_reminders r join members m using (program_id, member_key)
          where r.program_id = $1 and m.member_id = $2 order by r.created_at, r.offset_days desc`,
        [api.programId, memberId],
      )
    ).map((row) => [row.offset_days, row.points, new Date(row.created_at).toISOString()]);
  const progress = async () =>
    (
      await api.db.query<{ offset_days: number; scanned_until: Date; entries_read_at: Date }>(
        `select offset_days, scanned_until, entries_read_at from reminder_progress
          where program_id = $1 order by offset_days desc`,
        [api.programId],
      )
    ).map((row) => [
      row.offset_days,
      new Date(row.scanned_until).toISOString(),
      new Date(row.entries_read_at).toISOString(),
    ]);
  const progressAt = (at: Date) =>
    [30, 7, 1].map((offsetDays) => [
      offsetDays,
      new Date(at.getTime() + offsetDays * DAY_MS).toISOString(),
      at.toISOString(),
    ]);
  const earn = async (memberId: string, points: number, expiresAt: Date, extra: object = {}) => {
    await createMember(api, memberId);
    return (
      await credit(api, memberId, { points, reason: 'gift', expiresAt: expiresAt.toISOString(), ...extra })
    ).entries[0].id as string;
  };

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    api = await openTestApi(engine, T0.toISOString(), { maxConnections: 10 });
  });
  afterAll(async () => {
    await api?.close();
    vi.useRealTimers();
  });

  test('a reminder comes when the band of its frontier reaches the points, earned long before', async () => {
    await earn('ann', 100, day(40));
    await earn('ann', 50, day(40, 180));
    await earn('ben', 70, day(20));
    expect(await pass()).toBe(1); // ben, at once at 30 days: he has 20 left
    expect(await progress()).toEqual(progressAt(T0));

    // Ann's 30-day moment is day 10; the journal of day 0 is far behind by then.
    expect(await daily(day(10))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(await remindersOf('ann')).toEqual([[30, 150, day(10).toISOString()]]);
    expect(await progress()).toEqual(progressAt(day(10)));
    const [message] = (await outboxOf(api, 'ann')).filter((m) => m.type === 'points.expiring');
    expect(message!.data).toEqual({
      memberId: 'ann',
      points: 150,
      expiresOn: day(40).toISOString().slice(0, 10),
      expiresAt: day(40).toISOString(),
      offsetDays: 30,
      daysLeft: 30,
      lots: 2,
    });

    // Ben's 7- and 1-day moments come by the band too.
    await daily(day(19));
    expect(await remindersOf('ben')).toEqual([
      [30, 70, T0.toISOString()],
      [7, 70, day(13).toISOString()],
      [1, 70, day(19).toISOString()],
    ]);
  });

  test('points that arrive behind the frontier (earned, released, given back) are reminded at the next pass', async () => {
    const now = day(21);
    moveTo(now);
    await pass();
    // Cara earns points that expire in 3 days: the 30- and 7-day frontiers are past them already.
    await earn('cara', 30, day(24));
    // Dan's points are pending for 2 days: when the frontiers pass them they cannot be spent yet.
    await earn('dan', 40, day(26), { pendingDays: 2 });
    // Eve spends her points before the frontiers reach them, and gets them back after.
    await earn('eve', 60, day(27));
    const spent = await api.call('POST', '/v1/members/eve/debits', { points: 60, reason: 'shop' });
    expect(spent.status).toBe(201);

    moveTo(day(21, 1));
    expect(await pass()).toBe(1);
    expect(await remindersOf('cara')).toEqual([[7, 30, day(21, 1).toISOString()]]);

    expect(await daily(day(23, 1))).toEqual([0, 1]); // cara's 1-day moment, by the band
    moveTo(day(23, 2));
    expect((await runSweep(api.db, api.clock, 'pending_release')).entries).toBe(1);
    const given = await api.call('POST', `/v1/entries/${spent.body.entries[0].id}/reversal`, {});
    expect(given.status, JSON.stringify(given.body)).toBe(201);
    moveTo(day(23, 3));
    expect(await pass()).toBe(2);
    expect(await remindersOf('dan')).toEqual([[7, 40, day(23, 3).toISOString()]]);
    expect(await remindersOf('eve')).toEqual([[7, 60, day(23, 3).toISOString()]]);
    expect(await remindersOf('cara')).toEqual([
      [7, 30, day(21, 1).toISOString()],
      [1, 30, day(23, 1).toISOString()],
    ]);
  });

  test('a server down for days catches up from where the passes stopped', async () => {
    moveTo(day(30));
    await earn('fay', 90, day(39));
    expect(await pass()).toBe(1); // fay's 30-day one
    // Down from day 30 to day 33: fay's 7-day moment (day 32) and ann's (day 33) pass meanwhile,
    // and gus earns points whose 1-day moment (day 32.5) passes too, behind every frontier.
    moveTo(day(31));
    await earn('gus', 20, day(33, 720));
    moveTo(day(33));
    expect(await pass()).toBe(3);
    expect(await remindersOf('ann')).toEqual([
      [30, 150, day(10).toISOString()],
      [7, 150, day(33).toISOString()],
    ]);
    expect(await remindersOf('fay')).toEqual([
      [30, 90, day(30).toISOString()],
      [7, 90, day(33).toISOString()],
    ]);
    expect(await remindersOf('gus')).toEqual([[1, 20, day(33).toISOString()]]);
    expect(await progress()).toEqual(progressAt(day(33)));
  });

  test('two servers sweeping at once send each reminder once, and the progress ends where they got', async () => {
    moveTo(day(40));
    await pass();
    const banded = Array.from({ length: 12 }, (_, i) => `band-${i}`);
    for (const memberId of banded) await earn(memberId, 10, day(47, 30));
    moveTo(day(40, 1));
    expect(await pass()).toBe(banded.length); // earned within the window, found in the journal: 30 days
    // Six days without a pass: their 1-day moment has come, and late earners are behind it too.
    const late = Array.from({ length: 5 }, (_, i) => `late-${i}`);
    moveTo(day(46, 31));
    for (const memberId of late) await earn(memberId, 5, day(47));
    moveTo(day(46, 32));
    const results = await Promise.all([pass(3), pass(3)]);
    expect(results[0]! + results[1]!).toBe(banded.length + late.length);
    expect(await pass()).toBe(0);
    for (const memberId of banded) {
      expect((await remindersOf(memberId)).map(([offset]) => offset)).toEqual([30, 1]);
    }
    for (const memberId of late) expect(await remindersOf(memberId)).toHaveLength(1);
    const messages = (await outboxOf(api)).filter(
      (m) => m.type === 'points.expiring' && /^(band|late)-/.test(m.member_id!),
    );
    expect(messages).toHaveLength(banded.length * 2 + late.length);
    expect(await progress()).toEqual(progressAt(day(46, 32)));
  });

  test('a pass that fails halfway leaves the progress where it was, so the next one does the rest', async () => {
    moveTo(day(50));
    const members = Array.from({ length: 5 }, (_, i) => `crash-${i}`);
    for (const memberId of members) await earn(memberId, 8, day(90));
    await daily(day(59));
    let recorded = 0;
    const failing: Database = {
      ...api.db,
      query: ((sql: string, params?: readonly unknown[]) => {
        if (sql.includes('insert into expiry_reminders') && ++recorded === 2)
          throw new Error('connection lost');
        return api.db.query(sql, params);
      }) as Database['query'],
    };
    moveTo(day(60));
    await expect(runExpiryReminders(failing, api.clock, 2)).rejects.toThrow('connection lost');
    expect(await progress()).toEqual(progressAt(day(59)));
    moveTo(day(60, 1));
    expect(await pass()).toBe(members.length - 2);
    for (const memberId of members) {
      expect((await remindersOf(memberId)).map(([offset]) => offset)).toEqual([30]);
    }
  });

  test.runIf(engine === 'postgres')(
    'points whose transaction commits after a pass that began after they were made are reminded next',
    async () => {
      moveTo(day(70));
      await pass();
      await createMember(api, 'slow');
      await earn('quick', 1, day(400));
      // Slow's credit is decided (its ids made) now, then held open while others commit and a pass runs.
      let commit!: () => void;
      const held = new Promise<void>((resolve) => {
        commit = resolve;
      });
      let decided!: () => void;
      const madeIds = new Promise<void>((resolve) => {
        decided = resolve;
      });
      const holding: Database = {
        ...api.db,
        transaction: (work) =>
          api.db.transaction(async (tx) => {
            const result = await work(tx);
            decided();
            await held;
            return result;
          }),
      };
      const slow = creditBatch(
        holding,
        { programId: api.programId, now: api.clock.now(), source: { kind: 'api' } },
        [{ memberId: 'slow', points: 25, reason: { zh: '礼物', en: 'gift' }, expiresAt: day(72) }],
      );
      await madeIds;
      moveTo(day(70, 2));
      await earn('quick', 1, day(400));
      expect(await pass()).toBe(0); // slow's points are not visible yet
      commit();
      expect((await slow)[0]!.status).toBe(201);
      moveTo(day(70, 3));
      expect(await pass()).toBe(1);
      expect(await remindersOf('slow')).toEqual([[7, 25, day(70, 3).toISOString()]]);
    },
  );
});
