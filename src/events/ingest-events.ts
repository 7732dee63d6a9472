import { ReadStatement } from '../db/combined-statements.ts';
import type { Database, Queryable } from '../db/database.ts';
import { inTransactionRetryingRaces } from '../db/retrying-races.ts';
import { requestHash } from '../idempotency/request-hash.ts';
import { readProgram } from '../programs/program-store.ts';
import type { Program } from '../programs/program-types.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { readCompiledPublishedRules } from '../rules/rule-cache.ts';
import { activity, type EventAnswerFact } from '../shared/activity.ts';
import { JifenError } from '../shared/errors.ts';
import { decideFresh } from './decide-batch.ts';
import { answerToStored, EventRefused, idReused, refusal } from './event-answers.ts';
import { checkEventAttributes, type EventInput } from './event-input.ts';
import { readStoredEvents, type StoredEvents } from './event-rows.ts';
import type { Candidate, EventResult, IngestContext } from './intake-types.ts';

/**
 * Event intake (SPEC §3.2): a batch of events — one to a thousand — in one transaction. Each event
 * is stored with its outcome under its id, which is its idempotency key: the same event again gets
 * the stored answer, a different event with a used id is refused. One refused event (unknown order,
 * refund larger than the order, ...) does not sink the others. The members are locked in id order,
 * then the budgets of the rules the batch can trigger; limits are read under those locks, so they
 * hold exactly however many servers take events at once.
 */

export interface IngestOptions {
  /** Where each event sits in the request, for error fields (default `body`, or `body/events/N`). */
  at?: (index: number) => string;
  /** Rules to judge by instead of the published ones (tests, replays). */
  rules?: readonly CompiledRule[];
  /** Events decided between two writes of a large batch (default 200 on PostgreSQL, all on PGlite; tests make it small). */
  writeEvery?: number;
  /**
   * Dated intake: each event's entries count from its `occurredAt` (lots earned then, pending and
   * expiry from then, growth in the tier window of then) instead of from when it is received.
   * Imports and `jifen demo` use it; live events are dated when received (ARCHITECTURE.md).
   */
  dated?: boolean;
}

export async function ingestEvents(
  db: Database,
  context: IngestContext,
  events: readonly EventInput[],
  options: IngestOptions = {},
): Promise<EventResult[]> {
  const results = await ingest(db, context, events, options);
  if (activity.eventsAnswered.observed) activity.eventsAnswered.emit(results.map(answerFact));
  return results;
}

function answerFact(result: EventResult): EventAnswerFact {
  const code = result.status >= 400 ? (result.body as { code?: unknown }).code : null;
  return { replayed: result.replayed, refusedCode: code === null ? null : String(code ?? 'unknown') };
}

async function ingest(
  db: Database,
  context: IngestContext,
  events: readonly EventInput[],
  options: IngestOptions,
): Promise<EventResult[]> {
  const at = options.at ?? ((index: number) => (events.length === 1 ? 'body' : `body/events/${index}`));
  const results: EventResult[] = new Array(events.length);
  const candidates: Candidate[] = [];
  events.forEach((event, index) => {
    const errors = checkEventAttributes(event, at(index));
    if (errors.length > 0) {
      results[index] = refusal(
        new JifenError('validation_failed', {
          detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
          extensions: { errors },
        }),
      );
      return;
    }
    const occurredAt = event.occurredAt ? new Date(event.occurredAt) : context.now;
    candidates.push({ index, event, hash: eventHash(event), occurredAt });
  });
  if (candidates.length === 0) return results;

  // The program, its rules in force and the events already stored, in one statement. An event
  // stored after this read is found again under its member's lock (`decideFresh`).
  const read = new ReadStatement(context.programId);
  const programOf = readProgram(read);
  const rulesOf = options.rules ? () => options.rules! : readCompiledPublishedRules(read);
  const storedOf = readStoredEvents(
    read,
    candidates.map((candidate) => candidate.event.id),
  );
  await read.run(db);
  const program = programOf();
  const rules = rulesOf();
  const stored = storedOf();

  const refused = new Map<number, JifenError>();
  for (;;) {
    try {
      const decided = await inTransactionRetryingRaces(db, (tx) =>
        ingestInTransaction(tx, context, program, rules, candidates, stored, refused, {
          // The embedded engine runs on this thread: a write cannot overlap the next decisions.
          writeEvery: options.writeEvery ?? (db.engine === 'pglite' ? Number.POSITIVE_INFINITY : undefined),
          dated: options.dated ?? false,
        }),
      );
      for (const [index, result] of decided) results[index] = result;
      return results;
    } catch (error) {
      if (error instanceof EventRefused) {
        refused.set(error.index, error.error);
        continue;
      }
      if (candidates.length === 1) throw error;
      // Something unforeseen failed the shared transaction: each event goes alone, so only the
      // one that causes it fails (the others must not be lost with it).
      for (const candidate of candidates) {
        try {
          const [alone] = await ingest(db, context, [candidate.event], {
            ...options,
            at: () => at(candidate.index),
          });
          results[candidate.index] = alone!;
        } catch {
          results[candidate.index] = refusal(
            new JifenError('internal_error', {
              detail: 'This event could not be processed; the other events of the batch were.',
            }),
          );
        }
      }
      return results;
    }
  }
}

async function ingestInTransaction(
  tx: Queryable,
  context: IngestContext,
  program: Program,
  rules: readonly CompiledRule[],
  candidates: readonly Candidate[],
  stored: StoredEvents,
  refused: ReadonlyMap<number, JifenError>,
  options: { writeEvery: number | undefined; dated: boolean },
): Promise<Map<number, EventResult>> {
  const results = new Map<number, EventResult>();
  const firstById = new Map<string, Candidate>();
  const repeats: Candidate[] = [];
  const fresh: Candidate[] = [];
  for (const candidate of candidates) {
    const earlier = stored.get(candidate.event.id);
    if (earlier) {
      results.set(candidate.index, answerToStored(candidate, earlier));
    } else if (firstById.has(candidate.event.id)) {
      repeats.push(candidate);
    } else {
      firstById.set(candidate.event.id, candidate);
      const error = refused.get(candidate.index);
      if (error) results.set(candidate.index, refusal(error));
      else fresh.push(candidate);
    }
  }

  if (fresh.length > 0) {
    const outcomes = await decideFresh(tx, context, program, rules, fresh, options);
    for (const [index, result] of outcomes) results.set(index, result);
  }
  // The same event twice in one batch: the second is a retry of the first.
  for (const candidate of repeats) {
    const first = firstById.get(candidate.event.id)!;
    const answer = results.get(first.index)!;
    results.set(
      candidate.index,
      first.hash !== candidate.hash
        ? refusal(idReused(candidate.event.id))
        : answer.status < 300
          ? { ...answer, replayed: true }
          : answer,
    );
  }
  return results;
}

/** An event's fingerprint over its canonical JSON, so key order and whitespace do not matter. */
function eventHash(event: EventInput): string {
  return requestHash('event', event);
}
