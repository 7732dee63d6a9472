import type { Queryable } from '../../db/database.ts';
import { JifenError } from '../../shared/errors.ts';
import { cursorKey, type Page, toPage } from '../../shared/pages.ts';
import { publishedData } from '../channels/webhook-body.ts';
import { openOutboxData, outboxMemberId } from '../outbox/outbox-sql.ts';
import { webhookEndpointNotFound } from './webhook-endpoint-store.ts';

/** Read side of webhook deliveries: what was sent where, each attempt and its answer. */
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

interface DeliveryRow {
  id: string;
  message_id: string;
  type: string | null;
  endpoint_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

interface MessageRow {
  id: string;
  type: string;
  member_key: string | null;
  data: unknown;
  created_at: Date;
}

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());

// The message type comes from the outbox row; null only if that row was pruned.
const DELIVERY_SELECT = `select d.id, d.message_id, o.type, d.endpoint_id, d.status, d.attempts,
    d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.created_at, d.delivered_at
  from deliveries d left join outbox o on o.program_id = d.program_id and o.id = d.message_id`;

function toView(row: DeliveryRow) {
  return {
    id: row.id,
    messageId: row.message_id,
    type: row.type,
    endpointId: row.endpoint_id,
    status: row.status,
    attemptCount: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at)!,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    deliveredAt: iso(row.delivered_at),
  };
}

export type DeliveryView = ReturnType<typeof toView>;

export function webhookDeliveryNotFound(deliveryId: string): JifenError {
  return new JifenError('webhook_delivery_not_found', {
    detail: `There is no webhook delivery "${deliveryId}" in this program.`,
    extensions: { deliveryId },
  });
}

/** One webhook delivery (email and SMS deliveries are not webhook deliveries). */
export async function findWebhookDelivery(
  db: Queryable,
  programId: string,
  deliveryId: string,
): Promise<DeliveryView> {
  const [row] = await db.query<DeliveryRow>(
    `${DELIVERY_SELECT} where d.program_id = $1 and d.id = $2 and d.channel = 'webhook'`,
    [programId, deliveryId],
  );
  if (!row) throw webhookDeliveryNotFound(deliveryId);
  return toView(row);
}

/**
 * An endpoint's deliveries, newest first; the cursor is the last id of the previous page. The log
 * outlives the endpoint: a deleted endpoint's deliveries are still listed.
 */
export async function listEndpointDeliveries(
  db: Queryable,
  programId: string,
  endpointId: string,
  options: { limit: number; cursor?: string | undefined; status?: DeliveryStatus | undefined },
): Promise<Page<DeliveryView>> {
  const [known] = await db.query(
    `select 1 from webhook_endpoints where program_id = $1 and id = $2
     union all select 1 from deliveries where program_id = $1 and endpoint_id = $2 limit 1`,
    [programId, endpointId],
  );
  if (!known) throw webhookEndpointNotFound(endpointId);
  const rows = await db.query<DeliveryRow>(
    `${DELIVERY_SELECT}
      where d.program_id = $1 and d.endpoint_id = $2 and ($3::text is null or d.id < $3)
        and ($4::text is null or d.status = $4)
      order by d.id desc limit $5`,
    [programId, endpointId, cursorKey(options.cursor) ?? null, options.status ?? null, options.limit + 1],
  );
  return toPage(rows, options.limit, toView);
}

/** A delivery with every attempt, oldest first, and the message it carries. */
export async function getWebhookDeliveryDetail(db: Queryable, programId: string, deliveryId: string) {
  const delivery = await findWebhookDelivery(db, programId, deliveryId);
  const [attempts, [message]] = await Promise.all([
    db.query<AttemptRow>(
      `select attempt, started_at, duration_ms, ok, status_code, error, response_excerpt
         from delivery_attempts where program_id = $1 and delivery_id = $2 order by attempt`,
      [programId, deliveryId],
    ),
    db.query<MessageRow>(
      `select id, type, member_key, data, created_at from outbox
        where program_id = $1 and id = $2`,
      [programId, delivery.messageId],
    ),
  ]);
  const data = message ? await openOutboxData(db, programId, message.data) : null;
  return {
    ...delivery,
    attempts: attempts.map((row) => ({
      attempt: row.attempt,
      startedAt: iso(row.started_at)!,
      durationMs: row.duration_ms,
      ok: row.ok,
      statusCode: row.status_code,
      error: row.error,
      responseExcerpt: row.response_excerpt,
    })),
    message:
      message && data
        ? {
            id: message.id,
            type: message.type,
            memberId: outboxMemberId(message, data),
            createdAt: iso(message.created_at)!,
            data: publishedData(data),
          }
        : null,
  };
}
