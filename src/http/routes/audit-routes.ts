import { Type } from '@sinclair/typebox';
import { AuditChain, AuditExportQuery, AuditQuery, AuditRecordPage } from '../../audit/audit-api-schemas.ts';
import { auditCsvHeader, auditCsvLine } from '../../audit/audit-csv.ts';
import { type AuditFilter, eachAuditRecord, listAuditRecords } from '../../audit/audit-queries.ts';
import { verifyAudit } from '../../audit/verify-audit.ts';
import { problemResponses } from '../../shared/api-schemas.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/**
 * The audit log for the console: records with filters, a CSV export (itself recorded), and the
 * same chain check as `jifen audit verify`, for the caller's program.
 */
export function auditRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/audit',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'Audit records, newest first, with filters (the personal part decrypted, or "erased")',
        querystring: AuditQuery,
        response: { 200: AuditRecordPage, ...problemResponses },
      },
    },
    async (request) => {
      const { limit, cursor, ...filters } = request.query;
      return listAuditRecords(deps.db, principalOf(request).programId, filterOf(filters), {
        limit: limit ?? 50,
        cursor,
      });
    },
  );

  app.get(
    '/v1/audit/export.csv',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit records the filters match, oldest first, as CSV (the export is itself recorded)',
        querystring: AuditExportQuery,
        produces: ['text/csv'],
        response: {
          200: Type.String({ description: 'RFC 4180 CSV; the first line names the columns.' }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      let csv = auditCsvHeader();
      for await (const record of eachAuditRecord(
        deps.db,
        principalOf(request).programId,
        filterOf(request.query),
      )) {
        csv += auditCsvLine(record);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit.csv"')
        .serializer((payload: unknown) => payload as string)
        .send(csv);
    },
  );

  app.get(
    '/v1/audit/verify',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary:
          "Verify the program's audit chain (as `jifen audit verify`): each record's hash and the chain; the first broken record",
        response: { 200: AuditChain, ...problemResponses },
      },
    },
    async (request) => {
      const programId = principalOf(request).programId;
      const [report] = await verifyAudit(deps.db, deps.clock.now(), programId);
      const chain = { ...report!, ok: report!.broken === null };
      request.log.info({ auditHead: { programId, head: chain.head, ok: chain.ok } }, 'audit chain head');
      return chain;
    },
  );
}

function filterOf(query: {
  actor?: string | undefined;
  actorKind?: AuditFilter['actorKind'];
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  outcome?: number | undefined;
}): AuditFilter {
  return {
    actor: query.actor,
    actorKind: query.actorKind,
    action: query.action,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
    outcome: query.outcome,
  };
}
