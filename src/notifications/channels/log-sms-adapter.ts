import { refusedBeforeSending } from './send-outcome.ts';
import { type SmsAdapter, toE164, validatePhoneNumber } from './sms-adapter.ts';

/**
 * The SMS adapter for development and for deployments without a provider: each text becomes one
 * log line, with the number masked because logs travel further than the database.
 */
export function createLogSmsAdapter(log: (line: string) => void): SmsAdapter {
  return {
    name: 'log',
    async send(sms) {
      const invalid = validatePhoneNumber(sms.to);
      if (invalid) return refusedBeforeSending(invalid);
      // Newlines escaped: one text, one log line.
      const text = sms.text.replace(/\r?\n/g, '\\n');
      log(`sms to ${maskPhoneNumber(toE164(sms.to))} [${sms.messageId}]: ${text}`);
      return {
        ok: true,
        retryable: false,
        statusCode: null,
        error: null,
        responseExcerpt: null,
        durationMs: 0,
      };
    },
  };
}

/** '+8613800138000' → '+86138****8000': enough to tell numbers apart, not enough to call one. */
export function maskPhoneNumber(number: string): string {
  if (number.length < 8) return '*'.repeat(number.length);
  return number.slice(0, -8) + '****' + number.slice(-4);
}
