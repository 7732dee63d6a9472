import type { OutboxMessage } from '../message-types.ts';

/**
 * The JSON every webhook delivery carries (docs/webhooks.md). Serialised once per message so
 * every attempt sends, and signs, the same bytes.
 */
export function webhookBody(message: OutboxMessage): string {
  return JSON.stringify({
    id: message.id,
    type: message.type,
    programId: message.programId,
    memberId: message.memberId,
    createdAt: message.createdAt.toISOString(),
    data: message.data,
  });
}
