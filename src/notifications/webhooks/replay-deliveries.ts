import type { Queryable } from '../../db/database.ts';
import { JifenError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { RETRY_WINDOW_MS } from '../dispatch/retry-schedule.ts';
import type { MessageType } from '../message-types.ts';
import { type DeliveryView, findWebhookDelivery, webhookDeliveryNotFound } from './delivery-log.ts';
import { getWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoint-store.ts';

/**
 * Replays put webhook deliveries back in the dispatcher's queue (pending, due now, with a new day of
 * retries). Attempts keep counting, so the log shows the whole story; receivers de-duplicate on the
 * message id.
 */
export const MAX_REPLAY_MESSAGES = 100_000;

const retryUntil = (now: Date): string => new Date(now.getTime() + RETRY_WINDOW_MS).toISOString();

export interface ReplayRange {
  from: Date;
  to: Date;
  /** Only these types (within the endpoint's own types); absent or empty: all the endpoint receives. */
  types?: MessageType[] | undefined;
}

function assertEnabled(endpoint: WebhookEndpoint): void {
  if (endpoint.status !== 'enabled') {
    throw new JifenError('webhook_endpoint_disabled', {
      detail: `The webhook endpoint "${endpoint.id}" is disabled; enable it before replaying to it.`,
      extensions: { endpointId: endpoint.id },
    });
  }
}

/** Sends one delivery again, whatever its status. */
export async function replayDelivery(
  tx: Queryable,
  programId: string,
  deliveryId: string,
  now: Date,
): Promise<DeliveryView> {
  const delivery = await findWebhookDelivery(tx, programId, deliveryId);
  // Held until commit, so a deletion cannot slip between the check and the reset.
  assertEnabled(await getWebhookEndpoint(tx, programId, delivery.endpointId, 'share'));
  const reset = await tx.query(
    `update deliveries set status = 'pending', next_attempt_at = $3, retry_until = $4, delivered_at = null,
                           last_attempt_at = null
      where program_id = $1 and id = $2 and channel = 'webhook' returning id`,
    [programId, deliveryId, now.toISOString(), retryUntil(now)],
  );
  if (reset.length === 0) throw webhookDeliveryNotFound(deliveryId);
  return findWebhookDelivery(tx, programId, deliveryId);
}

/**
 * Sends every message of [from, to) the endpoint receives again: deliveries it already has are
 * reset, and messages from before it existed get one. One statement, whatever the count.
 */
export async function replayEndpointRange(
  tx: Queryable,
  programId: string,
  endpointId: string,
  range: ReplayRange,
  now: Date,
): Promise<{ replayed: number }> {
  if (range.from >= range.to) {
    throw new JifenError('validation_failed', {
      detail: 'body/to must be later than body/from',
      extensions: { errors: [{ field: 'body/to', message: 'must be later than from' }] },
    });
  }
  const endpoint = await getWebhookEndpoint(tx, programId, endpointId, 'share');
  assertEnabled(endpoint);
  const messages = await tx.query<{ id: string }>(
    `select id from outbox
      where program_id = $1 and created_at >= $2 and created_at < $3
        and (cardinality($4::text[]) = 0 or type = any($4::text[]))
        and ($5::text[] is null or type = any($5::text[]))
      order by created_at, id limit $6`,
    [
      programId,
      range.from.toISOString(),
      range.to.toISOString(),
      endpoint.types,
      range.types && range.types.length > 0 ? range.types : null,
      MAX_REPLAY_MESSAGES + 1,
    ],
  );
  if (messages.length > MAX_REPLAY_MESSAGES) {
    throw new JifenError('replay_range_too_large', {
      detail: `More than ${MAX_REPLAY_MESSAGES} messages fall in this range; replay a narrower one (from/to), or fewer types.`,
      extensions: { limit: MAX_REPLAY_MESSAGES },
    });
  }
  if (messages.length === 0) return { replayed: 0 };
  const [result] = await tx.query<{ replayed: number }>(
    `with replayed as (
       insert into deliveries as d
         (program_id, id, message_id, channel, endpoint_id, member_key, status, next_attempt_at, retry_until,
          created_at)
       select $1, fresh.id, fresh.message_id, 'webhook', $2, o.member_key, 'pending', $5, $6, $5
         from unnest($3::text[], $4::text[]) as fresh (id, message_id)
         join outbox o on o.program_id = $1 and o.id = fresh.message_id
       on conflict (program_id, message_id, channel, coalesce(endpoint_id, '')) do update
         set status = 'pending', next_attempt_at = excluded.next_attempt_at, last_attempt_at = null,
             retry_until = excluded.retry_until, delivered_at = null
       returning 1)
     select count(*)::int as replayed from replayed`,
    [
      programId,
      endpointId,
      // Unused ids (messages that already had a delivery) are simply dropped by the conflict.
      messages.map(() => newId('dlv', now.getTime())),
      messages.map((message) => message.id),
      now.toISOString(),
      retryUntil(now),
    ],
  );
  return { replayed: result?.replayed ?? 0 };
}
