import type { EventInput } from '../events/event-input.ts';
import type { EventOutcome } from '../events/event-outcome.ts';
import { ingestEvents } from '../events/ingest-events.ts';
import { type ApplyChunk, emptyResult } from './apply-chunk.ts';
import { idsOfUndoneImports } from './import-store.ts';

/**
 * A chunk of historical events, through dated event intake: judged by the published rules, each
 * counting from its `occurredAt` (lots earned then, pending and expiry from then, growth in the tier
 * window of then, after what fell due before), in time order. An event keeps its id; one whose id an
 * undone import used is stored as `id#importId`, since an event id is its key forever.
 */
export const applyEvents: ApplyChunk = async (context, rows, record) => {
  const result = emptyResult();
  const renamed = await idsOfUndoneImports(
    context.db,
    context.programId,
    'events',
    rows.map((row) => row.externalId),
  );
  const events = rows.map((row) => {
    const event = (row.payload as { event: EventInput }).event;
    return renamed.has(event.id) ? { ...event, id: `${event.id}#${context.importId}` } : event;
  });
  const answers = await ingestEvents(
    context.db,
    {
      programId: context.programId,
      now: context.now,
      source: {
        kind: 'event',
        importedBy: context.importId,
        ...(context.source.apiKeyId ? { apiKeyId: context.source.apiKeyId } : {}),
      },
    },
    events,
    { dated: true, at: (index) => `line ${rows[index]!.line}` },
  );
  answers.forEach((answer, index) => {
    const row = rows[index]!;
    if (answer.status >= 300) {
      const problem = answer.body as { code?: string; detail?: string };
      result.errors.push({
        line: row.line,
        column: null,
        message: `refused (${problem.code ?? answer.status}): ${problem.detail ?? ''}`,
      });
      return;
    }
    const outcome = answer.body as EventOutcome;
    const entryIds = [
      ...outcome.awards.flatMap((award) => award.entryIds),
      ...(outcome.refund?.entryIds ?? []),
    ];
    result.points += outcome.points;
    result.entriesMade += new Set(entryIds).size;
    if (outcome.memberCreated) result.membersCreated += 1;
    result.applied.push({
      line: row.line,
      externalId: row.externalId,
      rowHash: row.rowHash,
      entryIds: [...new Set(entryIds)],
      memberCreated: outcome.memberCreated,
    });
  });
  // Intake committed the events in its own transaction; what they made is recorded now (a commit
  // cut short in between is committed again: the events answer as stored and are recorded then).
  await context.db.transaction((tx) => record(tx, result));
  return result;
};
