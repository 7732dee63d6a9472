import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { auditRecords, reason } from './audit-kit.ts';

describe.each(ENGINES)('what the audit log records (%s)', (engine) => {
  let api: TestApi;
  let service: Record<string, string>;
  let serviceId: string;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    await api.call('PUT', '/v1/members/m-1', {});
    const member = await addStaffMember(api, { role: 'customer_service' });
    serviceId = member.id;
    service = { ...(await tokenHeaders(api, member.loginUsed)), 'user-agent': 'console-test/1.0' };
  });
  afterAll(async () => api?.close());

  test("a staff member's adjustment is recorded with its actor, role, target, outcome and summary", async () => {
    const reply = await send(
      api,
      'POST',
      '/v1/members/m-1/adjustments',
      { points: 30, reason, operator: 'li' },
      { ...service, 'x-request-id': 'req-adjust-1' },
    );
    expect(reply.status).toBe(201);
    const [record] = await auditRecords(api, '&action=ledger.adjust');
    expect(record).toMatchObject({
      actor: { kind: 'staff', id: serviceId, role: 'customer_service' },
      action: 'ledger.adjust',
      target: { type: 'member', id: 'm-1' },
      requestId: 'req-adjust-1',
      outcome: 201,
      summary: { points: 30, entryIds: [reply.body.entries[0].id] },
    });
    expect(record.personal).toMatchObject({ userAgent: 'console-test/1.0', request: { points: 30 } });
    expect(record.id).toMatch(/^aud_/);
    expect(record.recordHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('an adjustment and its record are one write: when the record cannot be written, nothing changes', async () => {
    await api.call('PUT', '/v1/members/m-atomic', {});
    const balance = async () =>
      (await api.call('GET', '/v1/members/m-atomic')).body.balances.available as number;
    const before = await balance();
    await api.db.exec(
      `alter table audit_records add constraint refuse_test_adjust check (target_id is distinct from 'm-atomic') not valid`,
    );
    try {
      const refused = await send(
        api,
        'POST',
        '/v1/members/m-atomic/adjustments',
        { points: 25, reason, operator: 'li' },
        service,
      );
      expect(refused.status).toBe(500);
      expect(await balance()).toBe(before);
      const entries = await api.call('GET', '/v1/members/m-atomic/entries');
      expect(entries.body.data).toHaveLength(0);
    } finally {
      await api.db.exec('alter table audit_records drop constraint refuse_test_adjust');
    }
    const accepted = await send(
      api,
      'POST',
      '/v1/members/m-atomic/adjustments',
      { points: 25, reason, operator: 'li' },
      service,
    );
    expect(accepted.status).toBe(201);
    expect(await balance()).toBe(before + 25);
  });

  test('the personal part is stored only as ciphertext', async () => {
    const rows = await api.db.query<{ personal: Buffer; summary: unknown }>(
      `select personal, summary from audit_records where action = 'ledger.adjust'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(Buffer.from(row.personal).toString('latin1')).not.toContain('console-test');
      expect(JSON.stringify(row.summary)).not.toContain('console-test');
    }
  });

  test('administrative API-key actions are recorded; integration traffic of keys is not', async () => {
    const rule = await api.call('POST', '/v1/rules', {
      name: 'Spend',
      definition: { on: 'order.paid', award: { kind: 'per_amount', per: { amountMinor: 100 }, points: 1 } },
    });
    const before = (await auditRecords(api)).length;
    const credit = await api.call('POST', '/v1/members/m-1/credits', { points: 10, reason });
    expect(credit.status).toBe(201);
    const debit = await api.call('POST', '/v1/members/m-1/debits', { points: 1, reason });
    expect(debit.status).toBe(201);
    const event = { type: 'order.paid', memberId: 'm-1', occurredAt: '2026-03-01T01:30:00Z' };
    const sent = await api.call('POST', '/v1/events', {
      ...event,
      id: 'evt-key-1',
      attributes: { orderId: 'o-1', amountMinor: 100 },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect((await auditRecords(api)).length).toBe(before);
    // The same event sent by a staff session is recorded.
    const admin = await addStaffMember(api, { role: 'admin' });
    const staffEvent = await send(
      api,
      'POST',
      '/v1/events',
      { ...event, id: 'evt-staff-1', attributes: { orderId: 'o-2', amountMinor: 100 } },
      await tokenHeaders(api, admin.loginUsed),
    );
    expect(staffEvent.status, JSON.stringify(staffEvent.body)).toBe(201);
    const [recorded] = await auditRecords(api, '&action=event.sent');
    expect(recorded).toMatchObject({
      actor: { kind: 'staff', id: admin.id },
      target: { type: 'event', id: 'evt-staff-1' },
    });
    const keyed = await auditRecords(api, '&actorKind=api_key');
    expect(keyed.map((record) => record.action)).toContain('member.upserted');
    if (rule.status === 201) expect(keyed.map((record) => record.action)).toContain('rule.created');
  });

  test("the same integration operation by a staff member is recorded, in the credit's transaction", async () => {
    const clerk = await addStaffMember(api, { role: 'store_clerk', storeIds: ['SH-01'] });
    const headers = await tokenHeaders(api, clerk.loginUsed);
    const credit = await send(api, 'POST', '/v1/members/m-1/credits', { points: 7, reason }, headers);
    expect(credit.status).toBe(201);
    const [record] = await auditRecords(api, `&action=ledger.credit&actor=${clerk.id}`);
    expect(record).toMatchObject({
      outcome: 201,
      target: { type: 'member', id: 'm-1' },
      summary: { points: 7 },
    });
  });

  test("a staff member's refusal (403) is recorded; nothing else changes", async () => {
    const denied = await send(api, 'POST', '/v1/members/m-1/debits', { points: 1, reason }, service);
    expect(denied.status).toBe(403);
    const [record] = await auditRecords(api, `&outcome=403&actor=${serviceId}`);
    expect(record).toMatchObject({ action: 'ledger.debit', outcome: 403 });
  });

  test('a refused change by a key (4xx) records nothing', async () => {
    const before = (await auditRecords(api)).length;
    const missing = await api.call('POST', '/v1/members/nobody/adjustments', {
      points: 1,
      reason,
      operator: 'x',
    });
    expect(missing.status).toBe(404);
    expect((await auditRecords(api)).length).toBe(before);
  });

  test('permission changes: staff created, role changed, disabled, custom role edited', async () => {
    const made = await api.call('POST', '/v1/staff', {
      login: 'new.person@example.com',
      name: 'New',
      role: 'auditor',
      password: 'long enough password',
    });
    expect(made.status).toBe(201);
    expect((await api.call('PATCH', `/v1/staff/${made.body.id}`, { role: 'finance' })).status).toBe(200);
    expect((await api.call('PATCH', `/v1/staff/${made.body.id}`, { status: 'disabled' })).status).toBe(200);
    const role = await api.call('POST', '/v1/roles', { name: 'night', permissions: ['members:read'] });
    expect(role.status).toBe(201);
    const actions = (await auditRecords(api, `&targetId=${made.body.id}`)).map((record) => record.action);
    expect(actions).toEqual(['staff.disabled', 'staff.role_changed', 'staff.created']);
    const [changed] = await auditRecords(api, '&action=staff.role_changed');
    expect(changed.summary).toMatchObject({ role: 'finance' });
    expect(JSON.stringify(changed.summary)).not.toContain('new.person');
    expect((await auditRecords(api, '&action=role.created'))[0].target).toEqual({
      type: 'role',
      id: role.body.id,
    });
  });
});
