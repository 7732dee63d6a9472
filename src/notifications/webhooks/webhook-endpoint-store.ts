import type { Queryable } from '../../db/database.ts';
import { queueOnProgram } from '../../programs/program-store.ts';
import { JifenError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { validateWebhookUrl } from '../channels/webhook-sender.ts';
import { newWebhookSecret } from '../channels/webhook-signature.ts';
import type { MessageType } from '../message-types.ts';

/** More would make every message a fan-out storm; integrators route further on their side. */
export const MAX_WEBHOOK_ENDPOINTS = 20;
/** Enough of the secret to tell two apart in a listing, too little to sign with. */
const SECRET_PREFIX_CHARS = 10;

export type WebhookEndpointStatus = 'enabled' | 'disabled';

/** An integrator's endpoint, secret included: only the dispatcher and the create/rotate answers see it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  /** Empty: every type. */
  types: MessageType[];
  description: string;
  status: WebhookEndpointStatus;
  /** After a rotation, the old secret still signs until then (null: no overlap). */
  previousSecretUntil: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookEndpointInput {
  url: string;
  types?: MessageType[] | undefined;
  description?: string | undefined;
  status?: WebhookEndpointStatus | undefined;
}

export type WebhookEndpointPatch = Partial<WebhookEndpointInput>;

interface EndpointRow {
  id: string;
  url: string;
  secret: string;
  types: MessageType[];
  description: string;
  status: WebhookEndpointStatus;
  previous_secret_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  url: row.url,
  secret: row.secret,
  types: row.types,
  description: row.description,
  status: row.status,
  previousSecretUntil: row.previous_secret_until ? new Date(row.previous_secret_until) : null,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** What listings show: never the secret, only its first characters. */
export function webhookEndpointView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    types: endpoint.types,
    description: endpoint.description,
    status: endpoint.status,
    secretPrefix: endpoint.secret.slice(0, SECRET_PREFIX_CHARS),
    previousSecretUntil: endpoint.previousSecretUntil?.toISOString() ?? null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export type WebhookEndpointView = ReturnType<typeof webhookEndpointView>;

export function webhookEndpointNotFound(endpointId: string): JifenError {
  return new JifenError('webhook_endpoint_not_found', {
    detail: `There is no webhook endpoint "${endpointId}" in this program.`,
    extensions: { endpointId },
  });
}

/**
 * Refuses, with the field, a URL that no server would deliver to. Private addresses pass here: the
 * API does not know the setting of the servers that send (a --role api server sends nothing), so
 * JIFEN_WEBHOOK_ALLOW_PRIVATE is applied when connecting, where a refusal shows in the delivery log.
 */
function assertDeliverableUrl(url: string | undefined): void {
  const problem = url === undefined ? null : validateWebhookUrl(url, true);
  if (problem) {
    throw new JifenError('validation_failed', {
      detail: `body/url ${problem}`,
      extensions: { errors: [{ field: 'body/url', message: problem }] },
    });
  }
}

export async function createWebhookEndpoint(
  tx: Queryable,
  programId: string,
  input: WebhookEndpointInput,
  now: Date,
): Promise<WebhookEndpoint> {
  assertDeliverableUrl(input.url);
  // Two creations at once must not both see 19: they queue on the program row (not a key lock, so
  // other programs' foreign keys and this program's other writes are not held up).
  await queueOnProgram(tx, programId);
  const [counted] = await tx.query<{ endpoints: number }>(
    'select count(*)::int as endpoints from webhook_endpoints where program_id = $1',
    [programId],
  );
  if ((counted?.endpoints ?? 0) >= MAX_WEBHOOK_ENDPOINTS) {
    throw new JifenError('webhook_limit_reached', {
      detail: `A program has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`,
      extensions: { limit: MAX_WEBHOOK_ENDPOINTS },
    });
  }
  const [row] = await tx.query<EndpointRow>(
    `insert into webhook_endpoints (program_id, id, url, secret, types, status, description, created_at, updated_at)
     values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $8) returning *`,
    [
      programId,
      newId('whk', now.getTime()),
      input.url,
      newWebhookSecret(),
      input.types ?? [],
      input.status ?? 'enabled',
      input.description ?? '',
      now.toISOString(),
    ],
  );
  return toEndpoint(row!);
}

/** Oldest first; at most MAX_WEBHOOK_ENDPOINTS, so no paging. */
export async function listWebhookEndpoints(db: Queryable, programId: string): Promise<WebhookEndpoint[]> {
  const rows = await db.query<EndpointRow>(
    'select * from webhook_endpoints where program_id = $1 order by id',
    [programId],
  );
  return rows.map(toEndpoint);
}

/** `lock`: 'share' keeps it from being changed or deleted until the transaction ends. */
export async function getWebhookEndpoint(
  db: Queryable,
  programId: string,
  endpointId: string,
  lock: 'none' | 'share' = 'none',
): Promise<WebhookEndpoint> {
  const [row] = await db.query<EndpointRow>(
    `select * from webhook_endpoints where program_id = $1 and id = $2 ${lock === 'share' ? 'for share' : ''}`,
    [programId, endpointId],
  );
  if (!row) throw webhookEndpointNotFound(endpointId);
  return toEndpoint(row);
}

export async function updateWebhookEndpoint(
  tx: Queryable,
  programId: string,
  endpointId: string,
  patch: WebhookEndpointPatch,
  now: Date,
): Promise<WebhookEndpoint> {
  assertDeliverableUrl(patch.url);
  const [row] = await tx.query<EndpointRow>(
    `update webhook_endpoints
        set url = coalesce($3, url), types = coalesce($4::text[], types),
            description = coalesce($5, description), status = coalesce($6, status), updated_at = $7
      where program_id = $1 and id = $2 returning *`,
    [
      programId,
      endpointId,
      patch.url ?? null,
      patch.types ?? null,
      patch.description ?? null,
      patch.status ?? null,
      now.toISOString(),
    ],
  );
  if (!row) throw webhookEndpointNotFound(endpointId);
  return toEndpoint(row);
}

/** The old secret stops signing at once: the integrator switches to the new one it is shown now. */
/** How long a rotated-out secret keeps signing unless the caller says otherwise. */
export const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;

/**
 * A new signing secret. The old one keeps signing, next to the new, for `overlapSeconds` (0: it
 * stops at once), so a receiver can deploy the new secret at any time within that window.
 */
export async function rotateWebhookSecret(
  tx: Queryable,
  programId: string,
  endpointId: string,
  now: Date,
  overlapSeconds = DEFAULT_SECRET_OVERLAP_SECONDS,
): Promise<WebhookEndpoint> {
  const until = overlapSeconds > 0 ? new Date(now.getTime() + overlapSeconds * 1000).toISOString() : null;
  const [row] = await tx.query<EndpointRow>(
    `update webhook_endpoints
        set previous_secret = case when $5::timestamptz is null then null else secret end,
            previous_secret_until = $5::timestamptz, secret = $3, updated_at = $4
      where program_id = $1 and id = $2 returning *`,
    [programId, endpointId, newWebhookSecret(), now.toISOString(), until],
  );
  if (!row) throw webhookEndpointNotFound(endpointId);
  return toEndpoint(row);
}

/**
 * Deletes the endpoint and dead-letters what was still pending for it, in one transaction, so
 * nothing more is sent to an address the integrator gave up. Its deliveries stay, with their
 * attempts, for the log.
 */
export async function deleteWebhookEndpoint(
  tx: Queryable,
  programId: string,
  endpointId: string,
  now: Date,
): Promise<{ id: string; deadLetteredDeliveries: number }> {
  const deleted = await tx.query(
    'delete from webhook_endpoints where program_id = $1 and id = $2 returning id',
    [programId, endpointId],
  );
  if (deleted.length === 0) throw webhookEndpointNotFound(endpointId);
  const [dead] = await tx.query<{ deliveries: number }>(
    `with dead as (
       update deliveries set status = 'dead', last_error = 'endpoint deleted', next_attempt_at = $3
        where program_id = $1 and endpoint_id = $2 and status = 'pending' returning 1)
     select count(*)::int as deliveries from dead`,
    [programId, endpointId, now.toISOString()],
  );
  return { id: endpointId, deadLetteredDeliveries: dead?.deliveries ?? 0 };
}
