import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, send, tokenHeaders } from './staff-support.ts';

/**
 * Every built-in role against every operation of the OpenAPI document, checked against the table
 * below: written by hand from what each job needs (issue 16), NOT derived from
 * src/staff/permissions.ts, so a slip in the code's matrix shows here as a disagreement.
 * Allowed: the answer is not 403 (it may be 400 or 404: the requests carry placeholder ids and
 * empty bodies, and authorisation runs before validation). Denied: 403 with a stable code.
 */

const ROLES = [
  'owner',
  'admin',
  'operator',
  'customer_service',
  'finance',
  'auditor',
  'store_clerk',
] as const;
type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const O: Role = 'owner';
const A: Role = 'admin';
const OP: Role = 'operator';
const CS: Role = 'customer_service';
const FI: Role = 'finance';
const AU: Role = 'auditor';
const SC: Role = 'store_clerk';

const MANAGERS = [O, A];
const READERS_OF_OPERATIONS = [O, A, OP, CS, FI, AU];

/** operationId → the roles that may call it; `public`: no sign-in; `admin`: the deployment's admin key only. */
const EXPECTED: Record<string, readonly Role[] | 'public' | 'admin'> = {
  // operations endpoints and sign-in
  getHealth: 'public',
  getReadiness: 'public',
  login: 'public',
  // the session itself: everyone signed in
  getSession: ALL,
  refreshSession: ALL,
  switchProgram: ALL,
  logout: ALL,
  changePassword: ALL,
  enrolTotp: ALL,
  confirmTotp: ALL,
  disableTotp: ALL,
  // looking up members: everyone, the clerk at the till too
  listMembers: ALL,
  getMember: ALL,
  getMemberTier: ALL,
  listMemberTierHistory: ALL,
  listMemberInbox: ALL,
  getMemberInboxUnreadCount: ALL,
  getMemberNotificationPreferences: ALL,
  getMemberExpiryCalendar: ALL,
  // the program's own settings, read
  getCurrentProgram: ALL,
  getTierConfig: ALL,
  getNotificationSettings: ALL,
  listNotificationTemplates: ALL,
  listNotificationTemplateVariables: ALL,
  previewNotificationTemplate: ALL,
  getExpiryCalendar: ALL,
  // changing members: customer service
  upsertMember: [O, A, CS],
  changeMemberId: [O, A, CS],
  markInboxMessageRead: [O, A, CS],
  markMemberInboxRead: [O, A, CS],
  replaceMemberNotificationPreferences: [O, A, CS],
  assignMemberTier: [O, A, OP],
  // the ledger in detail: not the clerk
  listMemberLots: READERS_OF_OPERATIONS,
  listMemberEntries: READERS_OF_OPERATIONS,
  getEntry: READERS_OF_OPERATIONS,
  getHold: READERS_OF_OPERATIONS,
  getCheckoutSettings: READERS_OF_OPERATIONS,
  quoteCheckout: READERS_OF_OPERATIONS,
  getCheckoutPayment: READERS_OF_OPERATIONS,
  // points in and out
  createCredit: [O, A, SC],
  createCreditBatch: MANAGERS,
  createDebit: MANAGERS,
  createAdjustment: [O, A, CS],
  reverseEntry: MANAGERS,
  createTransfer: MANAGERS,
  createHold: MANAGERS,
  captureHold: MANAGERS,
  voidHold: MANAGERS,
  retainMemberTier: MANAGERS,
  createCheckoutAuthorization: MANAGERS,
  captureCheckoutPayment: MANAGERS,
  voidCheckoutPayment: MANAGERS,
  refundCheckoutPayment: MANAGERS,
  replaceCheckoutSettings: MANAGERS,
  // rules and campaigns: operators
  listRules: [O, A, OP, FI, AU],
  getRule: [O, A, OP, FI, AU],
  previewRules: [O, A, OP, FI, AU],
  backTestRules: [O, A, OP, FI, AU],
  createRule: [O, A, OP],
  // segments: operators define them; those who look after members and finance read them
  listSegments: [O, A, OP, CS, FI, AU],
  listSegmentFields: [O, A, OP, CS, FI, AU],
  getSegment: [O, A, OP, CS, FI, AU],
  listSegmentMembers: [O, A, OP, CS, FI, AU],
  exportSegmentMembers: [O, A, OP, CS, FI, AU],
  listSegmentSizes: [O, A, OP, CS, FI, AU],
  getMemberSegments: [O, A, OP, CS, FI, AU],
  getSegmentSettings: [O, A, OP, CS, FI, AU],
  previewSegment: [O, A, OP],
  createSegment: [O, A, OP],
  updateSegment: [O, A, OP],
  archiveSegment: [O, A, OP],
  recomputeSegments: [O, A, OP],
  replaceSegmentSettings: [O, A, OP],
  replaceRuleDraft: [O, A, OP],
  publishRule: [O, A, OP],
  retireRule: [O, A, OP],
  // events: integrations send them; people read them
  getEvent: READERS_OF_OPERATIONS,
  listMemberEvents: READERS_OF_OPERATIONS,
  createEvent: MANAGERS,
  createEventBatch: MANAGERS,
  // imports
  listImports: [O, A, FI, AU],
  getImport: [O, A, FI, AU],
  createImport: MANAGERS,
  commitImport: MANAGERS,
  undoImport: MANAGERS,
  replaceTierConfig: MANAGERS,
  // the catalogue: everyone sees it, operators edit it
  listRewards: ALL,
  getReward: ALL,
  getCouponCodeSummary: ALL,
  getCouponCode: ALL,
  listDraws: ALL,
  getDraw: ALL,
  createReward: [O, A, OP],
  updateReward: [O, A, OP],
  addCouponCodes: [O, A, OP],
  createDraw: [O, A, OP],
  updateDraw: [O, A, OP],
  // redemptions: the clerk redeems, customer service cancels
  createRedemption: [O, A, SC],
  payRedemption: [O, A, SC],
  useCouponCode: [O, A, SC],
  shipRedemption: MANAGERS,
  deliverRedemption: MANAGERS,
  cancelRedemption: [O, A, CS],
  playDraw: MANAGERS,
  listRedemptions: READERS_OF_OPERATIONS,
  getRedemption: READERS_OF_OPERATIONS,
  listMemberRedemptions: READERS_OF_OPERATIONS,
  listDrawPlays: READERS_OF_OPERATIONS,
  // webhooks and settings
  listWebhooks: [O, A, FI, AU],
  getWebhook: [O, A, FI, AU],
  listWebhookDeliveries: [O, A, FI, AU],
  getWebhookDelivery: [O, A, FI, AU],
  createWebhook: MANAGERS,
  updateWebhook: MANAGERS,
  rotateWebhookSecret: MANAGERS,
  deleteWebhook: MANAGERS,
  replayWebhookDelivery: MANAGERS,
  replayWebhookMessages: MANAGERS,
  updateCurrentProgram: MANAGERS,
  updateNotificationSettings: MANAGERS,
  replaceNotificationTemplate: MANAGERS,
  deleteNotificationTemplate: MANAGERS,
  // keys and staff: owners manage, admins and auditors read
  listApiKeys: [O, A, AU],
  createApiKey: [O],
  revokeApiKey: [O],
  listStaff: [O, A, AU],
  getStaff: [O, A, AU],
  listRoles: [O, A, AU],
  getRole: [O, A, AU],
  createStaff: [O],
  updateStaff: [O],
  resetStaffPassword: [O],
  createRole: [O],
  updateRole: [O],
  deleteRole: [O],
  // maker–checker: the policy is the program's setting; deciding is for owners, admins and finance
  getApprovalPolicy: ALL,
  setApprovalPolicy: MANAGERS,
  listApprovals: READERS_OF_OPERATIONS,
  getApproval: READERS_OF_OPERATIONS,
  approveApproval: [O, A, FI],
  rejectApproval: [O, A, FI],
  // the maker withdraws their own request; everyone may have made one
  cancelApproval: ALL,
  // a staff member's own notices
  listStaffNotices: ALL,
  getStaffNoticesUnreadCount: ALL,
  markStaffNoticesRead: ALL,
  // the audit log: read, exported and verified by owners, admins, finance and auditors
  listAuditRecords: [O, A, FI, AU],
  exportAuditRecords: [O, A, FI, AU],
  verifyAuditLog: [O, A, FI, AU],
  // finance reports: the journal export, its totals, the trial balance
  exportJournal: [O, A, FI, AU],
  getJournalTotals: [O, A, FI, AU],
  getTrialBalance: [O, A, FI, AU],
  exportMemberPersonalData: [O, A],
  eraseMemberPersonalData: [O, A],
  // the deployment's programs: the admin key only
  createProgram: 'admin',
  listPrograms: 'admin',
  getProgram: 'admin',
  archiveProgram: 'admin',
  createProgramKey: 'admin',
};

interface Operation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
}

/** Session routes that replace or end the session run last, in this order. */
const LAST = ['refreshSession', 'switchProgram', 'logout'];

describe.each(ENGINES)('every role against every route (%s)', (engine) => {
  let api: TestApi;
  let operations: Operation[];
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        operationId: operation.operationId,
        method: method.toUpperCase() as Operation['method'],
        path,
      })),
    );
    operations.sort((a, b) => LAST.indexOf(a.operationId) - LAST.indexOf(b.operationId));
  });
  afterAll(async () => api?.close());

  test('the hand-written table covers exactly the documented operations', () => {
    const documented = operations.map((operation) => operation.operationId).sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(documented);
  });

  test.each(ROLES)('%s', async (role) => {
    const member = await addStaffMember(api, {
      role,
      ...(role === 'store_clerk' ? { storeIds: ['SH-01'] } : {}),
    });
    let headers = await tokenHeaders(api, member.loginUsed);
    const mismatches: string[] = [];
    let checked = 0;
    for (const { operationId, method, path } of operations) {
      const expected = EXPECTED[operationId]!;
      if (expected === 'public') continue;
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) => `x-${name}`);
      const body =
        method === 'GET' || method === 'DELETE'
          ? undefined
          : operationId === 'switchProgram'
            ? { programId: api.programId }
            : {};
      const reply = await send(api, method, url, body, headers);
      checked += 1;
      if (expected === 'admin') {
        if (reply.status !== 403 || reply.body.code !== 'admin_key_required') {
          mismatches.push(
            `${operationId}: expected 403 admin_key_required, got ${reply.status} ${reply.body.code}`,
          );
        }
      } else if (expected.includes(role)) {
        if (reply.status === 403 && reply.body.code === 'permission_denied') {
          mismatches.push(`${operationId}: expected allowed, got 403 (${reply.body.requiredPermission})`);
        } else if (reply.status === 401) {
          mismatches.push(`${operationId}: the session stopped working: ${reply.body.code}`);
        }
      } else if (
        reply.status !== 403 ||
        reply.body.code !== 'permission_denied' ||
        !reply.body.requiredPermission
      ) {
        mismatches.push(
          `${operationId}: expected 403 permission_denied, got ${reply.status} ${reply.body.code}`,
        );
      }
      if ((operationId === 'refreshSession' || operationId === 'switchProgram') && reply.status === 201) {
        headers = { authorization: `Bearer ${reply.body.token}` };
      }
    }
    expect(mismatches).toEqual([]);
    // 7 roles × this many routes is the matrix's size (the closing note reports it).
    expect(checked).toBe(Object.values(EXPECTED).filter((value) => value !== 'public').length);
  });
});
