import { randomBytes } from 'node:crypto';

/**
 * The fair part of a draw, pure: a table of segments [prize 1 weight][prize 2 weight]…[consolation
 * weight], and a ticket uniform in [0, total). The odds are the published weights; a ticket that
 * lands on a prize with no stock left gives the consolation, so such a prize is never awarded and
 * the other prizes' odds never change as stock runs out.
 */

export interface WeightedPrize {
  id: string;
  weight: number;
  /** Left to give; null = unlimited. */
  stock: number | null;
}

export interface Outcome {
  /** The prize whose segment the ticket fell in, or null for the consolation's segment. */
  drawnPrizeId: string | null;
  /** The prize given, or null = the consolation. */
  prizeId: string | null;
}

export function totalWeight(prizes: readonly WeightedPrize[], consolationWeight: number): number {
  return prizes.reduce((sum, prize) => sum + prize.weight, consolationWeight);
}

export function pickOutcome(prizes: readonly WeightedPrize[], ticket: number): Outcome {
  let upper = 0;
  for (const prize of prizes) {
    upper += prize.weight;
    if (ticket < upper) {
      const inStock = prize.stock === null || prize.stock > 0;
      return { drawnPrizeId: prize.id, prizeId: inStock ? prize.id : null };
    }
  }
  return { drawnPrizeId: null, prizeId: null };
}

const TWO_53 = 2 ** 53;

/** A uniform 53-bit integer from the operating system's cryptographic source. */
export function random53(): number {
  const bytes = randomBytes(7);
  let value = bytes[0]! & 0x1f; // 5 + 6 × 8 = 53 bits
  for (let index = 1; index < 7; index++) value = value * 256 + bytes[index]!;
  return value;
}

/**
 * A ticket uniform in [0, total): 53-bit values at or above the largest multiple of `total` are
 * drawn again (rejection), so `random mod total` has no bias. Returns the accepted value for audit.
 */
export function drawTicket(
  total: number,
  source: () => number = random53,
): { random: number; ticket: number } {
  if (!Number.isSafeInteger(total) || total < 1) throw new RangeError(`total weight ${total} must be ≥ 1`);
  const limit = TWO_53 - (TWO_53 % total);
  for (;;) {
    const random = source();
    if (random < limit) return { random, ticket: random % total };
  }
}
