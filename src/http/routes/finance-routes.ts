import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { journalTotals } from '../../finance/account-totals.ts';
import {
  JournalExportQuery,
  JournalRangeQuery,
  JournalTotals,
  TrialBalance,
  TrialBalanceQuery,
} from '../../finance/finance-api-schemas.ts';
import { journalChunks, journalRangeOf } from '../../finance/journal-export.ts';
import { type JournalFormat, journalFormatOf } from '../../finance/journal-lines.ts';
import { trialBalance } from '../../finance/trial-balance.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { unscopedDatabase } from '../audit-scope.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const CONTENT_TYPES: Record<JournalFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  jsonl: 'application/x-ndjson; charset=utf-8',
};

/** Finance: the journal export (streamed), its totals, and the trial balance of a month. */
export function financeRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/finance/journal',
    {
      config: { permission: 'finance:read' },
      schema: {
        tags: ['finance'],
        summary:
          'Every entry with its postings whose effective date is within [from, to), in effective date then id order, streamed as CSV or JSON lines (the export is recorded in the audit log)',
        querystring: JournalExportQuery,
        produces: ['text/csv', 'application/x-ndjson'],
        response: {
          200: Type.String({
            description:
              'CSV (RFC 4180, a header line, one line per entry) or JSON lines (one object per entry); docs/metrics.md names every column.',
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const range = journalRangeOf(request.query);
      const format = journalFormatOf(request.query.format, request.headers.accept);
      const { programId } = principalOf(request);
      // Recorded, then streamed. The route is audited (audit-declarations.ts), so its record is
      // appended by the onSend hook, which runs when the stream is handed to `send` and commits
      // the record before the first byte leaves. The handler reads nothing through `deps.db`, so
      // no request transaction is open: the pages are read afterwards, as the response drains,
      // each by its own statement through the unscoped database (an export of millions of entries
      // never holds a transaction, nor a PGlite connection that every other request shares). An
      // export cut short by a failure was still recorded: the record says it was asked for and
      // started.
      const chunks = journalChunks(unscopedDatabase(deps.db), programId, range, format);
      return (
        reply
          .type(CONTENT_TYPES[format])
          .header(
            'content-disposition',
            `attachment; filename="journal-${fileStamp(range.from)}-${fileStamp(range.to)}.${format}"`,
          )
          // The schema documents the body as text; Fastify pipes a stream without serialising it.
          .send(Readable.from(chunks, { objectMode: false }) as unknown as string)
      );
    },
  );

  app.get(
    '/v1/finance/journal/totals',
    {
      config: { permission: 'finance:read' },
      schema: {
        tags: ['finance'],
        summary:
          "Per account, the balance before `from`, the debits and credits within [from, to) and the balance at `to`, with the number of entries: the journal export's totals",
        querystring: JournalRangeQuery,
        response: { 200: JournalTotals, ...problemResponses },
      },
    },
    async (request) => journalTotals(deps.db, principalOf(request).programId, journalRangeOf(request.query)),
  );

  app.get(
    '/v1/finance/trial-balance',
    {
      config: { permission: 'finance:read' },
      schema: {
        tags: ['finance'],
        summary:
          "The trial balance of a month in the program's timezone: per account its opening balance, debits, credits and closing balance; per unit they sum to zero",
        querystring: TrialBalanceQuery,
        response: { 200: TrialBalance, ...problemResponses },
      },
    },
    async (request) => trialBalance(deps.db, principalOf(request).programId, request.query.period),
  );
}

/** 2026-03-01T00:00:00.000Z → 20260301T000000Z, for a file name. */
function fileStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
