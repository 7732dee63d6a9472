import type { SendOutcome } from './send-outcome.ts';

export interface OutgoingSms {
  /** E.164 (`+8613800138000`) or a bare mainland mobile number (`13800138000`). */
  to: string;
  text: string;
  /** The outbox message id: providers use it as the idempotency key, so a retry is never sent twice. */
  messageId: string;
}

/**
 * SMS goes through whichever provider a deployment has (SPEC §3.6); each is an adapter. Adapters
 * check the number themselves and answer an unusable one with a non-retryable outcome.
 */
export interface SmsAdapter {
  name: string;
  send(sms: OutgoingSms): Promise<SendOutcome>;
}

const E164 = /^\+[1-9]\d{7,14}$/;
/** Mainland China mobile numbers: 11 digits, 13x to 19x. */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** Why a number cannot be texted, or null when it can. */
export function validatePhoneNumber(to: string): string | null {
  if (E164.test(to) || MAINLAND_MOBILE.test(to)) return null;
  return 'phone number must be E.164 (+8613800138000) or a mainland mobile number (13800138000)';
}

/**
 * The number in E.164, which is what providers are sent. Bare mainland numbers gain +86.
 * Only called on numbers that passed validatePhoneNumber.
 */
export function toE164(to: string): string {
  if (validatePhoneNumber(to) !== null) throw new Error('toE164 called on an unchecked phone number');
  return to.startsWith('+') ? to : `+86${to}`;
}
