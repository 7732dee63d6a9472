import type { ServerResponse } from 'node:http';
import { expect } from 'vitest';
import { createLogSmsAdapter } from '../../src/notifications/channels/log-sms-adapter.ts';
import type { SmtpSender } from '../../src/notifications/channels/smtp-sender.ts';
import { type DispatchOptions, runDispatchPass } from '../../src/notifications/dispatch/dispatcher.ts';
import { DELIVERY_BODY, DELIVERY_SUBJECT, RECIPIENT } from '../../src/notifications/dispatch/fan-out.ts';
import { openInboxText } from '../../src/notifications/inbox/inbox-store.ts';
import { openOutboxData } from '../../src/notifications/outbox/outbox-sql.ts';
import { runExpiryReminders } from '../../src/notifications/reminders/expiry-reminders.ts';
import { openNullable } from '../../src/vault/field-cipher.ts';
import type { TestApi } from '../support/test-api.ts';
import { type ReceivedRequest, startHttpServer } from './channels/loopback-http.ts';

/** Helpers the notification tests share: outbox and delivery reads, endpoints, preferences, receivers. */

export interface OutboxRow {
  id: string;
  type: string;
  member_id: string | null;
  // biome-ignore lint/suspicious/noExplicitAny: message payloads are JSON each test reads its own way
  data: any;
  created_at: Date;
}

/** The program's outbox messages, oldest first, each with its member's id; only `memberId`'s when given. */
export async function outboxOf(api: TestApi, memberId?: string): Promise<OutboxRow[]> {
  const rows = await api.db.query<OutboxRow>(
    `select o.id, o.type, m.member_id, o.data, o.created_at
       from outbox o left join members m on m.program_id = o.program_id and m.member_key = o.member_key
      where o.program_id = $1 and ($2::text is null or m.member_id = $2) order by o.created_at, o.id`,
    [api.programId, memberId ?? null],
  );
  // Payloads are sealed at rest: every one of them, so a plain one here is a defect.
  for (const row of rows) expect(row.data).toMatch(/^enc:v1:/);
  return Promise.all(
    rows.map(async (row) => ({ ...row, data: await openOutboxData(api.db, api.programId, row.data) })),
  );
}

export interface DeliveryRow {
  id: string;
  message_id: string;
  channel: string;
  endpoint_id: string | null;
  recipient: string | null;
  /** The recipient as stored: `enc:v1:` ciphertext. */
  sealed_recipient?: string | null;
  /** The subject and body as stored: `enc:v1:` ciphertext (null for webhooks). */
  sealed_subject?: string | null;
  sealed_body?: string | null;
  subject: string | null;
  body: string | null;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  retry_until: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

export async function deliveriesOf(
  api: TestApi,
  where: { channel?: string; endpointId?: string; messageId?: string } = {},
): Promise<DeliveryRow[]> {
  const rows = await api.db.query<DeliveryRow>(
    `select id, message_id, channel, endpoint_id, recipient, subject, body, status, attempts, next_attempt_at,
            retry_until, last_attempt_at, last_status_code, last_error, created_at, delivered_at
       from deliveries
      where program_id = $1 and ($2::text is null or channel = $2) and ($3::text is null or endpoint_id = $3)
        and ($4::text is null or message_id = $4)
      order by created_at, message_id, id`,
    [api.programId, where.channel ?? null, where.endpointId ?? null, where.messageId ?? null],
  );
  // The recipient, subject and body are stored sealed (issue 17): shown opened, with what the
  // table holds beside them.
  return Promise.all(
    rows.map(async (row) => ({
      ...row,
      sealed_recipient: row.recipient,
      sealed_subject: row.subject,
      sealed_body: row.body,
      recipient: await openNullable(api.db, api.programId, RECIPIENT, row.recipient),
      subject: await openNullable(api.db, api.programId, DELIVERY_SUBJECT, row.subject),
      body: await openNullable(api.db, api.programId, DELIVERY_BODY, row.body),
    })),
  );
}

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  ok: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export async function attemptsOf(api: TestApi, deliveryId: string): Promise<AttemptRow[]> {
  return api.db.query<AttemptRow>(
    `select attempt, started_at, ok, status_code, error, duration_ms from delivery_attempts
      where program_id = $1 and delivery_id = $2 order by attempt`,
    [api.programId, deliveryId],
  );
}

export async function inboxOf(
  api: TestApi,
  memberId: string,
): Promise<{ id: string; type: string; subject: string; body: string }[]> {
  const rows = await api.db.query<{ id: string; type: string; subject: string; body: string }>(
    `select i.id, i.type, i.subject, i.body from inbox_messages i join members m using (program_id, member_key)
      where i.program_id = $1 and m.member_id = $2
      order by i.created_at, i.id`,
    [api.programId, memberId],
  );
  // Stored sealed (issue 17): shown opened, as the inbox API shows them.
  return Promise.all(
    rows.map(async (row) => ({ ...row, ...(await openInboxText(api.db, api.programId, row)) })),
  );
}

/** A webhook endpoint, written straight to its table (the endpoint API is tested on its own). */
export async function addEndpoint(
  api: TestApi,
  endpoint: { id: string; url: string; secret?: string; types?: string[]; status?: 'enabled' | 'disabled' },
): Promise<void> {
  await api.db.query(
    `insert into webhook_endpoints (program_id, id, url, secret, types, status, created_at, updated_at)
     values ($1, $2, $3, $4, $5::text[], $6, $7, $7)`,
    [
      api.programId,
      endpoint.id,
      endpoint.url,
      endpoint.secret ?? `whsec_${endpoint.id}`,
      endpoint.types ?? [],
      endpoint.status ?? 'enabled',
      api.clock.now().toISOString(),
    ],
  );
}

export async function setEndpointStatus(api: TestApi, id: string, status: 'enabled' | 'disabled') {
  await api.db.query('update webhook_endpoints set status = $3 where program_id = $1 and id = $2', [
    api.programId,
    id,
    status,
  ]);
}

/** A member's notification preferences, written straight to their table. */
export async function setPreferences(
  api: TestApi,
  memberId: string,
  preferences: {
    email?: string | null;
    phone?: string | null;
    language?: 'zh-CN' | 'en' | null;
    marketingConsent?: boolean;
  },
): Promise<void> {
  await api.db.query(
    `insert into member_notification_preferences (program_id, member_key, email, phone, language, marketing_consent,
                                                  updated_at)
     select $1, member_key, $3, $4, $5, $6, $7 from members where program_id = $1 and member_id = $2
     on conflict (program_id, member_key) do update
       set email = excluded.email, phone = excluded.phone, language = excluded.language,
           marketing_consent = excluded.marketing_consent, updated_at = excluded.updated_at`,
    [
      api.programId,
      memberId,
      preferences.email ?? null,
      preferences.phone ?? null,
      preferences.language ?? null,
      preferences.marketingConsent ?? false,
      api.clock.now().toISOString(),
    ],
  );
}

/** Dispatches with the log SMS adapter (its lines collected in `smsLines`) and no email unless given. */
export function dispatch(
  api: TestApi,
  options: {
    email?: SmtpSender | null;
    smsLines?: string[];
    webhookTimeoutMs?: number;
  } & DispatchOptions = {},
) {
  const { email = null, smsLines = [], webhookTimeoutMs, ...rest } = options;
  return runDispatchPass(
    api.db,
    api.clock,
    {
      email,
      sms: createLogSmsAdapter((line) => smsLines.push(line)),
      ...(webhookTimeoutMs === undefined ? {} : { webhookTimeoutMs }),
      // The tests' receivers listen on 127.0.0.1.
      webhookAllowPrivateNetworks: true,
    },
    rest,
  );
}

export async function createMember(api: TestApi, memberId: string): Promise<void> {
  const reply = await api.call('PUT', `/v1/members/${memberId}`, {});
  if (reply.status !== 201 && reply.status !== 200)
    throw new Error(`member not created: ${JSON.stringify(reply.body)}`);
}

export async function credit(
  api: TestApi,
  memberId: string,
  body: object,
  headers: Record<string, string> = {},
) {
  const reply = await api.call('POST', `/v1/members/${memberId}/credits`, body, headers);
  if (reply.status !== 201) throw new Error(`credit failed: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** What a receiver does with one request: answer with a status, or hang (never answer). */
export type ReceiverAnswer = number | 'hang';

/**
 * A webhook receiver on loopback that answers the `seen`-th request for a message id (1 for the
 * first) as `answer` says. It de-duplicates as the docs tell receivers to: `processed` holds each
 * message id once, however many times it arrived.
 */
export async function startReceiver(answer: (messageId: string, seen: number) => ReceiverAnswer = () => 204) {
  const seen = new Map<string, number>();
  const processed = new Set<string>();
  const server = await startHttpServer((request: ReceivedRequest, response: ServerResponse) => {
    const messageId = String(request.headers['jifen-message-id']);
    const count = (seen.get(messageId) ?? 0) + 1;
    seen.set(messageId, count);
    const reply = answer(messageId, count);
    if (reply === 'hang') return;
    if (reply >= 200 && reply < 300) processed.add(messageId);
    response.writeHead(reply, { 'content-type': 'text/plain' }).end(`answer ${reply}`);
  });
  return {
    ...server,
    processed,
    /** Message ids in arrival order (the jifen-message-id header). */
    ids: () => server.received.map((request) => String(request.headers['jifen-message-id'])),
    /** How many requests carried each message id. */
    hits: () => new Map(seen),
  };
}

/**
 * A member with these contacts whose `points` expire at the end of the local day ten days from
 * now, reminded now: the `points.expiring` message of the reminder.
 */
export async function remindedMember(
  api: TestApi,
  memberId: string,
  points: number,
  preferences: Parameters<typeof setPreferences>[2],
): Promise<OutboxRow> {
  await createMember(api, memberId);
  await setPreferences(api, memberId, preferences);
  const expiresAt = new Date(api.clock.now().getTime() + 10 * 86_400_000).toISOString();
  await credit(api, memberId, { points, reason: 'order', expiresAt });
  await runExpiryReminders(api.db, api.clock);
  const [reminder] = (await outboxOf(api, memberId)).filter((m) => m.type === 'points.expiring');
  expect(reminder).toBeDefined();
  return reminder!;
}
