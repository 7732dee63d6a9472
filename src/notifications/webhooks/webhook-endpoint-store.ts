import type { Queryable } from '../../db/database.ts';
import { queueOnProgram } from '../../programs/program-store.ts';
import { JifenError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { openText, sealText } from '../../vault/field-cipher.ts';
import { validateWebhookUrl } from '../channels/webhook-sender.ts';
import { newWebhookSecret } from '../channels/webhook-signature.ts';
import type { MessageType } from '../message-types.ts';

/**
 * The vault fields of the signing secrets: both columns hold `enc:v1:` ciphertext under the
 * program's data key, bound to the column (so the current secret cannot be copied into
 * `previous_secret` as it is: a rotation opens it and seals it again). A value without the prefix
 * is plain text from before the vault, which `sealLegacyWebhookSecrets` seals at start.
 */
export const SECRET_FIELD = 'webhook_endpoints.secret';
export const PREVIOUS_SECRET_FIELD = 'webhook_endpoints.previous_secret';

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

const toEndpoint = async (q: Queryable, programId: string, row: EndpointRow): Promise<WebhookEndpoint> => ({
  id: row.id,
  url: row.url,
  secret: await openText(q, programId, SECRET_FIELD, row.secret),
  types: row.types,
  description: row.description,
  status: row.status,
  previousSecretUntil: row.previous_secret_until ? new Date(row.previous_secret_until) : null,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/**
 * The secrets a delivery is signed with, opened: the current one, and the previous one while it
 * still signs (the dispatcher reads both columns with the delivery it claims).
 */
export async function openSigningSecrets(
  q: Queryable,
  programId: string,
  stored: { secret: string; previousSecret: string | null },
): Promise<string[]> {
  const secret = await openText(q, programId, SECRET_FIELD, stored.secret);
  if (stored.previousSecret === null) return [secret];
  return [secret, await openText(q, programId, PREVIOUS_SECRET_FIELD, stored.previousSecret)];
}

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
  const secret = newWebhookSecret();
  const [row] = await tx.query<EndpointRow>(
    `insert into webhook_endpoints (program_id, id, url, secret, types, status, description, created_at, updated_at)
     values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $8) returning *`,
    [
      programId,
      newId('whk', now.getTime()),
      input.url,
      await sealText(tx, programId, SECRET_FIELD, secret),
      input.types ?? [],
      input.status ?? 'enabled',
      input.description ?? '',
      now.toISOString(),
    ],
  );
  // The row holds it sealed; the answer shows the secret just made, once.
  return toEndpoint(tx, programId, { ...row!, secret });
}

/** Oldest first; at most MAX_WEBHOOK_ENDPOINTS, so no paging. */
export async function listWebhookEndpoints(db: Queryable, programId: string): Promise<WebhookEndpoint[]> {
  const rows = await db.query<EndpointRow>(
    'select * from webhook_endpoints where program_id = $1 order by id',
    [programId],
  );
  return Promise.all(rows.map((row) => toEndpoint(db, programId, row)));
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
  return toEndpoint(db, programId, row);
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
  return toEndpoint(tx, programId, row);
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
  // The current secret is opened and sealed again as the previous one (each column has its own
  // binding); the row lock keeps a concurrent rotation from losing one in between.
  const [current] = await tx.query<{ secret: string }>(
    'select secret from webhook_endpoints where program_id = $1 and id = $2 for update',
    [programId, endpointId],
  );
  if (!current) throw webhookEndpointNotFound(endpointId);
  const previous =
    until === null
      ? null
      : await sealText(
          tx,
          programId,
          PREVIOUS_SECRET_FIELD,
          await openText(tx, programId, SECRET_FIELD, current.secret),
        );
  const secret = newWebhookSecret();
  const [row] = await tx.query<EndpointRow>(
    `update webhook_endpoints
        set previous_secret = $6, previous_secret_until = $5::timestamptz, secret = $3, updated_at = $4
      where program_id = $1 and id = $2 returning *`,
    [
      programId,
      endpointId,
      await sealText(tx, programId, SECRET_FIELD, secret),
      now.toISOString(),
      until,
      previous,
    ],
  );
  if (!row) throw webhookEndpointNotFound(endpointId);
  return toEndpoint(tx, programId, { ...row, secret });
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
