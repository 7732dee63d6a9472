import { Type } from '@sinclair/typebox';
import { csvLine } from '../../audit/audit-csv.ts';
import { MemberParams } from '../../members/member-api-schemas.ts';
import { segmentMembersPage } from '../../members/member-segments.ts';
import { recomputeProgram } from '../../segments/recompute-segments.ts';
import {
  MemberSegmentsView,
  PreviewAnswer,
  PreviewBody,
  RecomputeAnswer,
  SegmentBody,
  SegmentField,
  SegmentListQuery,
  SegmentMember,
  SegmentParams,
  SegmentPatch,
  SegmentSettingsSchema,
  SegmentSize,
  SegmentSizesQuery,
  SegmentView,
} from '../../segments/segment-api-schemas.ts';
import {
  archiveSegment,
  changeSettings,
  createSegment,
  memberSegmentsView,
  previewCondition,
  updateSegment,
} from '../../segments/segment-commands.ts';
import { segmentFieldCatalogue } from '../../segments/segment-fields.ts';
import {
  getSegment,
  listSegments,
  loadRun,
  type Segment,
  type SegmentRun,
  sizesOf,
} from '../../segments/segment-store.ts';
import type { SegmentCondition } from '../../segments/segment-types.ts';
import { IdempotencyHeaders, PageQuery, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { cursorKey, toPage, wholeList } from '../../shared/pages.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Segments, RFM and lifecycle stages (issue 19): definitions, membership, sizes, a member's "why". */
export function segmentRoutes(app: TypedApp, deps: RouteDeps): void {
  const viewOf = (segment: Segment, run: SegmentRun) => ({
    id: segment.id,
    kind: segment.kind,
    name: segment.name,
    description: segment.description,
    condition: segment.condition,
    status: segment.status,
    // The size at the last computation; none for an archived segment or one not computed yet.
    size: segment.status === 'archived' ? null : (run.sizes.get(segment.id) ?? null),
    computedAt: run.computedAt?.toISOString() ?? null,
    createdAt: segment.createdAt.toISOString(),
    updatedAt: segment.updatedAt.toISOString(),
  });
  const oneView = async (programId: string, segment: Segment) =>
    viewOf(segment, await loadRun(deps.db, programId));

  app.get(
    '/v1/segments',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'The lifecycle stages and the program’s segments, with their sizes at the last computation',
        querystring: SegmentListQuery,
        response: { 200: pageOf(SegmentView), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const segments = await listSegments(deps.db, programId, request.query.status);
      const run = await loadRun(deps.db, programId);
      return wholeList(segments.map((segment) => viewOf(segment, run)));
    },
  );

  app.get(
    '/v1/segments/fields',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'Every field a segment condition may name, with its type and whether it takes a window',
        response: { 200: pageOf(SegmentField), ...problemResponses },
      },
    },
    async () => wholeList(segmentFieldCatalogue()),
  );

  app.post(
    '/v1/segments',
    {
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary:
          'Define a segment by a condition over members (computed at once in programs up to 20,000 members)',
        headers: IdempotencyHeaders,
        body: SegmentBody,
        response: { 201: SegmentView, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      // The type provider cannot see through the condition's $ref; it was validated against it.
      const body = { ...request.body, condition: request.body.condition as SegmentCondition };
      const segment = await createSegment(deps.db, programId, body, deps.clock);
      reply.code(201);
      return oneView(programId, segment);
    },
  );

  app.post(
    '/v1/segments/preview',
    {
      // Judges every member: for those who define segments, not for every reader.
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'How many members a draft condition would hold now, with up to 20 of them',
        body: PreviewBody,
        response: { 200: PreviewAnswer, ...problemResponses },
      },
    },
    async (request) =>
      previewCondition(
        deps.db,
        principalOf(request).programId,
        request.body.condition as SegmentCondition,
        deps.clock.now(),
      ),
  );

  app.post(
    '/v1/segments/recompute',
    {
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Compute every member’s stage, RFM scores and segments now (the sweep does it on its own)',
        headers: IdempotencyHeaders,
        response: { 200: RecomputeAnswer, ...problemResponses },
      },
    },
    async (request) => {
      const result = await recomputeProgram(deps.db, principalOf(request).programId, deps.clock, {
        force: true,
      });
      if (!result) {
        throw new JifenError('segments_busy');
      }
      return { ...result, computedAt: result.computedAt.toISOString() };
    },
  );

  app.get(
    '/v1/segment-settings',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'The lifecycle stage thresholds, the RFM window and how often segments are computed',
        response: { 200: SegmentSettingsSchema, ...problemResponses },
      },
    },
    async (request) => (await loadRun(deps.db, principalOf(request).programId)).settings,
  );

  app.put(
    '/v1/segment-settings',
    {
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Change the lifecycle thresholds and RFM window (members are judged again)',
        headers: IdempotencyHeaders,
        body: SegmentSettingsSchema,
        response: { 200: SegmentSettingsSchema, ...problemResponses },
      },
    },
    async (request) => changeSettings(deps.db, principalOf(request).programId, request.body, deps.clock),
  );

  app.get(
    '/v1/segments/:segmentId',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'One segment with its definition and size',
        params: SegmentParams,
        response: { 200: SegmentView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      return oneView(programId, await getSegment(deps.db, programId, request.params.segmentId));
    },
  );

  app.patch(
    '/v1/segments/:segmentId',
    {
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Rename a segment or change its condition (members are judged again)',
        params: SegmentParams,
        headers: IdempotencyHeaders,
        body: SegmentPatch,
        response: { 200: SegmentView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const patch = { ...request.body, condition: request.body.condition as SegmentCondition | undefined };
      const segment = await updateSegment(deps.db, programId, request.params.segmentId, patch, deps.clock);
      return oneView(programId, segment);
    },
  );

  app.delete(
    '/v1/segments/:segmentId',
    {
      config: { permission: 'segments:write' },
      schema: {
        tags: ['segments'],
        summary: 'Archive a segment: its members leave it; its sizes over time stay',
        params: SegmentParams,
        headers: IdempotencyHeaders,
        response: { 200: SegmentView, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      return oneView(
        programId,
        await archiveSegment(deps.db, programId, request.params.segmentId, deps.clock),
      );
    },
  );

  app.get(
    '/v1/segments/:segmentId/members',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'The members in a segment, with when each entered it',
        params: SegmentParams,
        querystring: PageQuery,
        response: { 200: pageOf(SegmentMember), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const { limit = 50, cursor } = request.query;
      await getSegment(deps.db, programId, request.params.segmentId);
      const rows = await segmentMembersPage(deps.db, programId, request.params.segmentId, {
        afterKey: cursorKey(cursor),
        limit: limit + 1,
      });
      return toPage(
        rows,
        limit,
        (row) => ({ memberId: row.memberId, since: row.since.toISOString() }),
        (row) => row.memberKey,
      );
    },
  );

  app.get(
    '/v1/segments/:segmentId/members.csv',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'The members in a segment as CSV (member_id, since)',
        params: SegmentParams,
        produces: ['text/csv'],
        response: {
          200: Type.String({ description: 'RFC 4180 CSV; the first line names the columns.' }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const { segmentId } = request.params;
      await getSegment(deps.db, programId, segmentId);
      const lines = [csvLine(['member_id', 'since'])];
      let afterKey: string | undefined;
      for (;;) {
        const rows = await segmentMembersPage(deps.db, programId, segmentId, { afterKey, limit: 5000 });
        for (const row of rows) lines.push(csvLine([row.memberId, row.since.toISOString()]));
        if (rows.length < 5000) break;
        afterKey = rows.at(-1)!.memberKey;
      }
      const csv = lines.join('');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="segment-${segmentId}.csv"`)
        .serializer((payload: unknown) => payload as string)
        .send(csv);
    },
  );

  app.get(
    '/v1/segments/:segmentId/sizes',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'A segment’s size at the last computation of each day',
        params: SegmentParams,
        querystring: SegmentSizesQuery,
        response: { 200: pageOf(SegmentSize), ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      await getSegment(deps.db, programId, request.params.segmentId);
      const { from, to } = request.query;
      return wholeList(await sizesOf(deps.db, programId, request.params.segmentId, from ?? null, to ?? null));
    },
  );

  app.get(
    '/v1/members/:memberId/segments',
    {
      config: { permission: 'segments:read' },
      schema: {
        tags: ['segments'],
        summary: 'A member’s lifecycle stage, RFM scores and segments, each with why the member is in it',
        params: MemberParams,
        response: { 200: MemberSegmentsView, ...problemResponses },
      },
    },
    async (request) =>
      memberSegmentsView(deps.db, principalOf(request).programId, request.params.memberId, deps.clock.now()),
  );
}
