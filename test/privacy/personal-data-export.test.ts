import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memberKeyOf } from '../../src/members/member-store.ts';
import { DELIVERY_BODY, RECIPIENT } from '../../src/notifications/dispatch/fan-out.ts';
import { sealText } from '../../src/vault/field-cipher.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const reason = { 'zh-CN': '测试', en: 'Test' };

/** `GET /v1/members/{id}/personal-data` (issue 17): a data subject's access request. */
describe.each(ENGINES)('exporting a member’s personal data (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    await api.call('PUT', '/v1/members/p-1', {
      name: '李雷',
      nickname: '雷雷',
      birthday: '1991-03-04',
      tags: ['vip'],
      attributes: { city: '上海' },
    });
    await api.call('PUT', '/v1/members/p-1/notification-preferences', {
      email: 'li.lei@example.com',
      phone: '13800138000',
      marketingConsent: true,
    });
    for (const points of [100, 50]) {
      const credited = await api.call('POST', '/v1/members/p-1/credits', { points, reason });
      expect(credited.status).toBe(201);
    }
    await api.call('POST', '/v1/members/p-1/debits', { points: 30, reason });
    await api.call('PUT', '/v1/members/p-2', { name: 'Someone Else' });
    await api.call('POST', '/v1/members/p-2/credits', { points: 7, reason });
  });
  afterAll(async () => api?.close());

  test('holds the profile, contacts, consent and the whole ledger, opened, and nothing of another member', async () => {
    const reply = await api.call('GET', '/v1/members/p-1/personal-data');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-disposition']).toBe('attachment; filename="personal-data-p-1.json"');
    expect(reply.headers['cache-control']).toBe('no-store');
    const exported = reply.body;
    expect(exported).toMatchObject({
      format: 'jifen.personal-data.v1',
      memberId: 'p-1',
      program: { id: api.programId },
      profile: {
        memberId: 'p-1',
        name: '李雷',
        nickname: '雷雷',
        birthday: '1991-03-04',
        tags: ['vip'],
        attributes: { city: '上海' },
        balances: { available: 120 },
      },
      notificationPreferences: { email: 'li.lei@example.com', phone: '13800138000', marketingConsent: true },
    });
    expect(exported.entries.map((entry: { points: number }) => entry.points).sort()).toEqual(
      [-30, 100, 50].sort(),
    );
    expect(exported.lots).toHaveLength(2);
    expect(exported.entries.every((entry: { memberId: string }) => entry.memberId === 'p-1')).toBe(true);
    // The audit records about the member (the owner key's profile changes) come with it.
    expect(exported.auditRecords.length).toBeGreaterThan(0);
    expect(
      exported.auditRecords.every((record: { target: { id: string } }) => record.target.id === 'p-1'),
    ).toBe(true);
    expect(JSON.stringify(exported)).not.toContain('Someone Else');
  });

  test('is recorded in the audit log, with what it held but none of it', async () => {
    await api.call('GET', '/v1/members/p-1/personal-data');
    const audit = await api.call('GET', '/v1/audit?action=member.personal_data_exported');
    const [record] = audit.body.data;
    expect(record).toMatchObject({
      action: 'member.personal_data_exported',
      target: { type: 'member', id: 'p-1' },
      outcome: 200,
      summary: { entries: 3 },
    });
    expect(JSON.stringify(record.summary)).not.toMatch(/李雷|13800138000/);
  });

  test("a reused member id does not export the previous holder's audit details; the actor's address is left out", async () => {
    await api.call('PUT', '/v1/members/reused', { name: 'First Holder' });
    api.clock.advance(1_000);
    const moved = await api.call('POST', '/v1/members/reused/change-id', { newMemberId: 'first-holder' });
    expect(moved.status).toBe(200);
    api.clock.advance(1_000);
    await api.call('PUT', '/v1/members/reused', { name: 'Second Holder' });
    const exported = (await api.call('GET', '/v1/members/reused/personal-data')).body;
    expect(exported.profile.name).toBe('Second Holder');
    expect(JSON.stringify(exported)).not.toContain('First Holder');
    expect(exported.auditRecords.length).toBeGreaterThan(0);
    for (const record of exported.auditRecords) {
      expect(record.personal).not.toHaveProperty('ip');
      expect(record.personal).not.toHaveProperty('userAgent');
    }
    expect(Array.isArray(exported.deliveries)).toBe(true);
  });

  test('the e-mails and texts sent to the member come opened, as the dispatcher stored them', async () => {
    // A text as the dispatcher writes it: every part sealed (fan-out.ts).
    const seal = (field: string, value: string) => sealText(api.db, api.programId, field, value);
    const memberKey = await memberKeyOf(api.db, api.programId, 'p-1');
    await api.db.query(
      `insert into deliveries (program_id, id, message_id, channel, member_key, recipient, subject, body, status,
                               next_attempt_at, retry_until, created_at)
       values ($1, 'dlv_export_1', 'msg_export_1', 'sms', $2, $3, null, $4, 'delivered', now(), now(), now())`,
      [
        api.programId,
        memberKey,
        await seal(RECIPIENT, '13800138000'),
        await seal(DELIVERY_BODY, '您有 120 积分'),
      ],
    );
    const exported = (await api.call('GET', '/v1/members/p-1/personal-data')).body;
    expect(exported.deliveries).toEqual([
      expect.objectContaining({
        channel: 'sms',
        recipient: '13800138000',
        subject: null,
        body: '您有 120 积分',
      }),
    ]);
  });

  test('an unknown member is a 404 with its code', async () => {
    const reply = await api.call('GET', '/v1/members/nobody/personal-data');
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('member_not_found');
  });

  test('needs its own permission: an owner or admin may, customer service and keys without the scope may not', async () => {
    const service = await addStaffMember(api, { role: 'customer_service' });
    const refused = await send(
      api,
      'GET',
      '/v1/members/p-1/personal-data',
      undefined,
      await tokenHeaders(api, service.loginUsed),
    );
    expect(refused.status).toBe(403);
    const admin = await addStaffMember(api, { role: 'admin' });
    const allowed = await send(
      api,
      'GET',
      '/v1/members/p-1/personal-data',
      undefined,
      await tokenHeaders(api, admin.loginUsed),
    );
    expect(allowed.status).toBe(200);
    const key = await api.call('POST', '/v1/api-keys', { name: 'crm', scopes: ['members:read'] });
    const byKey = await api.call('GET', '/v1/members/p-1/personal-data', undefined, {
      authorization: `Bearer ${key.body.secret}`,
    });
    expect(byKey.status).toBe(403);
  });
});
