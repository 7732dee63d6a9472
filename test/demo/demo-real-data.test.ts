import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type DemoSummary, loadDemo } from '../../src/demo/load-demo.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';

/** The whole data set, replayed on the embedded database as `jifen demo` does (20–30 s alone; several minutes on a machine running other suites, hence the long hook timeout). */

const CSV = fileURLToPath(new URL('../../../shared/data/uci-online-retail-invoices.csv', import.meta.url));

describe.skipIf(!existsSync(CSV))('jifen demo on the real invoices (pglite)', () => {
  let api: TestApi;
  let summary: DemoSummary;
  beforeAll(async () => {
    api = await openTestApi('pglite', '2026-03-20T02:00:00Z');
    summary = await loadDemo(api.db, {
      programId: api.programId,
      csvText: readFileSync(CSV, 'utf8'),
      clock: api.clock,
    });
  }, 600_000);
  afterAll(async () => api?.close());

  test('every ledger invariant holds', async () => {
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  });

  test('the totals are those of a year of a real shop', () => {
    const { stats } = summary;
    expect(summary.rows).toBe(25_943);
    expect(summary.lastDay).toBe('2026-03-19');
    expect(stats.members).toBeGreaterThan(4_000);
    expect(stats.orders).toBeGreaterThan(18_000);
    expect(stats.cancellations).toBeGreaterThan(3_000);
    // About one order in seven is reviewed.
    expect(stats.reviews / stats.orders).toBeGreaterThan(0.1);
    expect(stats.reviews / stats.orders).toBeLessThan(0.2);
    // Nothing refused by the ledger: every bad row is the data's own.
    expect(summary.badRows.filter((row) => row.reason === 'event_refused')).toEqual([]);
    expect(summary.badRows.length / summary.rows).toBeLessThan(0.2);
    // At ¥9.50 per £1 and about £9m of sales: over 50 million points, a few percent taken back.
    expect(summary.pointsIssued).toBeGreaterThan(50_000_000);
    expect(summary.pointsTakenBack / summary.pointsIssued).toBeLessThan(0.1);
    expect(summary.reviewsRewarded + stats.duplicateReviews).toBe(stats.reviews + stats.duplicateReviews);
    expect(summary.sweeps.pendingReleased).toBeGreaterThan(stats.orders * 0.8);
    expect(summary.sweeps.expired).toBeGreaterThan(0);
  });

  test('the year populates every tier, fewer members the higher the tier', async () => {
    const { normal, silver, gold, diamond } = summary.tiers as Record<string, number>;
    expect(summary.tiersSet).toBe(true);
    expect(normal! + silver! + gold! + diamond!).toBe(summary.stats.members);
    expect(diamond).toBeGreaterThan(0);
    expect(normal).toBeGreaterThan(silver!);
    expect(silver).toBeGreaterThan(gold!);
    expect(gold).toBeGreaterThan(diamond!);
    // Upgrades happened as the year went, and quarter-end evaluations kept or lowered tiers.
    const [history] = await api.db.query<{ upgrades: string; evaluations: string }>(
      `select count(*) filter (where kind = 'upgrade') as upgrades,
              count(*) filter (where period is not null) as evaluations from tier_history`,
    );
    expect(Number(history!.upgrades)).toBeGreaterThan(diamond! + gold! + silver!);
    expect(Number(history!.evaluations)).toBeGreaterThan(0);
  });

  test('the year sorts every member into one lifecycle stage, and the demo segments hold some of them', async () => {
    const stages = Object.entries(summary.segments).filter(([id]) => id.startsWith('stage_'));
    expect(stages.map(([id]) => id)).toEqual([
      'stage_new',
      'stage_high_value',
      'stage_active',
      'stage_at_risk',
      'stage_dormant',
      'stage_churned',
    ]);
    expect(stages.reduce((sum, [, members]) => sum + members, 0)).toBe(summary.stats.members);
    // The data's last day is yesterday: buyers of the last 90 days are active or high value.
    expect(summary.segments.stage_active! + summary.segments.stage_high_value!).toBeGreaterThan(1_000);
    for (const id of ['big-spenders', 'regulars', 'wake-up']) {
      expect(summary.segments[id], id).toBeGreaterThan(0);
      expect(summary.segments[id], id).toBeLessThan(summary.stats.members);
    }
  });

  test('the showcase member has believable balances', async () => {
    const member = await api.call('GET', `/v1/members/${summary.showcaseMemberId}`);
    expect(member.status).toBe(200);
    expect(member.body.balances.available).toBeGreaterThan(0);
    expect(member.body.balances.growth).toBeGreaterThan(0);
  });
});
