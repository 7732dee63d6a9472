import { createHttpSmsAdapter } from './http-sms-adapter.ts';
import { createLogSmsAdapter } from './log-sms-adapter.ts';
import type { SmsAdapter } from './sms-adapter.ts';
import { createSmtpSender, type SmtpSender } from './smtp-sender.ts';

type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_EMAIL_FROM = 'Jifen <no-reply@localhost>';

/**
 * JIFEN_SMS_URL (with JIFEN_SMS_TOKEN, optionally JIFEN_SMS_SENDER) selects the HTTP provider;
 * without it texts are only logged, so a development install needs no provider. A URL without a
 * token is a mistake caught at startup rather than as a stream of 401s.
 */
export function smsAdapterFromEnv(env: Env, log: (line: string) => void): SmsAdapter {
  const url = env['JIFEN_SMS_URL'];
  if (!url) return createLogSmsAdapter(log);
  const token = env['JIFEN_SMS_TOKEN'];
  if (!token) throw new Error('JIFEN_SMS_URL is set but JIFEN_SMS_TOKEN is not');
  if (!isHttpUrl(url)) throw new Error('JIFEN_SMS_URL must be an http:// or https:// URL');
  const senderName = env['JIFEN_SMS_SENDER'] || undefined;
  return createHttpSmsAdapter({ url, token, ...(senderName ? { senderName } : {}) });
}

const isHttpUrl = (url: string): boolean =>
  URL.canParse(url) && ['http:', 'https:'].includes(new URL(url).protocol);

/** Email is off (null) unless JIFEN_SMTP_URL is set; JIFEN_EMAIL_FROM names the sender. */
export function smtpSenderFromEnv(env: Env): SmtpSender | null {
  const url = env['JIFEN_SMTP_URL'];
  if (!url) return null;
  return createSmtpSender({ url, from: env['JIFEN_EMAIL_FROM'] || DEFAULT_EMAIL_FROM });
}
