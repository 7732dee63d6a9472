import { randomFillSync } from 'node:crypto';

/**
 * Random bytes for values made on every write (ids, nonces), taken from a pool that one call to
 * the CSPRNG fills: a call per value cost more than the value (a profiled staff adjustment spent
 * as much in `randomBytes` for its audit record's nonce and id as in encrypting the record). Each
 * byte is handed out once; a refill makes a new pool, so the bytes handed out before never change.
 * For long-lived secrets (keys, tokens) call `randomBytes` directly.
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES) throw new RangeError(`pooledRandomBytes: at most ${POOL_BYTES} bytes`);
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
