import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addStaffMember, login, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { auditRecords, reason } from './audit-kit.ts';

describe.each(ENGINES)('the audit API (%s)', (engine) => {
  let api: TestApi;
  let auditor: Record<string, string>;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    await api.call('PUT', '/v1/members/+86-cmd', {});
    await api.call('PUT', '/v1/members/m-2', {});
    for (let index = 1; index <= 5; index++) {
      api.clock.advance(60_000);
      await api.call('POST', '/v1/members/m-2/adjustments', { points: index, reason, operator: 'ops' });
    }
    const member = await addStaffMember(api, { role: 'auditor' });
    auditor = await tokenHeaders(api, member.loginUsed);
  });
  afterAll(async () => api?.close());

  test('pages like every list: limit, nextCursor, hasMore, no repeats', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.call('GET', `/v1/audit?limit=2&action=ledger.adjust${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((record: { seq: number }) => record.seq));
      expect(page.body.hasMore).toBe(page.body.nextCursor !== null);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  test('filters: action prefix, target, outcome, time window, actor', async () => {
    const adjustments = await auditRecords(api, '&action=ledger.');
    expect(adjustments).toHaveLength(5);
    expect(await auditRecords(api, '&targetType=member&targetId=m-2&action=member.upserted')).toHaveLength(1);
    expect(await auditRecords(api, '&outcome=201&action=ledger.adjust')).toHaveLength(5);
    const times = adjustments.map((record) => record.at).sort();
    const window = await auditRecords(api, `&action=ledger.adjust&from=${times[1]}&to=${times[3]}`);
    expect(window.map((record) => record.at).sort()).toEqual([times[1], times[2]]);
    expect(await auditRecords(api, '&actor=key_nobody')).toHaveLength(0);
  });

  test('bad filters answer 400 problem+json with a stable code', async () => {
    for (const query of [
      'outcome=abc',
      'outcome=42',
      'from=yesterday',
      'action=has%20space',
      'actorKind=robot',
      'limit=0',
      'cursor=not-a-cursor',
      'unknown=1',
    ]) {
      const reply = await api.call('GET', `/v1/audit?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.headers['content-type']).toContain('application/problem+json');
      expect(reply.body.code, query).toBe('validation_failed');
    }
  });

  test('CSV export: quoted fields, formulas defused, and the export itself recorded', async () => {
    const reply = await send(api, 'GET', '/v1/audit/export.csv?action=member.upserted', undefined, auditor);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toContain('text/csv');
    const lines = (reply.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"seq","id","at","actor_kind","actor_id","role","action","target_type","target_id","request_id","outcome","summary","personal","record_hash"',
    );
    expect(lines).toHaveLength(3);
    // A member id a spreadsheet would read as a formula is defused; every field is quoted.
    expect(reply.body).toContain('"\'+86-cmd"');
    expect(lines[1]).toMatch(/^"\d+","aud_/);
    const [exported] = await auditRecords(api, '&action=audit.exported');
    expect(exported).toMatchObject({ actor: { kind: 'staff', role: 'auditor' }, outcome: 200 });
  });

  test('audit:read: the auditor reads; customer service is refused (and that refusal recorded)', async () => {
    expect((await send(api, 'GET', '/v1/audit', undefined, auditor)).status).toBe(200);
    const service = await addStaffMember(api, { role: 'customer_service' });
    const headers = await tokenHeaders(api, service.loginUsed);
    const denied = await send(api, 'GET', '/v1/audit/verify', undefined, headers);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'permission_denied', requiredPermission: 'audit:read' });
    const keyed = await api.call('POST', '/v1/api-keys', { name: 'auditors', scopes: ['audit:read'] });
    expect(keyed.status).toBe(201);
    const byKey = await send(api, 'GET', '/v1/audit?limit=1', undefined, {
      authorization: `Bearer ${keyed.body.secret}`,
    });
    expect(byKey.status).toBe(200);
  });

  test('sign-ins: success, wrong password, lock-out, unknown login; logout and password change', async () => {
    const person = await addStaffMember(api, { role: 'finance' });
    const headers = await tokenHeaders(api, person.loginUsed);
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await login(api, {
        login: person.loginUsed,
        password: 'not the password!',
        mode: 'token',
      });
      expect(wrong.status).toBe(attempt < 4 ? 401 : 429);
    }
    const locked = await login(api, {
      login: person.loginUsed,
      password: 'not the password!',
      mode: 'token',
    });
    expect(locked.status).toBe(429);
    const mine = await auditRecords(api, `&targetId=${person.id}`);
    const actions = mine.map((record) => record.action);
    expect(actions.filter((action) => action === 'staff.login')).toHaveLength(1);
    expect(actions.filter((action) => action === 'staff.login_failed')).toHaveLength(4);
    expect(actions.filter((action) => action === 'staff.login_locked')).toHaveLength(2);
    const failed = mine.find((record) => record.action === 'staff.login_failed');
    expect(failed).toMatchObject({
      actor: { kind: 'anonymous', id: null },
      outcome: 401,
      summary: { code: 'invalid_credentials' },
    });
    expect(failed.personal).toMatchObject({ login: person.loginUsed });
    expect(JSON.stringify(failed.summary)).not.toContain(person.loginUsed);

    const unknown = await login(api, {
      login: 'nobody@example.com',
      password: 'whatever it is',
      mode: 'token',
    });
    expect(unknown.status).toBe(401);
    const [deployment] = await api.db.query<{ action: string }>(
      `select action from audit_records where program_id = 'deployment' order by seq desc limit 1`,
    );
    expect(deployment).toEqual({ action: 'staff.login_failed' });

    expect((await send(api, 'POST', '/v1/auth/logout', undefined, headers)).status).toBe(200);
    const [logout] = await auditRecords(api, `&actor=${person.id}&action=staff.logout`);
    expect(logout).toMatchObject({ actor: { kind: 'staff', role: 'finance' }, target: { type: 'session' } });
  });
});
