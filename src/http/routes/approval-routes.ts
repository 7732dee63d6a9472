import { Type } from '@sinclair/typebox';
import {
  Approval,
  ApprovalListQuery,
  ApprovalParams,
  ApprovalPolicyBody,
  ApprovalPolicyView,
  ApproveBody,
  NoticeQuery,
  NoticesRead,
  RejectBody,
  StaffNotice,
} from '../../approvals/approval-api-schemas.ts';
import { approveRequest, cancelRequest, rejectRequest } from '../../approvals/approval-commands.ts';
import { actorOfPrincipal } from '../../approvals/approval-gate.ts';
import {
  DEFAULT_EXPIRY_HOURS,
  readApprovalPolicy,
  saveApprovalPolicy,
} from '../../approvals/approval-policy.ts';
import { approvalView, getApproval, listApprovals } from '../../approvals/approval-store.ts';
import { pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { listStaffNotices, markNoticesRead, unreadNotices } from '../../staff/staff-notices.ts';
import { assertProgramTakesWrites, principalOf, staffPrincipalOfRequest } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/**
 * Maker–checker: the program's approval policy, the requests held by it, their decisions, and the
 * staff notices that tell checkers (and makers) about them.
 */
export function approvalRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/approval-policy',
    {
      config: { permission: 'program:read' },
      schema: {
        tags: ['approvals'],
        summary: 'What waits for a checker: points above a threshold, bulk actions, tier assignments',
        response: { 200: ApprovalPolicyView, ...problemResponses },
      },
    },
    async (request) => readApprovalPolicy(deps.db, principalOf(request).programId),
  );

  app.put(
    '/v1/approval-policy',
    {
      config: { permission: 'program:manage' },
      schema: {
        tags: ['approvals'],
        summary: 'Set what waits for a checker (maker–checker); requests already pending keep theirs',
        body: ApprovalPolicyBody,
        response: { 200: ApprovalPolicyView, ...problemResponses },
      },
    },
    async (request) => {
      const { body } = request;
      return saveApprovalPolicy(
        deps.db,
        principalOf(request).programId,
        { ...body, expiresAfterHours: body.expiresAfterHours ?? DEFAULT_EXPIRY_HOURS },
        deps.clock.now(),
      );
    },
  );

  app.get(
    '/v1/approvals',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags: ['approvals'],
        summary: 'Approval requests, newest first, by status, action, maker or member',
        querystring: ApprovalListQuery,
        response: { 200: pageOf(Approval), ...problemResponses },
      },
    },
    async (request) =>
      listApprovals(
        deps.db,
        principalOf(request).programId,
        { ...request.query, limit: request.query.limit ?? 50 },
        deps.clock.now(),
      ),
  );

  app.get(
    '/v1/approvals/:approvalId',
    {
      config: { permission: 'approvals:read' },
      schema: {
        tags: ['approvals'],
        summary: 'One approval request: what it asks, who decided, and what it answered when executed',
        params: ApprovalParams,
        response: { 200: Approval, ...problemResponses },
      },
    },
    async (request) =>
      approvalView(
        await getApproval(deps.db, principalOf(request).programId, request.params.approvalId),
        deps.clock.now(),
      ),
  );

  app.post(
    '/v1/approvals/:approvalId/approve',
    {
      config: { permission: 'approvals:decide' },
      schema: {
        tags: ['approvals'],
        summary: "Approve someone else's request: it executes now, exactly once (its answer in `result`)",
        params: ApprovalParams,
        body: Type.Optional(ApproveBody),
        response: { 200: Approval, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return approveRequest(
        deps,
        principal.programId,
        request.params.approvalId,
        actorOfPrincipal(principal),
        request.body?.comment ?? null,
        deps.clock.now(),
      );
    },
  );

  app.post(
    '/v1/approvals/:approvalId/reject',
    {
      config: { permission: 'approvals:decide' },
      schema: {
        tags: ['approvals'],
        summary: "Reject someone else's request with a comment; nothing is executed",
        params: ApprovalParams,
        body: RejectBody,
        response: { 200: Approval, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return rejectRequest(
        deps.db,
        principal.programId,
        request.params.approvalId,
        actorOfPrincipal(principal),
        request.body.comment,
        deps.clock.now(),
      );
    },
  );

  app.post(
    '/v1/approvals/:approvalId/cancel',
    {
      // The maker withdraws their own request: any signed-in caller, checked to be the maker.
      config: { session: 'any' },
      schema: {
        tags: ['approvals'],
        summary: 'Withdraw your own pending request',
        params: ApprovalParams,
        response: { 200: Approval, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      await assertProgramTakesWrites(deps.db, principal.programId);
      return cancelRequest(
        deps.db,
        principal.programId,
        request.params.approvalId,
        actorOfPrincipal(principal),
        deps.clock.now(),
      );
    },
  );

  app.get(
    '/v1/auth/notices',
    {
      config: { session: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'Your notices (the console bell): approvals waiting for you, decisions on yours',
        querystring: NoticeQuery,
        response: { 200: pageOf(StaffNotice), ...problemResponses },
      },
    },
    async (request) => {
      const { programId, staffId } = staffPrincipalOfRequest(request);
      return listStaffNotices(deps.db, programId, staffId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        unread: request.query.unread,
      });
    },
  );

  app.get(
    '/v1/auth/notices/unread-count',
    {
      config: { session: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'How many of your notices are unread (the badge on the console bell)',
        response: { 200: Type.Object({ unread: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => {
      const { programId, staffId } = staffPrincipalOfRequest(request);
      return { unread: await unreadNotices(deps.db, programId, staffId) };
    },
  );

  app.post(
    '/v1/auth/notices/read',
    {
      config: { session: 'staff' },
      schema: {
        tags: ['auth'],
        summary: 'Mark your notices read (the given ones, or all)',
        body: Type.Optional(NoticesRead),
        response: { 200: Type.Object({ marked: Type.Integer() }), ...problemResponses },
      },
    },
    async (request) => {
      const { programId, staffId } = staffPrincipalOfRequest(request);
      const marked = await markNoticesRead(deps.db, programId, staffId, request.body?.ids, deps.clock.now());
      return { marked };
    },
  );
}
