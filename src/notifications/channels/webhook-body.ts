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
    data: message.data,
  });
}
