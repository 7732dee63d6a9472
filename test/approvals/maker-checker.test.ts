import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APPROVABLE_ACTIONS } from '../../src/approvals/approvable-actions.ts';
import { ApprovalActionName } from '../../src/approvals/approval-api-schemas.ts';
import { auditRecords } from '../audit/audit-kit.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const reason = { 'zh-CN': '补偿', en: 'Goodwill' };
type Headers = Record<string, string>;

describe.each(ENGINES)('maker–checker (%s)', (engine) => {
  let api: TestApi;
  let service: Headers; // customer service: the maker
  let serviceId: string;
  let finance: Headers; // a checker
  let financeId: string;
  let admin: Headers; // another checker
  let clerk: Headers;
  const logins: Record<'service' | 'finance' | 'admin' | 'clerk', string> = {
    service: '',
    finance: '',
    admin: '',
    clerk: '',
  };
  let member = 0;

  /** Sessions last 12 hours: after the clock jumps a day, everyone signs in again. */
  async function signInAll() {
    service = await tokenHeaders(api, logins.service);
    finance = await tokenHeaders(api, logins.finance);
    admin = await tokenHeaders(api, logins.admin);
    clerk = await tokenHeaders(api, logins.clerk);
  }

  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    const cs = await addStaffMember(api, { role: 'customer_service' });
    serviceId = cs.id;
    logins.service = cs.loginUsed;
    const fi = await addStaffMember(api, { role: 'finance' });
    financeId = fi.id;
    logins.finance = fi.loginUsed;
    logins.admin = (await addStaffMember(api, { role: 'admin' })).loginUsed;
    logins.clerk = (await addStaffMember(api, { role: 'store_clerk', storeIds: ['SH-01'] })).loginUsed;
    await signInAll();
  });
  afterAll(async () => api?.close());

  /** A fresh member with `points` available. */
  async function newMember(points = 0): Promise<string> {
    member += 1;
    const id = `mc-${member}`;
    expect((await api.call('PUT', `/v1/members/${id}`, {})).status).toBeLessThan(300);
    if (points > 0) {
      expect((await api.call('POST', `/v1/members/${id}/credits`, { points, reason })).status).toBe(201);
    }
    return id;
  }
  const newMemberWithId = async (id: string) =>
    expect((await api.call('PUT', `/v1/members/${id}`, {})).status).toBeLessThan(300);
  /** An adjustment sent with a staff member's session (the maker). */
  const adjustAs = (headers: Headers, id: string, points: number, operator = 'cs') =>
    send(api, 'POST', `/v1/members/${id}/adjustments`, { points, reason, operator }, headers);
  const available = async (id: string) =>
    (await api.call('GET', `/v1/members/${id}`)).body.balances.available as number;
  const setPolicy = async (policy: Record<string, unknown>) => {
    const reply = await api.call('PUT', '/v1/approval-policy', policy);
    expect(reply.status).toBe(200);
    return reply.body;
  };

  test('the schema lists every approvable action', () => {
    expect(ApprovalActionName.anyOf.map((item: { const: string }) => item.const).sort()).toEqual(
      [...APPROVABLE_ACTIONS].sort(),
    );
  });

  test('without a policy nothing waits: staff act as their role allows', async () => {
    expect((await api.call('GET', '/v1/approval-policy')).body).toMatchObject({
      pointsAbove: null,
      bulk: false,
      tierAssignments: false,
      updatedAt: null,
    });
    const id = await newMember();
    const reply = await adjustAs(service, id, 50_000, 'cs');
    expect(reply.status).toBe(201);
    expect(await available(id)).toBe(50_000);
  });

  describe('with a threshold of 1,000 points', () => {
    beforeAll(async () => {
      await setPolicy({ pointsAbove: 1000, bulk: true, tierAssignments: true, expiresAfterHours: 24 });
    });

    test('at or under the threshold an adjustment runs at once', async () => {
      const id = await newMember();
      const reply = await adjustAs(service, id, 1000, 'cs');
      expect(reply.status).toBe(201);
      expect(await available(id)).toBe(1000);
    });

    test('above it the request waits (202), the ledger is untouched, and the checkers are told', async () => {
      const id = await newMember();
      const reply = await adjustAs(service, id, 5000, 'cs');
      expect(reply.status).toBe(202);
      expect(reply.body).toMatchObject({
        action: 'adjustment',
        status: 'pending',
        points: 5000,
        memberId: id,
        maker: { kind: 'staff', id: serviceId },
        checker: null,
        result: null,
      });
      expect(reply.body.summary).toContain('+5,000');
      expect(await available(id)).toBe(0);
      const notices = await send(api, 'GET', '/v1/auth/notices?unread=true', undefined, finance);
      expect(notices.body.data.map((notice: { approvalId: string }) => notice.approvalId)).toContain(
        reply.body.id,
      );
      const mine = await send(api, 'GET', '/v1/auth/notices', undefined, service);
      expect(
        mine.body.data.some((notice: { approvalId: string }) => notice.approvalId === reply.body.id),
      ).toBe(false);
    });

    test('a checker approves: it executes once, as the maker, through the approval', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 5000, 'cs');
      const approved = await send(
        api,
        'POST',
        `/v1/approvals/${asked.body.id}/approve`,
        { comment: 'Checked' },
        finance,
      );
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        status: 'approved',
        checker: { kind: 'staff', id: financeId },
        comment: 'Checked',
        result: { status: 201 },
      });
      expect(await available(id)).toBe(5000);
      const entryId = approved.body.result.body.entries[0].id;
      const entry = (await api.call('GET', `/v1/entries/${entryId}`)).body;
      expect(entry.source).toMatchObject({ kind: 'operator', staffId: serviceId, approvalId: asked.body.id });
      expect(entry.operator).toBe('cs');
      // Never twice.
      const again = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, admin);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('approval_not_pending');
      expect(await available(id)).toBe(5000);
      // The maker hears of it.
      const mine = await send(api, 'GET', '/v1/auth/notices', undefined, service);
      expect(mine.body.data[0]).toMatchObject({ kind: 'approval_decided', approvalId: asked.body.id });
    });

    test('the maker cannot approve their own request, even holding the approve permission', async () => {
      const role = await api.call('POST', '/v1/roles', {
        name: 'supervisor',
        permissions: ['members:read', 'ledger:adjust', 'approvals:read', 'approvals:decide'],
      });
      expect(role.status).toBe(201);
      const both = await addStaffMember(api, { role: role.body.id });
      const headers = await tokenHeaders(api, both.loginUsed);
      const id = await newMember();
      const asked = await adjustAs(headers, id, 2000, 'sv');
      expect(asked.status).toBe(202);
      const own = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, headers);
      expect(own.status).toBe(403);
      expect(own.body.code).toBe('approval_own_request');
      expect(await available(id)).toBe(0);
      expect((await send(api, 'GET', `/v1/approvals/${asked.body.id}`, undefined, finance)).body.status).toBe(
        'pending',
      );
    });

    test('a member whose id changes while the request waits still gets it; the old id does not', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 6000);
      expect(
        (await api.call('POST', `/v1/members/${id}/change-id`, { newMemberId: `${id}-card` })).status,
      ).toBe(200);
      await newMemberWithId(id);
      const shown = await send(api, 'GET', `/v1/approvals/${asked.body.id}`, undefined, finance);
      expect(shown.body.memberId).toBe(`${id}-card`);
      const listed = await send(api, 'GET', `/v1/approvals?memberId=${id}-card`, undefined, finance);
      expect(listed.body.data.map((item: { id: string }) => item.id)).toEqual([asked.body.id]);
      const approved = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance);
      expect(approved.body.status).toBe('approved');
      expect(await available(`${id}-card`)).toBe(6000);
      expect(await available(id)).toBe(0);
    });

    test('a request about a member the program does not have is refused at once', async () => {
      const reply = await adjustAs(service, 'nobody-here', 6000);
      expect(reply.status).toBe(404);
      expect(reply.body.code).toBe('member_not_found');
    });

    test('a rejection needs a comment, executes nothing, and ends the request', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 3000, 'cs');
      const bare = await send(api, 'POST', `/v1/approvals/${asked.body.id}/reject`, {}, finance);
      expect(bare.status).toBe(400);
      expect(bare.body.code).toBe('validation_failed');
      const rejected = await send(
        api,
        'POST',
        `/v1/approvals/${asked.body.id}/reject`,
        { comment: 'No ticket' },
        finance,
      );
      expect(rejected.status).toBe(200);
      expect(rejected.body).toMatchObject({ status: 'rejected', comment: 'No ticket', result: null });
      const late = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, admin);
      expect(late.body.code).toBe('approval_not_pending');
      expect(await available(id)).toBe(0);
    });

    test('an approved request that no longer fits fails with the problem, and nothing changes', async () => {
      const id = await newMember(100);
      const asked = await adjustAs(service, id, -5000, 'cs');
      expect(asked.status).toBe(202);
      await api.call('POST', `/v1/members/${id}/debits`, { points: 100, reason });
      await api.call('PATCH', `/v1/members/${id}`, { status: 'frozen' });
      const debit = await send(api, 'POST', `/v1/members/${id}/debits`, { points: 2000, reason }, admin);
      expect(debit.status).toBe(202);
      const approved = await send(api, 'POST', `/v1/approvals/${debit.body.id}/approve`, {}, finance);
      expect(approved.status).toBe(200);
      expect(approved.body.status).toBe('failed');
      expect(approved.body.result.status).toBeGreaterThanOrEqual(400);
      expect(typeof approved.body.result.body.code).toBe('string');
      expect(await available(id)).toBe(0);
    });

    test('a request expires undecided', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 4000, 'cs');
      api.clock.advance(25 * 3_600_000);
      await signInAll();
      const read = await send(api, 'GET', `/v1/approvals/${asked.body.id}`, undefined, finance);
      expect(read.body.status).toBe('expired');
      const expired = await send(api, 'GET', '/v1/approvals?status=expired', undefined, finance);
      expect(expired.body.data.map((item: { id: string }) => item.id)).toContain(asked.body.id);
      const pending = await send(api, 'GET', '/v1/approvals?status=pending', undefined, finance);
      expect(pending.body.data.map((item: { id: string }) => item.id)).not.toContain(asked.body.id);
      const late = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('approval_expired');
      expect(await available(id)).toBe(0);
    });

    test('the same request again under its Idempotency-Key answers the same approval', async () => {
      const id = await newMember();
      const headers = { ...service, 'idempotency-key': `ask-${id}` };
      const body = { points: 7000, reason, operator: 'cs' };
      const first = await send(api, 'POST', `/v1/members/${id}/adjustments`, body, headers);
      const second = await send(api, 'POST', `/v1/members/${id}/adjustments`, body, headers);
      expect(second.status).toBe(202);
      expect(second.body.id).toBe(first.body.id);
      expect(second.headers['idempotent-replayed']).toBe('true');
      const list = await send(api, 'GET', `/v1/approvals?memberId=${id}`, undefined, finance);
      expect(list.body.data).toHaveLength(1);
    });

    test('only the maker cancels; a cancelled request cannot be approved', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 4000, 'cs');
      const other = await send(api, 'POST', `/v1/approvals/${asked.body.id}/cancel`, undefined, finance);
      expect(other.status).toBe(403);
      expect(other.body.code).toBe('approval_not_maker');
      const cancelled = await send(api, 'POST', `/v1/approvals/${asked.body.id}/cancel`, undefined, service);
      expect(cancelled.body.status).toBe('cancelled');
      const late = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance);
      expect(late.body.code).toBe('approval_not_pending');
    });

    test('a maker disabled before approval: the request fails, nothing executes', async () => {
      const temp = await addStaffMember(api, { role: 'customer_service' });
      const headers = await tokenHeaders(api, temp.loginUsed);
      const id = await newMember();
      const asked = await adjustAs(headers, id, 4000, 't');
      expect((await api.call('PATCH', `/v1/staff/${temp.id}`, { status: 'disabled' })).status).toBe(200);
      const approved = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance);
      expect(approved.body.status).toBe('failed');
      expect(approved.body.result.body.code).toBe('approval_maker_not_allowed');
      expect(await available(id)).toBe(0);
    });

    test("a store clerk's large credit waits, and executes at the clerk's store", async () => {
      const id = await newMember();
      const asked = await send(api, 'POST', `/v1/members/${id}/credits`, { points: 3000, reason }, clerk);
      expect(asked.status).toBe(202);
      expect(asked.body.maker.store).toBe('SH-01');
      const approved = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance);
      const entry = approved.body.result.body.entries[0];
      expect(entry.source).toMatchObject({ kind: 'api', store: 'SH-01', approvalId: asked.body.id });
      expect(await available(id)).toBe(3000);
    });

    test("a reversal is measured by its entry's points", async () => {
      const small = await newMember(500);
      const large = await newMember(5000);
      const smallEntry = (await api.call('GET', `/v1/members/${small}/entries`)).body.data[0].id;
      const largeEntry = (await api.call('GET', `/v1/members/${large}/entries`)).body.data[0].id;
      const admins = admin;
      expect((await send(api, 'POST', `/v1/entries/${smallEntry}/reversal`, {}, admins)).status).toBe(201);
      const held = await send(api, 'POST', `/v1/entries/${largeEntry}/reversal`, {}, admins);
      expect(held.status).toBe(202);
      expect(held.body).toMatchObject({
        action: 'reversal',
        points: 5000,
        memberId: large,
        target: largeEntry,
      });
      const missing = await send(api, 'POST', '/v1/entries/ent_nope/reversal', {}, admins);
      expect(missing.status).toBe(404);
    });

    test('tier assignments and bulk credits wait when the policy holds them', async () => {
      const id = await newMember();
      const tier = await send(
        api,
        'PUT',
        `/v1/members/${id}/tier`,
        { tier: 'gold', until: '2027-01-01T00:00:00Z', reason: 'VIP' },
        admin,
      );
      expect(tier.status).toBe(202);
      expect(tier.body.action).toBe('tier_assignment');
      const items = [1, 2].map((n) => ({ idempotencyKey: `b-${id}-${n}`, memberId: id, points: 10, reason }));
      const batch = await send(api, 'POST', '/v1/credits/batch', { items }, admin);
      expect(batch.status).toBe(202);
      expect(batch.body).toMatchObject({ action: 'credit_batch', points: 20 });
      expect(await available(id)).toBe(0);
      const approved = await send(api, 'POST', `/v1/approvals/${batch.body.id}/approve`, {}, finance);
      expect(approved.body.status).toBe('approved');
      expect(approved.body.result.body.results.map((item: { status: number }) => item.status)).toEqual([
        201, 201,
      ]);
      expect(await available(id)).toBe(20);
    });

    test('API keys are not held by default; a key given the threshold is, and is never its own checker', async () => {
      const id = await newMember();
      const open = await api.call('POST', `/v1/members/${id}/adjustments`, {
        points: 9000,
        reason,
        operator: 'k',
      });
      expect(open.status).toBe(201);
      const created = await api.call('POST', '/v1/api-keys', {
        name: 'gated',
        scopes: ['ledger:write', 'ledger:read', 'approvals:decide'],
        requiresApproval: true,
      });
      expect(created.body.key.requiresApproval).toBe(true);
      const gated = { authorization: `Bearer ${created.body.secret}` };
      const asked = await adjustAs(gated, id, 9000, 'k');
      expect(asked.status).toBe(202);
      expect(asked.body.maker.kind).toBe('api_key');
      const own = await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, gated);
      expect(own.body.code).toBe('approval_own_request');
      expect(
        (await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance)).body.status,
      ).toBe('approved');
      expect(await available(id)).toBe(18_000);
    });

    test('the request, the refused self-approval and the decision are in the audit log', async () => {
      const id = await newMember();
      const asked = await adjustAs(service, id, 2500);
      expect((await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, service)).status).toBe(
        403,
      );
      expect((await send(api, 'POST', `/v1/approvals/${asked.body.id}/approve`, {}, finance)).status).toBe(
        200,
      );
      const records = (await auditRecords(api, `&targetId=${asked.body.id}`)).concat(
        await auditRecords(api, `&targetId=${id}&action=ledger.adjust`),
      );
      const held = records.find((record) => record.action === 'ledger.adjust');
      expect(held).toMatchObject({
        actor: { kind: 'staff', id: serviceId },
        outcome: 202,
        summary: { points: 2500, approvalId: asked.body.id, approvalStatus: 'pending' },
      });
      const refused = records.find(
        (record) => record.action === 'approval.approved' && record.outcome === 403,
      );
      expect(refused).toMatchObject({ actor: { id: serviceId } });
      const approved = records.find(
        (record) => record.action === 'approval.approved' && record.outcome === 200,
      );
      expect(approved).toMatchObject({
        actor: { kind: 'staff', id: financeId },
        target: { type: 'approval', id: asked.body.id },
        summary: { approvalStatus: 'approved', resultStatus: 201 },
      });
    });

    test('bad input: a bad policy, filter or id answers a clear problem', async () => {
      const negative = await api.call('PUT', '/v1/approval-policy', {
        pointsAbove: -1,
        bulk: false,
        tierAssignments: false,
      });
      expect(negative.status).toBe(400);
      const missing = await api.call('PUT', '/v1/approval-policy', { pointsAbove: 10 });
      expect(missing.status).toBe(400);
      const filter = await send(api, 'GET', '/v1/approvals?status=maybe', undefined, finance);
      expect(filter.status).toBe(400);
      const unknown = await send(api, 'POST', '/v1/approvals/apr_nope/approve', {}, finance);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('approval_not_found');
      const clerkReads = await send(api, 'GET', '/v1/approvals', undefined, clerk);
      expect(clerkReads.body.code).toBe('permission_denied');
    });

    test('notices: unread count and marking read', async () => {
      const before = (await send(api, 'GET', '/v1/auth/notices/unread-count', undefined, finance)).body
        .unread;
      expect(before).toBeGreaterThan(0);
      const marked = await send(api, 'POST', '/v1/auth/notices/read', {}, finance);
      expect(marked.body.marked).toBe(before);
      expect((await send(api, 'GET', '/v1/auth/notices/unread-count', undefined, finance)).body.unread).toBe(
        0,
      );
    });
  });
});
