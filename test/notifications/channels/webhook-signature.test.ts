import { describe, expect, test } from 'vitest';
import {
  newWebhookSecret,
  signWebhook,
  verifyWebhookSignature,
} from '../../../src/notifications/channels/webhook-signature.ts';

const secret = 'whsec_test';
const body = '{"id":"msg_1"}';
const timestamp = 1_767_225_600;
const signed = {
  secret,
  header: signWebhook(secret, timestamp, body),
  timestamp,
  body,
  nowSeconds: timestamp,
};

describe('webhook signatures', () => {
  test('are v1= and the hex HMAC-SHA256 of "timestamp.body" (computed independently with openssl)', () => {
    expect(signWebhook(secret, timestamp, body)).toBe(
      'v1=cf5b7a5b338cfabcbd20646c71bd888c01bac9b2cc93e8f59dbdc0e69e75e8ef',
    );
  });

  test('verify when nothing was changed, with the timestamp as a header string too', () => {
    expect(verifyWebhookSignature(signed)).toBe(true);
    expect(verifyWebhookSignature({ ...signed, timestamp: String(timestamp) })).toBe(true);
  });

  test.each([
    ['a tampered body', { body: '{"id":"msg_2"}' }],
    ['a wrong secret', { secret: 'whsec_other' }],
    ['a timestamp that is not the signed one', { timestamp: timestamp + 1, nowSeconds: timestamp + 1 }],
    ['a stale timestamp (301 s old)', { nowSeconds: timestamp + 301 }],
    ['a timestamp from the future (301 s ahead)', { nowSeconds: timestamp - 301 }],
    ['a malformed timestamp', { timestamp: '1767225600.0' }],
    ['an empty header', { header: '' }],
    ['a signature without its scheme', { header: signed.header.slice(3) }],
    ['an upper-case signature', { header: signed.header.toUpperCase() }],
  ])('fail with %s', (_case, change) => {
    expect(verifyWebhookSignature({ ...signed, ...change })).toBe(false);
  });

  test('stay valid for the whole tolerance window, which can be changed', () => {
    expect(verifyWebhookSignature({ ...signed, nowSeconds: timestamp + 300 })).toBe(true);
    expect(verifyWebhookSignature({ ...signed, nowSeconds: timestamp - 300 })).toBe(true);
    expect(verifyWebhookSignature({ ...signed, nowSeconds: timestamp + 60, toleranceSeconds: 30 })).toBe(
      false,
    );
  });

  test('during a rotation, a header with several signatures verifies with any one of the secrets', () => {
    const header = [
      signWebhook('whsec_old', timestamp, body),
      signWebhook('whsec_new', timestamp, body),
    ].join(', ');
    expect(verifyWebhookSignature({ ...signed, header, secret: 'whsec_old' })).toBe(true);
    expect(verifyWebhookSignature({ ...signed, header, secret: 'whsec_new' })).toBe(true);
    expect(verifyWebhookSignature({ ...signed, header, secret: 'whsec_retired' })).toBe(false);
    expect(verifyWebhookSignature({ ...signed, header: `v0=junk, ${header}`, secret: 'whsec_new' })).toBe(
      true,
    );
  });

  test('new secrets are whsec_ and 32 random bytes in base64url, never the same twice', () => {
    const secrets = new Set(Array.from({ length: 50 }, newWebhookSecret));
    expect(secrets.size).toBe(50);
    for (const fresh of secrets) {
      expect(fresh).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(fresh.slice('whsec_'.length), 'base64url')).toHaveLength(32);
    }
  });
});
