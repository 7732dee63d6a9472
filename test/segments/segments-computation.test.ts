import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runSegmentSweeps, SegmentRefresher } from '../../src/segments/segment-sweeps.ts';
import { DAY_MS } from '../../src/shared/time-units.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { programWith } from '../tiers/tier-scenario-kit.ts';

const START = '2026-05-01T02:00:00Z';

describe.each(ENGINES)('computing RFM, stages and segments (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, START);
    // Member m-i places i orders of ¥10, the last one (11 - i) days before the computation.
    for (let i = 1; i <= 10; i++) {
      await api.call('PUT', `/v1/members/m-${i}`, { joinedAt: '2025-01-01T00:00:00Z' });
    }
    for (let day = 0; day < 20; day++) {
      api.clock.set(new Date(new Date(START).getTime() + day * DAY_MS));
      for (let i = 1; i <= 10; i++) {
        const lastDay = 20 - (11 - i);
        if (day > lastDay || day <= lastDay - i) continue;
        const id = `o-${i}-${day}`;
        const sent = await api.call('POST', '/v1/events', {
          id,
          type: 'order.paid',
          memberId: `m-${i}`,
          occurredAt: api.clock.now().toISOString(),
          attributes: { orderId: id, amountMinor: 1_000, currency: 'CNY' },
        });
        expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      }
    }
    api.clock.set(new Date(new Date(START).getTime() + 20 * DAY_MS));
  });
  afterAll(async () => api?.close());

  test('scores follow the quintiles of the program: figures 1..10 score 1,1,2,2,3,3,4,4,5,5', async () => {
    const done = await api.call('POST', '/v1/segments/recompute');
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body.members).toBe(10);
    const scores = [];
    for (let i = 1; i <= 10; i++) {
      const view = await api.call('GET', `/v1/members/m-${i}/segments`);
      scores.push(view.body.rfm);
    }
    expect(scores.map((s) => s.frequency)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.monetary)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.recency)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.recencyDays)).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(scores.map((s) => s.orders)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(scores[9].spendMinor).toBe(10_000);
  });

  test('high value is the active members with M and F at the settings’ scores; the listing filters by stage', async () => {
    const highValue = await api.call('GET', '/v1/members?segment=stage_high_value');
    expect(highValue.body.data.map((m: { memberId: string }) => m.memberId)).toEqual(['m-10', 'm-9']);
    const settings = await api.call('GET', '/v1/segment-settings');
    const changed = await api.call('PUT', '/v1/segment-settings', {
      ...settings.body,
      stages: { ...settings.body.stages, highValueMinMonetary: 4, highValueMinFrequency: 4 },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const more = await api.call('GET', '/v1/members?segment=stage_high_value');
    expect(more.body.data.map((m: { memberId: string }) => m.memberId)).toEqual([
      'm-10',
      'm-7',
      'm-8',
      'm-9',
    ]);
  });

  test('between sweeps, members whose ledger moved are judged again; the sweep runs only when due', async () => {
    const created = await api.call('POST', '/v1/segments', {
      id: 'rich',
      name: { 'zh-CN': '积分大户', en: 'Points rich' },
      condition: { field: 'balance.available', op: 'gte', value: 1_000 },
    });
    expect(created.body.size).toBe(0);
    const refresher = new SegmentRefresher(api.db, api.clock, { intervalMs: 60_000 });
    try {
      const credited = await api.call('POST', '/v1/members/m-3/credits', {
        points: 1_000,
        reason: 'goodwill',
      });
      expect(credited.status).toBe(201);
      await refresher.flush();
    } finally {
      await refresher.stop();
    }
    const rich = await api.call('GET', '/v1/segments/rich/members');
    expect(rich.body.data.map((m: { memberId: string }) => m.memberId)).toEqual(['m-3']);
    // Computed a moment ago: not due; an hour on (the default period), due again.
    expect(await runSegmentSweeps(api.db, api.clock)).toEqual([]);
    api.clock.advance(60 * 60_000);
    const swept = await runSegmentSweeps(api.db, api.clock);
    expect(swept.map((r) => r.members)).toEqual([10]);
  });

  test('an archived segment is empty, keeps its sizes, and cannot be changed', async () => {
    const archived = await api.call('DELETE', '/v1/segments/rich');
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', size: null });
    expect((await api.call('GET', '/v1/segments/rich/members')).body.data).toEqual([]);
    expect((await api.call('GET', '/v1/segments/rich/sizes')).body.data.length).toBeGreaterThan(0);
    const changed = await api.call('PATCH', '/v1/segments/rich', { name: { 'zh-CN': '甲', en: 'A' } });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('segment_archived');
  });

  test('an erased member leaves their segments; the access export shows the profiling', async () => {
    const exported = await api.call('GET', '/v1/members/m-2/personal-data');
    expect(exported.status).toBe(200);
    expect(exported.body.segments).toMatchObject({ stage: 'active', rfm: { orders: 2 } });
    const erased = await api.call('POST', '/v1/members/m-2/erasure', {});
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    const active = await api.call('GET', '/v1/segments/stage_active/members?limit=200');
    expect(active.body.data.map((m: { memberId: string }) => m.memberId)).not.toContain('m-2');
  });

  test('a program whose computation fails does not hold up the others', async () => {
    const broken = await programWith(api, null);
    const healthy = await programWith(api, null);
    await healthy.call('PUT', '/v1/members/h-1', {});
    // A definition no API call can make (far past the window limits): its facts cannot be loaded.
    const windows = Array.from({ length: 900 }, (_, i) => ({
      field: `activity.orders.${i + 1}d`,
      op: 'gte',
      value: 1,
    }));
    await api.db.query(
      `insert into segments (program_id, id, name, condition, status, created_at, updated_at)
       values ($1, 'huge', '{"zh-CN":"大","en":"Huge"}', $2::jsonb, 'active', now(), now())`,
      [
        broken.programId,
        JSON.stringify({
          any: [
            { any: windows.slice(0, 50) },
            ...Array.from({ length: 17 }, (_, j) => ({ any: windows.slice(50 + j * 50, 100 + j * 50) })),
          ],
        }),
      ],
    );
    const logged: string[] = [];
    const swept = await runSegmentSweeps(api.db, api.clock, (line) => logged.push(line));
    expect(logged).toEqual([expect.stringContaining(`computing the segments of ${broken.programId} failed`)]);
    expect(swept.map((result) => result.members)).toContain(1);
    const computed = await healthy.call('GET', '/v1/segments/stage_new/members');
    expect(computed.body.data.map((m: { memberId: string }) => m.memberId)).toEqual(['h-1']);
  });
});
