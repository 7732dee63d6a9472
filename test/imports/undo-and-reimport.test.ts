import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JifenError } from '../../src/shared/errors.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { configure } from '../tiers/tier-kit.ts';
import { balancesOf, entriesOf, importFile, undo } from './import-kit.ts';

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as JifenError,
  );

const BALANCES = 'importId,memberId,points,earnedAt\nu-1,m-1,500,2026-01-10\nu-2,m-2,70,2025-12-01\n';

describe.each(ENGINES)('undo and re-import (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
    await api.call('PUT', '/v1/members/m-0', {}); // a member the import does not create
  });
  afterAll(async () => api?.close());

  test('undo reverses every entry with new ones, blocks the members it created, and the file imports again', async () => {
    const members = await importFile(api, 'members', 'memberId\nm-0\nm-1\nm-2\n');
    expect(members.membersCreated).toBe(2);
    const first = await importFile(api, 'balances', BALANCES);
    expect(await balancesOf(api, 'm-1')).toMatchObject({ available: 500 });

    const undone = await undo(api, first.id);
    expect(undone).toMatchObject({ state: 'undone' });
    const m1 = await entriesOf(api, 'm-1');
    expect(m1.map((entry) => [entry.type, entry.change.available])).toEqual([
      ['earn', 500],
      ['reverse', -500],
    ]);
    expect(m1[1]!.reversesEntryId).toBe(m1[0]!.id);
    expect(await balancesOf(api, 'm-1')).toMatchObject({ available: 0 });

    // The same file again: a new batch, credited again.
    const again = await importFile(api, 'balances', BALANCES);
    expect(again).toMatchObject({ rowsApplied: 2, rowsSkipped: 0 });
    expect(again.id).not.toBe(first.id);
    expect(await balancesOf(api, 'm-1')).toMatchObject({ available: 500 });
    // ...and once more: nothing new.
    expect(await importFile(api, 'balances', BALANCES)).toMatchObject({ rowsApplied: 0, rowsSkipped: 2 });
    expect(await balancesOf(api, 'm-1')).toMatchObject({ available: 500 });

    // Undoing the members import blocks those it created that hold nothing, and no other.
    const undoneMembers = await undo(api, members.id);
    expect(undoneMembers.state).toBe('undone');
    expect((await api.call('GET', '/v1/members/m-0')).body.status).toBe('active');
    expect((await api.call('GET', '/v1/members/m-1')).body.status).toBe('active'); // holds 500 now
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('undo is refused, changing nothing, when imported points were spent', async () => {
    await importFile(api, 'members', 'memberId\ns-1\n');
    const imported = await importFile(
      api,
      'balances',
      'importId,memberId,points,earnedAt\ns-b1,s-1,300,2026-02-01\n',
    );
    const spent = await api.call('POST', '/v1/members/s-1/debits', { points: 120, reason: 'coffee' });
    expect(spent.status).toBe(201);
    const before = await entriesOf(api, 's-1');
    const error = await refusal(undo(api, imported.id));
    expect(error).toMatchObject({ code: 'import_points_spent', extensions: { members: ['s-1'] } });
    expect(await entriesOf(api, 's-1')).toEqual(before);
    expect((await api.call('GET', '/v1/members/s-1')).body.balances.available).toBe(180);
  });

  test('only a committed import is undone, once', async () => {
    const imported = await importFile(api, 'members', 'memberId\nx-1\n');
    await undo(api, imported.id);
    expect(await refusal(undo(api, imported.id))).toMatchObject({ code: 'import_state_conflict' });
  });

  test('events: undo reverses what the rules gave; importing them again (the same order ids) stores them anew and credits again', async () => {
    const rule = await api.call('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
      target: { points: 1, growth: 1 },
    });
    await api.call('POST', `/v1/rules/${rule.body.id}/publish`);
    const file =
      'id,memberId,type,occurredAt,orderId,amountMinor\nh-1,ev-1,order.paid,2026-02-01 12:00,O-1,25000\n';
    const first = await importFile(api, 'events', file);
    expect(first).toMatchObject({ rowsApplied: 1, points: 250, membersCreated: 1 });
    expect(await balancesOf(api, 'ev-1')).toMatchObject({ available: 250, growth: 250 });
    await undo(api, first.id);
    expect(await balancesOf(api, 'ev-1')).toMatchObject({ available: 0, growth: 0 });
    expect((await api.call('GET', '/v1/members/ev-1')).body.status).toBe('blocked');
    await api.call('PUT', '/v1/members/ev-1', { status: 'active' });
    // The undone import's order is forgotten with its points: the same order id is paid again.
    const second = await importFile(api, 'events', file);
    expect(second).toMatchObject({ rowsApplied: 1, rowsInvalid: 0, points: 250 });
    expect(await balancesOf(api, 'ev-1')).toMatchObject({ available: 250, growth: 250 });
    expect((await api.call('GET', `/v1/events/${encodeURIComponent(`h-1#${second.id}`)}`)).status).toBe(200);
    // Once more: undone, then imported a third time (stored under the third import's id).
    await undo(api, second.id);
    await api.call('PUT', '/v1/members/ev-1', { status: 'active' });
    const third = await importFile(api, 'events', file);
    expect(third).toMatchObject({ rowsApplied: 1, rowsInvalid: 0, points: 250 });
    expect(await balancesOf(api, 'ev-1')).toMatchObject({ available: 250, growth: 250 });
    // The order of an import in force stays paid.
    const live = await api.call('POST', '/v1/events', {
      id: 'live-1',
      memberId: 'ev-1',
      type: 'order.paid',
      attributes: { orderId: 'O-1', amountMinor: 100 },
    });
    expect(live.body.code).toBe('order_already_paid');
  });

  test('tiers: manual assignments until a date; undo ends those still as imported', async () => {
    await configure(api);
    await importFile(api, 'members', 'memberId\nt-1\n');
    const bad = await importFile(api, 'tiers', 'memberId,tier,until\nt-1,platinum,2027-01-01\n', {
      skipErrors: true,
    });
    expect(bad.errors).toEqual([expect.objectContaining({ line: 2, column: 'tier' })]);
    const imported = await importFile(
      api,
      'tiers',
      'memberId,tier,until,reason\nt-1,gold,2027-01-01,from the old system\n',
    );
    expect(imported).toMatchObject({ rowsApplied: 1 });
    expect((await api.call('GET', '/v1/members/t-1/tier')).body.tier.code).toBe('gold');
    await undo(api, imported.id);
    expect((await api.call('GET', '/v1/members/t-1/tier')).body.tier.code).toBe('normal');
  });
});
