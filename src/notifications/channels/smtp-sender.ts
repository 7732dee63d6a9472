import nodemailer, { type NodemailerError } from 'nodemailer';
import { elapsedMs, excerptOf, refusedBeforeSending, type SendOutcome } from './send-outcome.ts';

export const DEFAULT_SMTP_TIMEOUT_MS = 10_000;

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The outbox message id: it becomes the Message-ID, so a retried email can be recognised. */
  messageId: string;
}

export interface SmtpSender {
  send(email: OutgoingEmail): Promise<SendOutcome>;
  /** Releases the transport; sends after close fail. */
  close(): void;
}

/**
 * Email over SMTP (SPEC §3.6) from a URL such as `smtp://user:pass@127.0.0.1:2525` or
 * `smtps://...`. Plain `smtp://` upgrades with STARTTLS when the server offers it and goes on in
 * clear when the upgrade fails, because many relays on a private network have no certificate;
 * use `smtps://` where TLS must be guaranteed.
 */
export function createSmtpSender(config: { url: string; from: string; timeoutMs?: number }): SmtpSender {
  const protocol = URL.canParse(config.url) ? new URL(config.url).protocol : null;
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw new Error('SMTP URL must look like smtp://user:pass@host:port or smtps://...');
  }
  const timeoutMs = config.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    url: config.url,
    requireTLS: false,
    opportunisticTLS: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });

  return {
    async send(email) {
      const invalid = validateEmailAddress(email.to);
      if (invalid) return refusedBeforeSending(invalid);
      const startedAt = performance.now();
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          ...(email.html === undefined ? {} : { html: email.html }),
          messageId: `<${email.messageId}@jifen>`,
          headers: { 'X-Jifen-Message-Id': email.messageId },
        });
        return {
          ok: true,
          retryable: false,
          statusCode: replyCodeOf(info.response),
          error: null,
          responseExcerpt: excerptOf(info.response),
          durationMs: elapsedMs(startedAt),
        };
      } catch (error) {
        return {
          ok: false,
          ...classifySmtpError(error as NodemailerError, timeoutMs),
          durationMs: elapsedMs(startedAt),
        };
      }
    },
    close() {
      transport.close();
    },
  };
}

/**
 * A 5xx reply to this recipient or this message (550 mailbox unavailable, 553 mailbox name not
 * allowed, 554 content refused) will be given again to every retry, so it is final. Everything
 * else is worth retrying: 4xx (greylisting, mailbox full); 503 (the session was in the wrong
 * state, not the message at fault); 5xx to the greeting, the login or MAIL FROM, which are about
 * the server or our own configuration, fixed by an operator, after which the message can still
 * go; and every connection failure.
 */
function classifySmtpError(
  error: NodemailerError,
  timeoutMs: number,
): Pick<SendOutcome, 'retryable' | 'statusCode' | 'error' | 'responseExcerpt'> {
  const responseExcerpt = excerptOf(error.response);
  const statusCode = error.responseCode ?? null;
  if (statusCode !== null) {
    const aboutThisMessage = error.command === 'RCPT TO' || error.command === 'DATA';
    const final = aboutThisMessage && statusCode >= 500 && statusCode !== 503;
    const at = error.command ? ` at ${error.command}` : '';
    return { retryable: !final, statusCode, error: `SMTP ${statusCode}${at}`, responseExcerpt };
  }
  if (error.code === 'ETIMEDOUT') {
    return { retryable: true, statusCode, error: `timeout after ${timeoutMs} ms`, responseExcerpt };
  }
  // Nodemailer refused the envelope itself (e.g. an address it cannot encode): no retry changes it.
  const retryable = error.code !== 'EENVELOPE';
  const cause = error.originalCode ?? error.code ?? error.message;
  return { retryable, statusCode, error: cause, responseExcerpt };
}

/** '250 2.0.0 Ok: queued as 12345' → 250. */
function replyCodeOf(response: string): number | null {
  const code = /^\d{3}/.exec(response)?.[0];
  return code === undefined ? null : Number(code);
}

const MAX_EMAIL_LENGTH = 254;
/** One @, no spaces or angle brackets, a dotted domain: catches typos without rejecting real mailboxes. */
const EMAIL_SHAPE = /^[^\s@<>(),;:"\\]+@[^\s@<>(),;:"\\]+\.[^\s@<>(),;:"\\.]{2,}$/u;

/** Why an address cannot be mailed to, or null when it looks deliverable. */
export function validateEmailAddress(address: string): string | null {
  if (address.length > MAX_EMAIL_LENGTH) return `email address is longer than ${MAX_EMAIL_LENGTH} characters`;
  if (!EMAIL_SHAPE.test(address)) return 'email address is not of the form name@example.com';
  const [local = '', domain = ''] = address.split('@');
  if (local.length > 64) return 'email address has more than 64 characters before the @';
  if (domain.startsWith('.') || domain.includes('..') || local.startsWith('.') || local.endsWith('.')) {
    return 'email address has misplaced dots';
  }
  return null;
}
