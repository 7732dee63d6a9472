import { describe, expect, it } from 'vitest';
import { newId } from '../../src/shared/ids.ts';
import { pooledRandomBytes } from '../../src/shared/random-pool.ts';

describe('pooled random bytes', () => {
  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 12-byte values over about thirty pool refills: a repeat would mean a reused slice.
    for (let index = 0; index < 10_000; index++) seen.add(pooledRandomBytes(12).toString('hex'));
    expect(seen.size).toBe(10_000);
  });

  it('keeps the bytes it handed out when the pool is refilled', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    for (let index = 0; index < 1_000; index++) pooledRandomBytes(64);
    expect(first.equals(copy)).toBe(true);
  });

  it('refuses more than a pool at once', () => {
    expect(() => pooledRandomBytes(5_000)).toThrow(RangeError);
  });

  it('gives ids that stay unique and time-ordered', () => {
    const ids = Array.from({ length: 5_000 }, (_, index) => newId('ent', 1_800_000_000_000 + index));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
