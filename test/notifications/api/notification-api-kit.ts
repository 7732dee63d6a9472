import { expect } from 'vitest';
import type { Queryable } from '../../../src/db/database.ts';
import { createApiKey } from '../../../src/keys/api-keys.ts';
import { newMemberKey } from '../../../src/members/member-key.ts';
import { INBOX_BODY, INBOX_SUBJECT } from '../../../src/notifications/inbox/inbox-store.ts';
import { createProgram } from '../../../src/programs/program-store.ts';
import { newId } from '../../../src/shared/ids.ts';
import { sealText } from '../../../src/vault/field-cipher.ts';
import type { TestApi } from '../../support/test-api.ts';

/**
 * Helpers for the notification API tests: a program of one's own (so counts and ranges start
 * empty), and rows written with SQL where the outbox writers and the dispatcher would write them.
 */
export interface ProgramClient {
  programId: string;
  key: string;
  call: (method: Parameters<TestApi['call']>[0], url: string, body?: unknown) => ReturnType<TestApi['call']>;
}

let programs = 0;

export async function newProgram(api: TestApi, scopes: string[] = ['*']): Promise<ProgramClient> {
  const program = await createProgram(api.db, `notifications ${++programs}`, api.clock.now());
  return withKey(api, program.id, scopes);
}

/** Another key of an existing program, with the scopes given. */
export async function withKey(api: TestApi, programId: string, scopes: string[]): Promise<ProgramClient> {
  const { secret } = await createApiKey(
    api.db,
    programId,
    { name: scopes.join(' '), scopes },
    api.clock.now(),
  );
  return {
    programId,
    key: secret,
    call: (method, url, body) => api.call(method, url, body, { authorization: `Bearer ${secret}` }),
  };
}

export async function createMember(client: ProgramClient, memberId: string): Promise<void> {
  const created = await client.call('PUT', `/v1/members/${memberId}`, {});
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}

export async function createEndpoint(client: ProgramClient, body: Record<string, unknown> = {}) {
  const created = await client.call('POST', '/v1/webhooks', { url: 'https://example.com/hooks', ...body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string; secret: string; secretPrefix: string; types: string[] };
}

export async function seedMessage(
  db: Queryable,
  programId: string,
  message: { type: string; createdAt: string; memberId?: string | null; data?: object },
): Promise<string> {
  const id = newId('msg', Date.parse(message.createdAt));
  const memberId = message.memberId ?? null;
  // A message to a member refers to it by key, and its payload names it, as Jifen composes them.
  if (memberId !== null) await seedMember(db, programId, memberId, message.createdAt);
  await db.query(
    `insert into outbox (program_id, id, type, member_key, data, created_at, dispatched_at)
     values ($1, $2, $3, (select member_key from members where program_id = $1 and member_id = $4),
             $5::jsonb, $6, $6)`,
    [
      programId,
      id,
      message.type,
      memberId,
      JSON.stringify({ ...(memberId === null ? {} : { memberId }), ...(message.data ?? { note: 'seeded' }) }),
      message.createdAt,
    ],
  );
  return id;
}

/** A member row, written straight to its table, unless the program has one with this id. */
async function seedMember(db: Queryable, programId: string, memberId: string, at: string): Promise<void> {
  await db.query(
    `insert into members (program_id, member_id, member_key, joined_at, created_at, updated_at)
     values ($1, $2, $3, $4, $4, $4) on conflict (program_id, member_id) do nothing`,
    [programId, memberId, newMemberKey(), at],
  );
}

export interface SeededDelivery {
  messageId: string;
  endpointId: string | null;
  channel?: 'webhook' | 'email' | 'sms';
  status: 'pending' | 'delivered' | 'dead';
  attempts?: number;
  createdAt: string;
  deliveredAt?: string | null;
  lastError?: string | null;
  lastStatusCode?: number | null;
}

export async function seedDelivery(
  db: Queryable,
  programId: string,
  delivery: SeededDelivery,
): Promise<string> {
  const id = newId('dlv', Date.parse(delivery.createdAt));
  const channel = delivery.channel ?? 'webhook';
  await db.query(
    `insert into deliveries (program_id, id, message_id, channel, endpoint_id, recipient, status, attempts,
                             next_attempt_at, retry_until, last_attempt_at, last_status_code, last_error,
                             created_at, delivered_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9::timestamptz + interval '1 day', $10, $11, $12, $9, $13)`,
    [
      programId,
      id,
      delivery.messageId,
      channel,
      channel === 'webhook' ? delivery.endpointId : null,
      channel === 'email' ? 'member@example.com' : null,
      delivery.status,
      delivery.attempts ?? 0,
      delivery.createdAt,
      (delivery.attempts ?? 0) > 0 ? delivery.createdAt : null,
      delivery.lastStatusCode ?? null,
      delivery.lastError ?? null,
      delivery.deliveredAt ?? null,
    ],
  );
  return id;
}

export async function seedAttempt(
  db: Queryable,
  programId: string,
  deliveryId: string,
  attempt: {
    attempt: number;
    startedAt: string;
    durationMs: number;
    ok: boolean;
    statusCode: number | null;
    error: string | null;
    responseExcerpt: string | null;
  },
): Promise<void> {
  await db.query(
    `insert into delivery_attempts (program_id, delivery_id, attempt, started_at, duration_ms, ok, status_code,
                                    error, response_excerpt)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      programId,
      deliveryId,
      attempt.attempt,
      attempt.startedAt,
      attempt.durationMs,
      attempt.ok,
      attempt.statusCode,
      attempt.error,
      attempt.responseExcerpt,
    ],
  );
}

export async function seedInbox(
  db: Queryable,
  programId: string,
  memberId: string,
  message: { type?: string; subject: string; createdAt: string; readAt?: string | null },
): Promise<string> {
  const id = newId('msg', Date.parse(message.createdAt));
  const inserted = await db.query(
    `insert into inbox_messages (program_id, member_key, id, type, subject, body, category, created_at, read_at)
     select $1, member_key, $3, $4, $5, $6, 'transactional', $7, $8
       from members where program_id = $1 and member_id = $2 returning id`,
    [
      programId,
      memberId,
      id,
      message.type ?? 'points.earned',
      // Sealed, as the dispatcher writes them (issue 17).
      await sealText(db, programId, INBOX_SUBJECT, message.subject),
      await sealText(db, programId, INBOX_BODY, `${message.subject} (body)`),
      message.createdAt,
      message.readAt ?? null,
    ],
  );
  expect(inserted, `member ${memberId} exists`).toHaveLength(1);
  return id;
}

export async function deliveryRow(db: Queryable, programId: string, deliveryId: string) {
  const [row] = await db.query<{
    status: string;
    attempts: number;
    next_attempt_at: Date;
    retry_until: Date;
    delivered_at: Date | null;
    last_error: string | null;
  }>('select * from deliveries where program_id = $1 and id = $2', [programId, deliveryId]);
  return row;
}

/** The webhook deliveries of an endpoint, by message id. */
export async function deliveriesOf(db: Queryable, programId: string, endpointId: string) {
  const rows = await db.query<{
    id: string;
    message_id: string;
    member_id: string | null;
    status: string;
    attempts: number;
    next_attempt_at: Date;
    retry_until: Date;
    created_at: Date;
  }>(
    `select d.*, m.member_id
       from deliveries d left join members m on m.program_id = d.program_id and m.member_key = d.member_key
      where d.program_id = $1 and d.endpoint_id = $2 and d.channel = 'webhook'
      order by d.message_id`,
    [programId, endpointId],
  );
  return new Map(rows.map((row) => [row.message_id, row]));
}

export const iso = (value: Date | string): string => new Date(value).toISOString();
