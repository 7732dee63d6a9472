import { pooledRandomBytes } from './random-pool.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

let lastMillis = 0;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeBase32(bytes: Uint8Array, length: number): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += ALPHABET[(value << (5 - bits)) & 31];
  return output.slice(0, length);
}

function incremented(bytes: Uint8Array): Uint8Array {
  const next = new Uint8Array(bytes);
  for (let index = next.length - 1; index >= 0; index--) {
    const byte = next[index]!;
    if (byte < 255) {
      next[index] = byte + 1;
      return next;
    }
    next[index] = 0;
  }
  return next;
}

/**
 * A ULID-style id with a type prefix (`ent_01j...`): 48 bits of milliseconds then 80 random bits,
 * so ids sort by creation time (monotonic within one process) and cursors can page by id.
 */
export function newId(prefix: IdPrefix, atMillis: number = Date.now()): string {
  if (atMillis <= lastMillis) {
    lastRandom = incremented(lastRandom);
  } else {
    lastMillis = atMillis;
    lastRandom = new Uint8Array(pooledRandomBytes(10));
  }
  const time = new Uint8Array(6);
  let remaining = lastMillis;
  for (let index = 5; index >= 0; index--) {
    time[index] = remaining % 256;
    remaining = Math.floor(remaining / 256);
  }
  return `${prefix}_${encodeBase32(time, 10)}${encodeBase32(lastRandom, 16)}`;
}

export type IdPrefix =
  | 'prg'
  | 'key'
  | 'adm'
  | 'ent'
  | 'txn'
  | 'lot'
  | 'hld'
  | 'req'
  | 'rul'
  | 'tch'
  | 'rwd'
  | 'rdm'
  | 'drw'
  | 'prz'
  | 'ply'
  | 'msg'
  | 'whk'
  | 'dlv'
  | 'mbr'
  | 'imp'
  | 'acc'
  | 'stf'
  | 'rol'
  | 'ses'
  | 'apr'
  | 'ntc'
  | 'aud'
  | 'dk';
