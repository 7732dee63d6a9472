import { outcomeOfPost, postJson } from './post-json.ts';
import { refusedBeforeSending, type SendOutcome } from './send-outcome.ts';
import { signWebhook } from './webhook-signature.ts';

const MAX_URL_LENGTH = 2048;

export interface WebhookDelivery {
  url: string;
  /**
   * The endpoint's secret; during a rotation, every live secret, so receivers holding either the
   * old or the new one can verify (the header then carries one signature per secret).
   */
  secret: string | readonly string[];
  /** The outbox message id, stable across attempts: receivers de-duplicate on it. */
  messageId: string;
  type: string;
  /** The exact JSON text that is sent and signed (see webhookBody). */
  body: string;
  timestampSeconds: number;
  timeoutMs: number;
  /** 1 for the first attempt. */
  attempt: number;
}

/**
 * One signed POST to an integrator's endpoint. Only a 2xx counts as delivered; any other answer,
 * a redirect included, and any network failure or timeout is worth retrying. An unusable URL is
 * the one failure retries cannot fix.
 */
export async function sendWebhook(delivery: WebhookDelivery): Promise<SendOutcome> {
  const invalid = validateWebhookUrl(delivery.url);
  if (invalid) return refusedBeforeSending(invalid);
  const secrets = typeof delivery.secret === 'string' ? [delivery.secret] : delivery.secret;
  if (secrets.length === 0) throw new Error('sendWebhook: an endpoint always has at least one secret');
  const result = await postJson({
    url: delivery.url,
    headers: {
      'user-agent': 'Jifen-Webhooks/1',
      'jifen-message-id': delivery.messageId,
      'jifen-event-type': delivery.type,
      'jifen-timestamp': String(delivery.timestampSeconds),
      'jifen-signature': secrets
        .map((secret) => signWebhook(secret, delivery.timestampSeconds, delivery.body))
        .join(','),
      'jifen-attempt': String(delivery.attempt),
    },
    body: delivery.body,
    timeoutMs: delivery.timeoutMs,
  });
  // Endpoints come back from deploys and outages: no answer of theirs is final.
  return outcomeOfPost(result, () => true);
}

/**
 * Why an endpoint URL cannot be delivered to, or null when it can. Credentials are refused in the
 * URL because they would be stored and shown in clear; the signature is how receivers
 * authenticate us.
 */
export function validateWebhookUrl(url: string): string | null {
  if (url.length > MAX_URL_LENGTH) return `webhook URL is longer than ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'webhook URL is not a valid absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `webhook URL must use http or https, not ${parsed.protocol.slice(0, -1)}`;
  }
  if (parsed.username || parsed.password) return 'webhook URL must not contain credentials';
  if (isLinkLocal(parsed.hostname))
    return 'webhook URL must not point at a link-local address (169.254.x.x, fe80::): cloud metadata lives there';
  return null;
}

/**
 * Link-local addresses are where cloud metadata services answer (169.254.169.254), never where an
 * integrator's receiver lives. Private networks stay allowed: an ERP on the office network is a
 * normal receiver; restrict the server's outbound traffic where that is not wanted.
 */
function isLinkLocal(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return /^169\.254\.\d{1,3}\.\d{1,3}$/.test(host) || /^fe[89ab][0-9a-f]:/.test(host);
}
