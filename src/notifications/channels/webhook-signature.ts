import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures (SPEC §3.6): `v1=` + hex HMAC-SHA256 over `${timestamp}.${body}`, keyed with
 * the endpoint's whole secret string. The timestamp is signed so a captured delivery cannot be
 * replayed later; the scheme prefix leaves room for a `v2` without breaking receivers.
 */
const SCHEME = 'v1=';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
  return SCHEME + digest;
}

/**
 * Checks a `jifen-signature` header as a receiver would. During a secret rotation the header holds
 * one signature per live secret, comma-separated; any one that matches is enough. Exported for
 * integrators (and used by our own tests as they would use it).
 */
export function verifyWebhookSignature(input: {
  secret: string;
  header: string;
  timestamp: string | number;
  body: string;
  nowSeconds?: number;
  toleranceSeconds?: number;
}): boolean {
  const timestampSeconds = parseTimestamp(input.timestamp);
  if (timestampSeconds === null) return false;
  const nowSeconds = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  const toleranceSeconds = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(nowSeconds - timestampSeconds) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestampSeconds, input.body), 'utf8');
  let matched = false;
  for (const candidate of input.header.split(',')) {
    const given = Buffer.from(candidate.trim(), 'utf8');
    // timingSafeEqual throws on unequal lengths; a length mismatch reveals nothing about the key.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

/** A fresh endpoint secret: 32 random bytes, prefixed so a leaked one is recognisable in logs. */
export const newWebhookSecret = (): string => 'whsec_' + randomBytes(32).toString('base64url');

/** Whole seconds only: '1767225600'. Anything else (empty, '1e9', ' 12') cannot be ours. */
function parseTimestamp(timestamp: string | number): number | null {
  const text = String(timestamp);
  return /^\d{1,12}$/.test(text) ? Number(text) : null;
}
