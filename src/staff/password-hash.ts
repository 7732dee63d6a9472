import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are hashed with scrypt (memory-hard; Node's own, no native package): N = 2^15, r = 8,
 * p = 1 (32 MiB and ~60 ms a hash on a server core), a 16-byte random salt per hash, a 32-byte key.
 * The stored form carries its parameters, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so
 * the parameters can be raised later and old hashes still verify (and are re-hashed on the next
 * sign-in: `needsRehash`). Comparison is constant-time.
 */
export const SCRYPT_PARAMETERS = { N: 2 ** 15, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

interface Parameters {
  N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Parameters, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFKC'),
      salt,
      keyBytes,
      // maxmem: 128 × N × r bytes is what scrypt needs; Node's default (32 MiB) is just short of it.
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMETERS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, { N, r, p }, keyBytes);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

function parse(stored: string): (Parameters & { salt: Buffer; key: Buffer }) | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  return { N, r, p, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed, parsed.key.length);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  const { N, r, p } = SCRYPT_PARAMETERS;
  return !parsed || parsed.N < N || parsed.r < r || parsed.p < p;
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time a real verification takes, for a login that does not exist: a wrong login and a
 * wrong password answer alike and in about the same time.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  dummy ??= hashPassword('jifen: no such login');
  await verifyPassword(password, await dummy);
  return false;
}
