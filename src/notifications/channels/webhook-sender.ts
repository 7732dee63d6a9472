import { addressRefusal, isIpAddress } from './address-class.ts';
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
  /**
   * The deployment's JIFEN_WEBHOOK_ALLOW_PRIVATE: whether loopback and private addresses may be
   * dialled. Link-local and cloud metadata addresses never are.
   */
  allowPrivateNetworks: boolean;
}

/**
 * One signed POST to an integrator's endpoint. Only a 2xx counts as delivered; any other answer,
 * a redirect included, and any network failure or timeout is worth retrying. An unusable URL and
 * an address the guard refuses (literal, or what the host name resolves to) are the failures
 * retries cannot fix: the delivery is dead at once, and replayed once the URL, its DNS or the
 * setting is fixed.
 */
export async function sendWebhook(delivery: WebhookDelivery): Promise<SendOutcome> {
  const invalid = validateWebhookUrl(delivery.url, delivery.allowPrivateNetworks);
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
    allowPrivateNetworks: delivery.allowPrivateNetworks,
  });
  // Endpoints come back from deploys and outages: no answer of theirs is final.
  return outcomeOfPost(result, () => true);
}

/**
 * Why an endpoint URL cannot be delivered to, or null when it can. Credentials are refused in the
 * URL because they would be stored and shown in clear; the signature is how receivers
 * authenticate us. A host that is an IP address is judged here by the address guard's rules
 * (every spelling of it: the URL parser turns 0177.0.0.1, 127.1 and 2130706433 into 127.0.0.1, and
 * [::ffff:169.254.169.254] into [::ffff:a9fe:a9fe]); a host name is judged at connect time, by
 * what it resolves to.
 */
export function validateWebhookUrl(url: string, allowPrivateNetworks: boolean): string | null {
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
  if (isIpAddress(parsed.hostname)) {
    const refusal = addressRefusal(parsed.hostname, allowPrivateNetworks);
    if (refusal) return `webhook URL host ${refusal.address} is ${refusal.reason}`;
  }
  return null;
}
