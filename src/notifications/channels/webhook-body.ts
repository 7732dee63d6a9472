import type { OutboxMessage } from '../message-types.ts';

/** A message as a webhook carries it: the member by the merchant's id its payload was composed with. */
export type WebhookMessage = Omit<OutboxMessage, 'memberKey'>;

/**
 * The JSON every webhook delivery carries (docs/webhooks.md). Serialised once per message so
 * every attempt sends, and signs, the same bytes.
 */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({
    id: message.id,
    type: message.type,
    programId: message.programId,
    memberId: message.memberId,
    createdAt: message.createdAt.toISOString(),
    data: publishedData(message.data),
  });
}

/**
 * A message's data as integrators see it (webhooks, the delivery log): localized text as the API
 * writes it everywhere, `{ "zh-CN": ..., "en": ... }`. Outbox rows keep the `{ zh, en }` the
 * ledger and the templates use (rows of every age alike), so the conversion is here, on the way
 * out, and a message recorded before the change is sent in the new shape too.
 */
export function publishedData<T>(data: T): T {
  return publishedValue(data) as T;
}

function publishedValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(publishedValue);
  if (typeof value !== 'object' || value === null) return value;
  const fields = value as Record<string, unknown>;
  if (isStoredText(fields)) return { 'zh-CN': fields.zh, en: fields.en };
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) out[name] = publishedValue(field);
  return out;
}

/** Localized text as the outbox stores it: exactly `zh` and `en`, both strings. */
function isStoredText(fields: Record<string, unknown>): fields is { zh: string; en: string } {
  const names = Object.keys(fields);
  return names.length === 2 && typeof fields.zh === 'string' && typeof fields.en === 'string';
}
