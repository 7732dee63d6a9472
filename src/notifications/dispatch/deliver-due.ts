import type { Database } from '../../db/database.ts';
import { programTimezones } from '../../programs/program-store.ts';
import { activity } from '../../shared/activity.ts';
import { openNullable } from '../../vault/field-cipher.ts';
import { VaultError } from '../../vault/vault-error.ts';
import type { SendOutcome } from '../channels/send-outcome.ts';
import type { SmsAdapter } from '../channels/sms-adapter.ts';
import type { SmtpSender } from '../channels/smtp-sender.ts';
import { type WebhookMessage, webhookBody } from '../channels/webhook-body.ts';
import { sendWebhook } from '../channels/webhook-sender.ts';
import type { OutboxMessage } from '../message-types.ts';
import { openOutboxData, outboxMemberId } from '../outbox/outbox-sql.ts';
import { notificationSettingsOf } from '../settings/notification-settings.ts';
import { openSigningSecrets } from '../webhooks/webhook-endpoint-store.ts';
import { DELIVERY_BODY, DELIVERY_SUBJECT, RECIPIENT } from './fan-out.ts';
import { afterQuietHours } from './quiet-hours.ts';
import { fateAfterFailure } from './retry-schedule.ts';

export interface DeliveryChannels {
  email: SmtpSender | null;
  sms: SmsAdapter;
  webhookTimeoutMs?: number;
  /**
   * JIFEN_WEBHOOK_ALLOW_PRIVATE: webhooks may reach loopback and private addresses (default false).
   * Link-local and cloud metadata addresses are refused whatever this says.
   */
  webhookAllowPrivateNetworks?: boolean;
}

const DEFAULT_BATCH_SIZE = 200;
const DEFAULT_CONCURRENCY = 32;

/**
 * Long enough for a whole batch to be sent by one server even if every send runs into its
 * timeout, so a live server's claims are never taken over by another (which would send twice).
 */
export const defaultLeaseMs = (sendTimeoutMs: number): number =>
  Math.max(60_000, sendTimeoutMs * Math.ceil(DEFAULT_BATCH_SIZE / DEFAULT_CONCURRENCY) + 10_000);

export interface DeliverOptions {
  batchSize?: number;
  /** A claimed delivery that was not answered for this long (its server died) is sent again. */
  leaseMs?: number;
  /** Sends in flight at once per batch. */
  concurrency?: number;
}

interface ClaimedDelivery {
  program_id: string;
  id: string;
  message_id: string;
  channel: 'webhook' | 'email' | 'sms';
  endpoint_id: string | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  attempts: number;
  retry_until: Date;
  /** The claim's lease end: an outcome is recorded only while the row still carries it. */
  lease_until: Date;
  /** Null when the message was pruned meanwhile (a replay racing the retention sweep). */
  type: OutboxMessage['type'] | null;
  member_key: string | null;
  /** Sealed (`openOutboxData`), opened for a webhook's send. */
  data: unknown;
  message_created_at: Date;
  url: string | null;
  secret: string | null;
  previous_secret: string | null;
  endpoint_status: string | null;
}

/**
 * Claims due deliveries (SKIP LOCKED, in a short transaction that pushes each one's next attempt
 * a lease ahead and counts the attempt), sends them with no transaction open, then records every
 * outcome in one statement. A server killed while sending leaves its deliveries pending: another
 * takes them when the lease runs out, so nothing is lost, and nothing is marked delivered before
 * the receiver answered. Returns the number of deliveries attempted.
 */
export async function deliverDue(
  db: Database,
  now: () => Date,
  channels: DeliveryChannels,
  options: DeliverOptions = {},
): Promise<number> {
  const claimedAt = now();
  const leaseMs = options.leaseMs ?? 60_000;
  const claimed = await db.query<ClaimedDelivery>(
    `with due as (
       select program_id, id, attempts as previous_attempt, last_attempt_at as previous_attempt_at
         from deliveries
        where status = 'pending' and next_attempt_at <= $1
        order by next_attempt_at limit $2 for update skip locked
     ), lost as (
       -- A previous attempt without an outcome was cut short (its server died, its lease ran out):
       -- the delivery log says so, so it shows every attempt.
       insert into delivery_attempts (program_id, delivery_id, attempt, started_at, duration_ms, ok, error)
       select program_id, id, previous_attempt, previous_attempt_at, 0, false,
              'no outcome: the server stopped during this attempt, so it was sent again'
         from due where previous_attempt > 0 and previous_attempt_at is not null
       on conflict do nothing
     ), claimed as (
       update deliveries d set attempts = d.attempts + 1, next_attempt_at = $3, last_attempt_at = $1
         from due where d.program_id = due.program_id and d.id = due.id
       returning d.*
     )
     select c.program_id, c.id, c.message_id, c.channel, c.endpoint_id, c.recipient, c.subject, c.body, c.attempts,
            c.retry_until, c.next_attempt_at as lease_until, o.type, o.member_key, o.data, o.created_at as message_created_at, e.url, e.secret,
            case when e.previous_secret_until > $1 then e.previous_secret end as previous_secret,
            e.status as endpoint_status
       from claimed c
       left join outbox o on o.program_id = c.program_id and o.id = c.message_id
       left join webhook_endpoints e on e.program_id = c.program_id and e.id = c.endpoint_id`,
    [
      claimedAt.toISOString(),
      options.batchSize ?? DEFAULT_BATCH_SIZE,
      new Date(claimedAt.getTime() + leaseMs).toISOString(),
    ],
  );
  if (claimed.length === 0) return 0;
  const outcomes = await mapWithConcurrency(claimed, options.concurrency ?? DEFAULT_CONCURRENCY, (delivery) =>
    send(db, delivery, channels),
  );
  await recordOutcomes(db, claimed, outcomes, now());
  if (activity.deliveriesAttempted.observed) {
    activity.deliveriesAttempted.emit(
      claimed.map((delivery, index) => ({ channel: delivery.channel, ok: outcomes[index]!.ok })),
    );
  }
  return claimed.length;
}

async function send(
  db: Database,
  delivery: ClaimedDelivery,
  channels: DeliveryChannels,
): Promise<SendOutcome> {
  if (delivery.type === null) return failed('the message is past its retention and was pruned');
  let secrets: string[] = [];
  if (delivery.channel === 'webhook' && delivery.secret !== null && delivery.endpoint_status === 'enabled') {
    // The secrets are sealed by the vault; one that does not open (a locked vault, a wrong master
    // key) fails the attempt, retried once the operator has fixed it.
    try {
      secrets = await openSigningSecrets(db, delivery.program_id, {
        secret: delivery.secret,
        previousSecret: delivery.previous_secret,
      });
    } catch (error) {
      return failed(vaultFailure("the endpoint's signing secret", error), true);
    }
  }
  // The recipient (an address, a number) and the rendered message are sealed too: opened only for
  // the send (webhook deliveries have none of them).
  let opened = delivery;
  if (delivery.recipient !== null || delivery.subject !== null || delivery.body !== null) {
    try {
      const [recipient, subject, body] = await Promise.all([
        openNullable(db, delivery.program_id, RECIPIENT, delivery.recipient),
        openNullable(db, delivery.program_id, DELIVERY_SUBJECT, delivery.subject),
        openNullable(db, delivery.program_id, DELIVERY_BODY, delivery.body),
      ]);
      opened = { ...delivery, recipient, subject, body };
    } catch (error) {
      return failed(vaultFailure('the recipient or the message', error), true);
    }
  }
  // A webhook carries the message's payload, sealed at rest like the rest.
  if (delivery.channel === 'webhook') {
    try {
      opened = { ...opened, data: await openOutboxData(db, delivery.program_id, delivery.data) };
    } catch (error) {
      return failed(vaultFailure("the message's payload", error), true);
    }
  }
  const timeoutMs = channels.webhookTimeoutMs ?? 10_000;
  // No send may outlive the claim's lease (SMTP's timeouts are per step, not per message): past
  // this deadline the attempt counts as failed and is retried.
  return withDeadline(sendNow(opened, delivery.type, secrets, channels), timeoutMs + 5_000);
}

function sendNow(
  delivery: ClaimedDelivery,
  type: OutboxMessage['type'],
  /** The webhook's secrets, opened (empty for other channels). */
  secrets: string[],
  channels: DeliveryChannels,
): Promise<SendOutcome> {
  if (delivery.channel === 'webhook') {
    if (delivery.url === null || secrets.length === 0 || delivery.endpoint_status !== 'enabled')
      return Promise.resolve(failed('the endpoint was disabled or deleted; replay after enabling it'));
    const message: WebhookMessage = {
      id: delivery.message_id,
      programId: delivery.program_id,
      memberId: outboxMemberId(delivery, delivery.data as Record<string, unknown>),
      type,
      data: delivery.data as OutboxMessage['data'],
      createdAt: new Date(delivery.message_created_at),
    };
    return sendWebhook({
      url: delivery.url,
      // During a rotation's overlap both secrets sign, so receivers holding either accept it.
      secret: secrets,
      messageId: delivery.message_id,
      type,
      body: webhookBody(message),
      timestampSeconds: Math.floor(Date.now() / 1000),
      timeoutMs: channels.webhookTimeoutMs ?? 10_000,
      attempt: delivery.attempts,
      allowPrivateNetworks: channels.webhookAllowPrivateNetworks ?? false,
    });
  }
  if (delivery.channel === 'email') {
    if (!channels.email)
      return Promise.resolve(failed('no SMTP server is configured (JIFEN_SMTP_URL)', true));
    return channels.email.send({
      to: delivery.recipient!,
      subject: delivery.subject ?? '',
      text: delivery.body ?? '',
      messageId: delivery.message_id,
    });
  }
  return channels.sms.send({
    to: delivery.recipient!,
    text: delivery.body ?? '',
    messageId: delivery.message_id,
  });
}

/**
 * What a delivery's log says when its sealed parts do not open. The vault's own message (key
 * fingerprints, the key file's path) is for the operator, who sees it when the server starts, not
 * for whoever reads the delivery log through the API.
 */
function vaultFailure(what: string, error: unknown): string {
  if (error instanceof VaultError)
    return `${what} could not be decrypted: the master key is missing or wrong`;
  return `${what} could not be decrypted: ${(error as Error).message}`;
}

async function withDeadline(sending: Promise<SendOutcome>, deadlineMs: number): Promise<SendOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<SendOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ...failed(`no answer within ${deadlineMs} ms`, true), durationMs: deadlineMs }),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([sending, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const failed = (error: string, retryable = false): SendOutcome => ({
  ok: false,
  retryable,
  statusCode: null,
  error,
  responseExcerpt: null,
  durationMs: 0,
});

async function recordOutcomes(
  db: Database,
  deliveries: ClaimedDelivery[],
  outcomes: SendOutcome[],
  now: Date,
): Promise<void> {
  const programIds = [...new Set(deliveries.map((d) => d.program_id))];
  const quiet = await notificationSettingsOf(db, programIds);
  const timezones = await programTimezones(db, programIds);
  const fates = deliveries.map((delivery, index) => {
    const outcome = outcomes[index]!;
    if (outcome.ok) return { status: 'delivered', nextAttemptAt: null };
    const fate = fateAfterFailure(now, delivery.attempts, new Date(delivery.retry_until), outcome.retryable);
    if (fate.status === 'dead') return { status: 'dead', nextAttemptAt: null };
    const next =
      delivery.channel === 'sms'
        ? afterQuietHours(
            fate.nextAttemptAt,
            quiet.get(delivery.program_id)!.quietHours,
            timezones.get(delivery.program_id)!,
          )
        : fate.nextAttemptAt;
    return { status: 'pending', nextAttemptAt: next.toISOString() };
  });
  const column = <T>(get: (delivery: ClaimedDelivery, index: number) => T) => deliveries.map(get);
  await db.query(
    `with outcome as (
       select * from unnest($1::text[], $2::text[], $3::int4[], $4::text[], $5::timestamptz[], $6::int4[],
                            $7::text[], $8::bool[], $9::int4[], $10::text[], $12::timestamptz[])
         as o(program_id, id, attempt, status, next_attempt_at, status_code, error, ok, duration_ms, excerpt,
              lease_until)
     ), attempts as (
       insert into delivery_attempts (program_id, delivery_id, attempt, started_at, duration_ms, ok, status_code,
                                      error, response_excerpt)
       select program_id, id, attempt, $11::timestamptz - make_interval(secs => duration_ms / 1000.0), duration_ms,
              ok, status_code, error, excerpt
         from outcome
       on conflict do nothing
     )
     update deliveries d
        set status = o.status, next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at),
            last_status_code = o.status_code, last_error = o.error,
            delivered_at = case when o.status = 'delivered' then $11::timestamptz else d.delivered_at end
       from outcome o
      where d.program_id = o.program_id and d.id = o.id and d.attempts = o.attempt
        -- a replay (pending again, due now) or a deletion (dead) while this attempt was in flight wins
        and d.status = 'pending' and d.next_attempt_at = o.lease_until`,
    [
      column((d) => d.program_id),
      column((d) => d.id),
      column((d) => d.attempts),
      fates.map((fate) => fate.status),
      fates.map((fate) => fate.nextAttemptAt),
      outcomes.map((o) => o.statusCode),
      outcomes.map((o) => o.error),
      outcomes.map((o) => o.ok),
      outcomes.map((o) => Math.round(o.durationMs)),
      outcomes.map((o) => o.responseExcerpt),
      now.toISOString(),
      column((d) => new Date(d.lease_until).toISOString()),
    ],
  );
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the results in order. */
async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
