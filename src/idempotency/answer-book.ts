import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { jsonArray, type SqlParam } from '../db/sql-params.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { openText, sealText } from '../vault/field-cipher.ts';

/**
 * The one implementation of Idempotency-Key semantics. Every write — one request, or many items
 * of a batch that each carry a key — looks its keys up here in one statement, asks for each
 * request whether it is new, a replay or a reused key, and records its answer so that it is
 * written in the same statement as the write's effects. A single write is a batch of one.
 */

export interface KeyedRequest {
  key: string;
  /** The fingerprint of what was asked (`request-hash.ts`). */
  requestHash: string;
}

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  statusCode: number;
  response: unknown;
  /** Whose personal data a sealed answer holds (`answerSubject`), so an erasure finds it. */
  subject?: string | null;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** What an earlier request with the same key decides for this one. */
export type Prior =
  | { kind: 'new' }
  | { kind: 'replay'; answer: Answer }
  | { kind: 'reused'; error: JifenError };

/**
 * How answers are kept: a stored form smaller than the answer (the ledger's names the entries an
 * answer showed instead of copying them, `ledger/entry-answers.ts`), and the way back.
 */
export interface StoredAnswerForm {
  toStore(body: unknown): unknown;
  fromStore(db: Queryable, programId: string, bodies: readonly unknown[]): Promise<unknown[]>;
}

/** Answers kept as they are. */
export const ANSWERS_AS_SENT: StoredAnswerForm = {
  toStore: (body) => body,
  fromStore: async (_db, _programId, bodies) => [...bodies],
};

export class AnswerBook {
  private readonly known: Map<string, { requestHash: string; answer: Answer }>;
  private readonly fresh: IdempotencyRecord[] = [];

  private constructor(
    rows: readonly StoredRow[],
    answers: readonly Answer[],
    private readonly form: StoredAnswerForm,
  ) {
    this.known = new Map(
      rows.map((row, index) => [row.key, { requestHash: row.request_hash, answer: answers[index]! }]),
    );
  }

  private static async of(
    db: Queryable,
    programId: string,
    rows: readonly StoredRow[],
    form: StoredAnswerForm,
  ): Promise<AnswerBook> {
    // An answer erased with a member's personal data replays as 410 (`eraseAnswersAbout`).
    const kept = rows.filter((row) => erasedAt(row.response) === null);
    const bodies =
      kept.length === 0
        ? []
        : await form.fromStore(
            db,
            programId,
            await Promise.all(kept.map((row) => openedAnswer(db, programId, row.response))),
          );
    const keptBodies = new Map(kept.map((row, index) => [row.key, bodies[index]]));
    const answers = rows.map((row) => {
      const erased = erasedAt(row.response);
      return erased === null
        ? { status: row.status_code, body: keptBodies.get(row.key) }
        : answerErased(row.key, erased);
    });
    return new AnswerBook(rows, answers, form);
  }

  /**
   * `open` as part of a combined read (the credit batch looks its keys up in the statement that
   * locks its members). A request whose twin committed while this read waited for a lock is not
   * seen here; its record's primary key then refuses this one's, and the transaction is redone.
   */
  static read(
    read: ReadStatement,
    requests: readonly (KeyedRequest | undefined)[],
    form: StoredAnswerForm = ANSWERS_AS_SENT,
  ): (tx: Queryable) => Promise<AnswerBook> {
    const keys = [...new Set(requests.flatMap((request) => (request ? [request.key] : [])))];
    const rows = keys.length
      ? read.add<StoredRow>(
          `select key, request_hash, status_code, response from idempotency_keys
            where program_id = $1 and key = any(${read.param(keys, 'text[]')})`,
        )
      : () => [];
    return (tx) => AnswerBook.of(tx, read.params[0] as string, rows(), form);
  }

  /** Looks up every key the requests carry, in one statement (none when no request has a key). */
  static async open(
    tx: Queryable,
    programId: string,
    requests: readonly (KeyedRequest | undefined)[],
    form: StoredAnswerForm = ANSWERS_AS_SENT,
  ): Promise<AnswerBook> {
    const keys = [...new Set(requests.flatMap((request) => (request ? [request.key] : [])))];
    const rows = keys.length
      ? await tx.query<StoredRow>(
          `select key, request_hash, status_code, response from idempotency_keys
            where program_id = $1 and key = any($2::text[])`,
          [programId, keys],
        )
      : [];
    return AnswerBook.of(tx, programId, rows, form);
  }

  /** A key answered before — stored, or earlier in this batch — replays; with another request, 409. */
  prior(request: KeyedRequest | undefined): Prior {
    if (!request) return { kind: 'new' };
    const known = this.known.get(request.key);
    if (!known) return { kind: 'new' };
    if (known.requestHash !== request.requestHash) return { kind: 'reused', error: keyReused(request.key) };
    return { kind: 'replay', answer: known.answer };
  }

  /**
   * Remembers the answer to a new request. `replayBody` is what a replay will answer when it must
   * differ from the first answer (a secret is shown once, never replayed).
   */
  record(request: KeyedRequest | undefined, answer: Answer, replayBody?: unknown): void {
    if (!request) return;
    const stored = { status: answer.status, body: replayBody === undefined ? answer.body : replayBody };
    this.known.set(request.key, { requestHash: request.requestHash, answer: stored });
    this.fresh.push({
      key: request.key,
      requestHash: request.requestHash,
      statusCode: stored.status,
      response: this.form.toStore(stored.body),
    });
  }

  /**
   * `record` for an answer that holds personal data (a redemption's shipping address): kept sealed
   * (`sealedAnswer`), so `idempotency_keys` holds none of it in plain text. What is sealed is the
   * answer's stored form (a ledger answer names its entries), which a replay opens first and then
   * reads back like any other, so it answers the same body.
   */
  async recordSealed(
    db: Queryable,
    programId: string,
    request: KeyedRequest | undefined,
    answer: Answer,
    about: { memberId: string; replayBody?: unknown },
  ): Promise<void> {
    if (!request) return;
    const { replayBody } = about;
    const stored = { status: answer.status, body: replayBody === undefined ? answer.body : replayBody };
    this.known.set(request.key, { requestHash: request.requestHash, answer: stored });
    this.fresh.push({
      key: request.key,
      requestHash: request.requestHash,
      statusCode: stored.status,
      response: await sealedAnswer(db, programId, this.form.toStore(stored.body)),
      subject: answerSubject(about.memberId),
    });
  }

  /** The answers recorded since the book was opened: write them with the effects. */
  get records(): readonly IdempotencyRecord[] {
    return this.fresh;
  }
}

/**
 * An answer that holds personal data (a member's contacts, say) is kept sealed by the vault, as
 * `{"jifen:sealed": "enc:v1:…"}`, so `idempotency_keys` holds none in plain text; a replay opens it.
 */
const SEALED = 'jifen:sealed';
const ANSWER_FIELD = 'idempotency_keys.response';
/** What an erased answer is replaced with: `{"jifen:erased": "<when>"}` (see eraseAnswersAbout). */
const ERASED = 'jifen:erased';

/** The subject of a sealed answer holding a member's personal data. */
export function answerSubject(memberId: string): string {
  return `member:${memberId}`;
}

/**
 * Erases the answers kept for replays that hold this member's personal data (an erasure of the
 * member): each is replaced by a marker, so a retry with the same key is not done a second time
 * but answers `410 idempotency_answer_erased`.
 */
export async function eraseAnswersAbout(
  tx: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<number> {
  const rows = await tx.query<{ key: string }>(
    `update idempotency_keys set response = $3::json, subject = null
      where program_id = $1 and subject = $2 returning key`,
    [programId, answerSubject(memberId), JSON.stringify({ [ERASED]: now.toISOString() })],
  );
  return rows.length;
}

/** The member's answers follow a change of their id (`change-id`), so an erasure still finds them. */
export async function renameAnswerSubject(
  tx: Queryable,
  programId: string,
  memberId: string,
  newMemberId: string,
): Promise<void> {
  await tx.query('update idempotency_keys set subject = $3 where program_id = $1 and subject = $2', [
    programId,
    answerSubject(memberId),
    answerSubject(newMemberId),
  ]);
}

function erasedAt(stored: unknown): string | null {
  if (typeof stored !== 'object' || stored === null || !(ERASED in stored)) return null;
  return String((stored as Record<string, unknown>)[ERASED]);
}

function answerErased(key: string, at: string): Answer {
  return {
    status: 410,
    body: problemBody(
      new JifenError('idempotency_answer_erased', {
        detail: `The request with Idempotency-Key "${key}" was done; its answer held a member's personal data and was erased with it at ${at}. It is not done again.`,
        extensions: { erasedAt: at },
      }),
    ),
  };
}

export async function sealedAnswer(db: Queryable, programId: string, body: unknown): Promise<unknown> {
  return { [SEALED]: await sealText(db, programId, ANSWER_FIELD, JSON.stringify(body)) };
}

async function openedAnswer(db: Queryable, programId: string, stored: unknown): Promise<unknown> {
  if (typeof stored !== 'object' || stored === null || !(SEALED in stored)) return stored;
  const sealed = (stored as Record<string, unknown>)[SEALED];
  if (typeof sealed !== 'string') return stored;
  return JSON.parse(await openText(db, programId, ANSWER_FIELD, sealed)) as unknown;
}

interface StoredRow {
  key: string;
  request_hash: string;
  status_code: number;
  response: unknown;
}

export function keyReused(key: string): JifenError {
  return new JifenError('idempotency_key_reused', {
    detail: `The Idempotency-Key "${key}" was already used for a different request.`,
  });
}

/**
 * The insert of recorded answers, as one part of a larger statement (the ledger writes it among
 * its CTEs). Two identical requests at once both get here; the loser hits the primary key, its
 * transaction rolls back, and its retry replays the winner's answer.
 */
export function idempotencyInsertSql(
  records: readonly IdempotencyRecord[],
  param: SqlParam,
  now: Date,
): string {
  const keys = param(
    records.map((record) => record.key),
    'text[]',
  );
  const hashes = param(
    records.map((record) => record.requestHash),
    'text[]',
  );
  const statuses = param(
    records.map((record) => record.statusCode),
    'int4[]',
  );
  const responses = jsonArray(
    param,
    records.map((record) => record.response),
    'json',
  );
  // Most answers hold no personal data: the subjects are sent only when one does.
  const subjects = records.some((record) => record.subject)
    ? param(
        records.map((record) => record.subject ?? null),
        'text[]',
      )
    : null;
  return `insert into idempotency_keys (program_id, key, request_hash, status_code, response, created_at, subject)
          select $1, k, h, s, r, ${param(now.toISOString(), 'timestamptz')}, ${subjects ? 'subj' : 'null'}
            from unnest(${keys}, ${hashes}, ${statuses}, ${responses}${subjects ? `, ${subjects}` : ''})
              as t(k, h, s, r${subjects ? ', subj' : ''})`;
}

/** Writes recorded answers on their own, for writes whose effects are not a ledger draft. */
export async function insertIdempotencyRecords(
  tx: Queryable,
  programId: string,
  records: readonly IdempotencyRecord[],
  now: Date,
  options: { ifAbsent?: boolean } = {},
): Promise<void> {
  if (records.length === 0) return;
  const params: unknown[] = [programId];
  const param: SqlParam = (value, cast) => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  const conflict = options.ifAbsent ? ' on conflict do nothing' : '';
  await tx.query(idempotencyInsertSql(records, param, now) + conflict, params);
}
