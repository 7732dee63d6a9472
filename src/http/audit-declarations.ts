import type { FastifyRequest } from 'fastify';
import { type JournalFormat, journalFormatOf } from '../finance/journal-lines.ts';

/**
 * What each write records in the audit log, in one table (like `operations.ts` names them): the
 * action, what it acts on, and `integration` for the traffic of integrations (events, credits,
 * debits, holds, checkout payments, redemptions at the till, coupon uses, draws, inbox marks),
 * which is recorded only when a staff member does it. A route may instead declare
 * `config.audit` itself. `test/audit/audit-declarations.test.ts` fails on a write of the OpenAPI
 * document with neither, so no new route is forgotten: a new route adds a line here.
 */

/**
 * What a route records in the audit log (docs/security.md, "Audit log"). Every write route of the
 * OpenAPI document declares one (a test fails on a route without), and a read may (the CSV export).
 * The rule in one place: every action of a staff member or of an API key on a declared route is
 * recorded, in the transaction of its change, except `integration` operations (events, credits,
 * debits, holds, checkout payments, redemptions at the till...): an integration key's are already
 * in the journal with its key id, so only a staff member's are recorded.
 */
export interface AuditDeclaration {
  /** A stable dotted name: `ledger.adjust`, `rule.published`, `staff.role_changed`. */
  action: string;
  /** The action when it depends on the request (a staff change that is a role change). */
  actionOf?: (request: FastifyRequest) => string;
  /** What it acts on: `member`, `rule`, `staff`... (its id: the route's path parameter, else the answer's `id`). */
  target: string;
  /** Integration traffic: recorded only when a staff member does it. */
  integration?: true;
  /**
   * Every write of the route is a command run by `deps.send`: the record is written in the
   * command's transaction, and the handler runs without a request transaction (cheaper: the
   * ledger's writes). Only for handlers that write nothing through `deps.db` themselves.
   */
  viaCommand?: true;
  /** Reads only (previews, quotes): nothing to record. */
  readOnly?: true;
  /** The route writes its records itself (sign-in, which has no principal yet). */
  byRoute?: true;
  /** What the record's summary adds (never personal data): amounts, roles, the ids an answer made. */
  summary?: (request: FastifyRequest, answer: unknown) => Record<string, unknown>;
  /** The target's id when neither the path nor the answer's `id` names it. */
  targetId?: (request: FastifyRequest, answer: unknown) => string | null;
}

type Body = Record<string, unknown> | undefined;
const body = (request: FastifyRequest) => (request.body ?? undefined) as Body;

/** The ids of the entries an answer wrote (non-personal: the journal's own ids). */
function entryIds(answer: unknown): Record<string, unknown> {
  const entries = (answer as { entries?: { id?: unknown }[] } | null)?.entries;
  return Array.isArray(entries) ? { entryIds: entries.map((entry) => entry.id) } : {};
}

/**
 * An answer that is an approval request (a points action held for a checker, or a decision): its
 * id, what it does, its status and, once executed, the status of what it answered.
 */
function decided(answer: unknown): Record<string, unknown> {
  const approval = answer as {
    id?: unknown;
    action?: unknown;
    status?: unknown;
    maker?: unknown;
    result?: { status?: unknown } | null;
  } | null;
  if (!approval || approval.maker === undefined) return {};
  return {
    approvalId: approval.id,
    approvalAction: approval.action,
    approvalStatus: approval.status,
    ...(approval.result ? { resultStatus: approval.result.status } : {}),
  };
}

/** The session a session route acts on, or the staff member themselves. */
const ownSession = (request: FastifyRequest) =>
  request.principal?.kind === 'staff' ? request.principal.sessionId : null;
const self = (request: FastifyRequest) =>
  request.principal?.kind === 'staff' ? request.principal.staffId : null;

const integration = (action: string, target: string, more: Partial<AuditDeclaration> = {}) =>
  ({ action, target, integration: true, ...more }) as const;

export const AUDITED: Record<string, AuditDeclaration> = {
  // sign-in and the session
  'POST /v1/auth/login': { action: 'staff.login', target: 'staff', byRoute: true },
  'POST /v1/auth/refresh': { action: 'staff.session_refreshed', target: 'session', targetId: ownSession },
  'POST /v1/auth/switch': { action: 'staff.program_switched', target: 'session', targetId: ownSession },
  'POST /v1/auth/logout': { action: 'staff.logout', target: 'session', targetId: ownSession },
  'POST /v1/auth/password': { action: 'staff.password_changed', target: 'staff', targetId: self },
  'POST /v1/auth/totp': { action: 'staff.totp_enrolment_started', target: 'staff', targetId: self },
  'POST /v1/auth/totp/confirm': { action: 'staff.totp_enabled', target: 'staff', targetId: self },
  'POST /v1/auth/totp/disable': { action: 'staff.totp_disabled', target: 'staff', targetId: self },
  // staff and roles: permission changes
  'POST /v1/staff': {
    action: 'staff.created',
    target: 'staff',
    summary: (request) => ({ role: body(request)?.role, storeIds: body(request)?.storeIds }),
  },
  'PATCH /v1/staff/:staffId': {
    action: 'staff.changed',
    target: 'staff',
    actionOf: (request) =>
      body(request)?.status === 'disabled'
        ? 'staff.disabled'
        : body(request)?.role !== undefined
          ? 'staff.role_changed'
          : 'staff.changed',
    summary: (request) => ({
      role: body(request)?.role,
      status: body(request)?.status,
      storeIds: body(request)?.storeIds,
    }),
  },
  'POST /v1/staff/:staffId/password-reset': { action: 'staff.password_reset', target: 'staff' },
  'POST /v1/roles': {
    action: 'role.created',
    target: 'role',
    summary: (request) => ({ name: body(request)?.name, permissions: body(request)?.permissions }),
  },
  'PATCH /v1/roles/:roleId': {
    action: 'role.changed',
    target: 'role',
    summary: (request) => ({ name: body(request)?.name, permissions: body(request)?.permissions }),
  },
  'DELETE /v1/roles/:roleId': { action: 'role.deleted', target: 'role' },
  // maker–checker: the policy, decisions, withdrawals; a staff member's own notices
  'PUT /v1/approval-policy': {
    action: 'approval.policy_replaced',
    target: 'approval_policy',
    summary: (request) => ({ ...body(request) }),
  },
  'POST /v1/approvals/:approvalId/approve': {
    action: 'approval.approved',
    target: 'approval',
    summary: (_request, answer) => decided(answer),
  },
  'POST /v1/approvals/:approvalId/reject': {
    action: 'approval.rejected',
    target: 'approval',
    summary: (_request, answer) => decided(answer),
  },
  'POST /v1/approvals/:approvalId/cancel': { action: 'approval.cancelled', target: 'approval' },
  'POST /v1/auth/notices/read': { action: 'staff.notices_read', target: 'staff', targetId: self },
  // members
  'PUT /v1/members/:memberId': { action: 'member.upserted', target: 'member' },
  'POST /v1/members/:memberId/change-id': { action: 'member.id_changed', target: 'member' },
  'PUT /v1/members/:memberId/notification-preferences': {
    action: 'member.preferences_replaced',
    target: 'member',
  },
  'POST /v1/members/:memberId/inbox/:messageId/read': integration('member.inbox_message_read', 'member', {
    targetId: (request) => (request.params as { memberId: string }).memberId,
  }),
  'POST /v1/members/:memberId/inbox/read-all': integration('member.inbox_read', 'member'),
  // the ledger: adjustments and reversals always; the rest is integration traffic
  'POST /v1/members/:memberId/adjustments': {
    action: 'ledger.adjust',
    viaCommand: true,
    target: 'member',
    summary: (request, answer) => ({
      points: body(request)?.points,
      ...entryIds(answer),
      ...decided(answer),
    }),
  },
  'POST /v1/entries/:entryId/reversal': {
    action: 'ledger.reverse',
    viaCommand: true,
    target: 'entry',
    summary: (_request, answer) => ({ ...entryIds(answer), ...decided(answer) }),
  },
  'POST /v1/members/:memberId/credits': integration('ledger.credit', 'member', {
    summary: (request, answer) => ({
      points: body(request)?.points,
      ...entryIds(answer),
      ...decided(answer),
    }),
  }),
  'POST /v1/members/:memberId/debits': integration('ledger.debit', 'member', {
    viaCommand: true,
    summary: (request, answer) => ({
      points: body(request)?.points,
      ...entryIds(answer),
      ...decided(answer),
    }),
  }),
  'POST /v1/transfers': integration('ledger.transfer', 'transfer', {
    viaCommand: true,
    summary: (request, answer) => ({
      points: body(request)?.points,
      ...entryIds(answer),
      ...decided(answer),
    }),
  }),
  'POST /v1/credits/batch': integration('ledger.credit_batch', 'batch'),
  'POST /v1/holds': integration('ledger.hold', 'hold', { viaCommand: true }),
  'POST /v1/holds/:holdId/capture': integration('ledger.hold_capture', 'hold', { viaCommand: true }),
  'POST /v1/holds/:holdId/void': integration('ledger.hold_void', 'hold', { viaCommand: true }),
  // keys and programs
  'POST /v1/api-keys': {
    action: 'key.created',
    target: 'api_key',
    summary: (request) => ({ scopes: body(request)?.scopes }),
  },
  'DELETE /v1/api-keys/:keyId': { action: 'key.revoked', target: 'api_key' },
  'PATCH /v1/program': { action: 'program.changed', target: 'program' },
  'POST /v1/programs': { action: 'program.created', target: 'program' },
  'POST /v1/programs/:programId/archive': { action: 'program.archived', target: 'program' },
  'POST /v1/programs/:programId/keys': { action: 'program.owner_key_created', target: 'program' },
  // rules
  'POST /v1/rules': { action: 'rule.created', target: 'rule' },
  'PUT /v1/rules/:ruleId/draft': { action: 'rule.draft_replaced', target: 'rule' },
  'POST /v1/rules/:ruleId/publish': { action: 'rule.published', target: 'rule' },
  'POST /v1/rules/:ruleId/retire': { action: 'rule.retired', target: 'rule' },
  'POST /v1/rules/preview': { action: 'rule.previewed', target: 'rule', readOnly: true },
  'POST /v1/rules/back-test': { action: 'rule.back_tested', target: 'rule', readOnly: true },
  // events
  'POST /v1/events': integration('event.sent', 'event', {
    targetId: (request) => (body(request)?.id as string | undefined) ?? null,
  }),
  'POST /v1/events/batch': integration('event.batch_sent', 'batch'),
  // imports
  'POST /v1/imports': { action: 'import.created', target: 'import' },
  'POST /v1/imports/:importId/commit': { action: 'import.committed', target: 'import' },
  'POST /v1/imports/:importId/undo': { action: 'import.undone', target: 'import' },
  // segments
  'POST /v1/segments': { action: 'segment.created', target: 'segment' },
  'PATCH /v1/segments/:segmentId': { action: 'segment.changed', target: 'segment' },
  'DELETE /v1/segments/:segmentId': { action: 'segment.archived', target: 'segment' },
  'POST /v1/segments/recompute': { action: 'segment.recomputed', target: 'segment' },
  'POST /v1/segments/preview': { action: 'segment.previewed', target: 'segment', readOnly: true },
  'PUT /v1/segment-settings': { action: 'segment.settings_changed', target: 'segment_settings' },
  'GET /v1/segments/:segmentId/members.csv': { action: 'segment.members_exported', target: 'segment' },
  // tiers
  'PUT /v1/tiers': { action: 'tier.config_replaced', target: 'tier_config' },
  'PUT /v1/members/:memberId/tier': {
    action: 'tier.assigned',
    target: 'member',
    summary: (request) => ({ tier: body(request)?.tier }),
  },
  'POST /v1/members/:memberId/tier/retention': integration('tier.retained', 'member'),
  // rewards, redemptions, coupons, draws
  'POST /v1/rewards': { action: 'reward.created', target: 'reward' },
  'PATCH /v1/rewards/:rewardId': { action: 'reward.changed', target: 'reward' },
  'POST /v1/rewards/:rewardId/codes': { action: 'reward.codes_added', target: 'reward' },
  'POST /v1/redemptions': integration('redemption.created', 'redemption'),
  'POST /v1/redemptions/:redemptionId/ship': { action: 'redemption.shipped', target: 'redemption' },
  'POST /v1/redemptions/:redemptionId/deliver': { action: 'redemption.delivered', target: 'redemption' },
  'POST /v1/redemptions/:redemptionId/cancel': { action: 'redemption.cancelled', target: 'redemption' },
  'POST /v1/redemptions/:redemptionId/pay': integration('redemption.paid', 'redemption'),
  'POST /v1/coupon-codes/:code/use': integration('coupon.used', 'coupon_code'),
  'POST /v1/draws': { action: 'draw.created', target: 'draw' },
  'PATCH /v1/draws/:drawId': { action: 'draw.changed', target: 'draw' },
  'POST /v1/draws/:drawId/play': integration('draw.played', 'draw'),
  // checkout
  'PUT /v1/checkout/settings': { action: 'checkout.settings_replaced', target: 'checkout_settings' },
  'POST /v1/checkout/quote': { action: 'checkout.quoted', target: 'checkout', readOnly: true },
  'POST /v1/checkout/authorizations': integration('checkout.authorized', 'checkout_payment', {
    viaCommand: true,
  }),
  'POST /v1/checkout/payments/:orderId/capture': integration('checkout.captured', 'checkout_payment', {
    viaCommand: true,
  }),
  'POST /v1/checkout/payments/:orderId/void': integration('checkout.voided', 'checkout_payment', {
    viaCommand: true,
  }),
  'POST /v1/checkout/payments/:orderId/refunds': integration('checkout.refunded', 'checkout_payment', {
    viaCommand: true,
  }),
  // webhooks and notifications
  'POST /v1/webhooks': { action: 'webhook.created', target: 'webhook' },
  'PATCH /v1/webhooks/:endpointId': { action: 'webhook.changed', target: 'webhook' },
  'DELETE /v1/webhooks/:endpointId': { action: 'webhook.deleted', target: 'webhook' },
  'POST /v1/webhooks/:endpointId/rotate-secret': { action: 'webhook.secret_rotated', target: 'webhook' },
  'POST /v1/webhooks/:endpointId/replay': { action: 'webhook.replayed', target: 'webhook' },
  'POST /v1/webhook-deliveries/:deliveryId/replay': {
    action: 'webhook.delivery_replayed',
    target: 'webhook_delivery',
  },
  'PATCH /v1/notification-settings': {
    action: 'notification.settings_changed',
    target: 'notification_settings',
  },
  'PUT /v1/notification-templates/:type/:channel/:language': {
    action: 'notification.template_replaced',
    target: 'notification_template',
  },
  'DELETE /v1/notification-templates/:type/:channel/:language': {
    action: 'notification.template_deleted',
    target: 'notification_template',
  },
  'POST /v1/notification-templates/preview': {
    action: 'notification.template_previewed',
    target: 'notification_template',
    readOnly: true,
  },
  // the audit log itself: an export of it is recorded
  'GET /v1/audit/export.csv': { action: 'audit.exported', target: 'audit_log' },
  // the whole journal of a range leaves the program: recorded, with the range and the format
  'GET /v1/finance/journal': {
    action: 'finance.journal_exported',
    target: 'journal',
    summary: (request) => {
      const query = request.query as { from?: string; to?: string; format?: JournalFormat };
      return {
        from: query.from,
        to: query.to,
        format: journalFormatOf(query.format, request.headers.accept),
      };
    },
  },
  'POST /v1/members/:memberId/erasure': {
    action: 'member.erased',
    target: 'member',
    // With forgetMemberId the member is named by its pseudonym: the old id may be a phone number.
    targetId: (request, answer) =>
      (answer as { memberId?: string } | undefined)?.memberId ??
      (request.params as { memberId: string }).memberId,
    summary: (_request, answer) => ({
      memberIdForgotten: (answer as { memberIdForgotten?: boolean } | undefined)?.memberIdForgotten ?? false,
    }),
  },
  'GET /v1/members/:memberId/personal-data': {
    action: 'member.personal_data_exported',
    target: 'member',
    summary: (_request, answer) => {
      const exported = answer as Record<string, unknown[]> | null;
      const count = (part: string) => (Array.isArray(exported?.[part]) ? exported[part].length : 0);
      return { entries: count('entries'), redemptions: count('redemptions'), events: count('events') };
    },
  },
};
