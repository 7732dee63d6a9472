import { describe, expect, test } from 'vitest';
import { drawTicket, pickOutcome, random53, totalWeight } from '../../../src/rewards/draws/pick-outcome.ts';

/** Critical values of the chi-square distribution at p = 0.001, by degrees of freedom. */
const CHI_SQUARE_999: Record<number, number> = {
  1: 10.828,
  2: 13.816,
  3: 16.266,
  4: 18.467,
  5: 20.515,
  6: 22.458,
  7: 24.322,
  8: 26.124,
  9: 27.877,
  10: 29.588,
};

function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, index) => sum + (count - expected[index]!) ** 2 / expected[index]!, 0);
}

const TABLE = [
  { id: 'jackpot', weight: 1, stock: null },
  { id: 'earbuds', weight: 9, stock: null },
  { id: 'mug', weight: 40, stock: null },
  { id: 'points50', weight: 250, stock: null },
];
const CONSOLATION_WEIGHT = 700;

describe('pickOutcome (pure)', () => {
  test('tickets map to segments in table order; the consolation takes the rest', () => {
    const cases = [
      { ticket: 0, drawn: 'jackpot' },
      { ticket: 1, drawn: 'earbuds' },
      { ticket: 9, drawn: 'earbuds' },
      { ticket: 10, drawn: 'mug' },
      { ticket: 49, drawn: 'mug' },
      { ticket: 50, drawn: 'points50' },
      { ticket: 299, drawn: 'points50' },
      { ticket: 300, drawn: null },
      { ticket: 999, drawn: null },
    ];
    for (const { ticket, drawn } of cases) {
      expect(pickOutcome(TABLE, ticket), `ticket ${ticket}`).toEqual({ drawnPrizeId: drawn, prizeId: drawn });
    }
  });

  test('a ticket on a prize with no stock gives the consolation; other odds stay the same', () => {
    const table = TABLE.map((prize) => (prize.id === 'mug' ? { ...prize, stock: 0 } : prize));
    expect(pickOutcome(table, 20)).toEqual({ drawnPrizeId: 'mug', prizeId: null });
    expect(pickOutcome(table, 5)).toEqual({ drawnPrizeId: 'earbuds', prizeId: 'earbuds' });
    expect(pickOutcome([{ id: 'last', weight: 1, stock: 1 }], 0).prizeId).toBe('last');
  });

  test('drawTicket rejects the biased tail of the 53-bit range', () => {
    const values = [2 ** 53 - 1, 2 ** 53 - 2, 7];
    const source = () => values.shift()!;
    // 2^53 mod 3 = 2: the two top values are rejected, 7 gives ticket 1.
    expect(drawTicket(3, source)).toEqual({ random: 7, ticket: 1 });
    expect(() => drawTicket(0)).toThrow(RangeError);
    for (let i = 0; i < 1000; i++) {
      const value = random53();
      expect(Number.isSafeInteger(value) && value >= 0 && value < 2 ** 53).toBe(true);
    }
  });

  test('fairness: 100,000 crypto-random draws pass a chi-square test against the weights (p = 0.001)', () => {
    const total = totalWeight(TABLE, CONSOLATION_WEIGHT);
    const ids = [...TABLE.map((prize) => prize.id), 'consolation'];
    const weights = [...TABLE.map((prize) => prize.weight), CONSOLATION_WEIGHT];
    const observed = ids.map(() => 0);
    const draws = 100_000;
    for (let i = 0; i < draws; i++) {
      const { ticket } = drawTicket(total);
      const outcome = pickOutcome(TABLE, ticket);
      observed[ids.indexOf(outcome.prizeId ?? 'consolation')]!++;
    }
    const expected = weights.map((weight) => (draws * weight) / total);
    const statistic = chiSquare(observed, expected);
    expect(observed.reduce((a, b) => a + b)).toBe(draws);
    expect(statistic, `χ² = ${statistic.toFixed(2)}, observed ${observed.join('/')}`).toBeLessThan(
      CHI_SQUARE_999[ids.length - 1]!,
    );
    // The test can fail: a biased picker (jackpot never drawn) is caught.
    const biased = [0, ...observed.slice(1, -1), observed.at(-1)! + observed[0]!];
    expect(chiSquare(biased, expected)).toBeGreaterThan(CHI_SQUARE_999[ids.length - 1]!);
  });

  test('fairness with stock: the pure draw never awards more than the stock, with one real table', () => {
    const table = [
      { id: 'a', weight: 5, stock: 3 as number | null },
      { id: 'b', weight: 20, stock: 50 as number | null },
      { id: 'c', weight: 75, stock: null as number | null },
    ];
    const awarded: Record<string, number> = { a: 0, b: 0, c: 0, consolation: 0 };
    for (let i = 0; i < 100_000; i++) {
      const { prizeId } = pickOutcome(table, drawTicket(totalWeight(table, 0)).ticket);
      awarded[prizeId ?? 'consolation']!++;
      const prize = table.find((candidate) => candidate.id === prizeId);
      if (prize && prize.stock !== null) prize.stock--;
    }
    expect(awarded.a).toBe(3);
    expect(awarded.b).toBe(50);
    expect(table.every((prize) => prize.stock === null || prize.stock >= 0)).toBe(true);
  });
});
