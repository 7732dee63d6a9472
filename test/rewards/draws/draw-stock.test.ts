import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyLedger } from '../../../src/verify/verify-ledger.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { fundedMember } from '../reward-kit.ts';
import { liveDraw, play, WHEEL } from './draw-kit.ts';

/** 2,000 real plays through the API on PGlite, in batches: stock is never exceeded. */
describe('lucky draw stock over 2,000 plays (pglite)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('pglite');
  });
  afterAll(async () => api?.close());

  test('awarded never exceeds stock; plays, awards and balances agree', async () => {
    const draw = await liveDraw(api, WHEEL);
    const members = await Promise.all(Array.from({ length: 20 }, () => fundedMember(api, [1_000])));
    const tally: Record<string, number> = {};
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => play(api, draw.id, members[i % members.length]!)),
      );
      for (const reply of replies) {
        expect(reply.status, JSON.stringify(reply.body)).toBe(201);
        const key = reply.body.prizeId ?? 'consolation';
        tally[key] = (tally[key] ?? 0) + 1;
      }
      const current = (await api.call('GET', `/v1/draws/${draw.id}`)).body;
      for (const prize of current.prizes) {
        expect(prize.stock === null || prize.stock >= 0).toBe(true);
        expect(prize.awarded).toBe(tally[prize.id] ?? 0);
      }
    }
    const [jackpot, earbuds] = draw.prizes;
    expect(tally[jackpot.id] ?? 0).toBeLessThanOrEqual(5);
    expect(tally[earbuds.id] ?? 0).toBeLessThanOrEqual(20);
    const [{ plays }] = (await api.db.query<{ plays: number }>(
      'select count(*)::int as plays from lucky_draw_plays where draw_id = $1',
      [draw.id],
    )) as [{ plays: number }];
    expect(plays).toBe(2_000);
    expect((await verifyLedger(api.db)).violations).toEqual([]);
  }, 120_000);
});
