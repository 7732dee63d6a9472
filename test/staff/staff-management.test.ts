import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addStaff } from '../../src/staff/staff-commands.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, PASSWORD, send, tokenHeaders } from './staff-support.ts';

describe.each(ENGINES)('staff and roles (%s)', (engine) => {
  let api: TestApi;
  let owner: Record<string, string>;
  let ownerId: string;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    const made = await addStaffMember(api, { role: 'owner' });
    ownerId = made.id;
    owner = await tokenHeaders(api, made.loginUsed);
  });
  afterAll(async () => api?.close());

  test('adding staff: logins are normalised; each refusal has its code', async () => {
    const added = await send(
      api,
      'POST',
      '/v1/staff',
      { login: ' +86 139-0000-1111 ', name: '张伟', role: 'customer_service', password: 'long enough pw' },
      owner,
    );
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      login: '+8613900001111',
      role: 'customer_service',
      status: 'active',
      totpEnabled: false,
    });
    const cases: [Record<string, unknown>, number, string][] = [
      [{ login: '+8613900001111', name: 'again', role: 'finance' }, 409, 'staff_exists'],
      [{ login: 'new.person@example.com', name: 'n', role: 'finance' }, 400, 'password_required'],
      [
        { login: 'not a login', name: 'n', role: 'finance', password: 'long enough pw' },
        400,
        'validation_failed',
      ],
      [
        { login: 'clerk@example.com', name: 'n', role: 'store_clerk', password: 'long enough pw' },
        400,
        'validation_failed',
      ],
      [
        { login: 'x@example.com', name: 'n', role: 'rol_nope', password: 'long enough pw' },
        404,
        'role_not_found',
      ],
      [
        { login: 'short@example.com', name: 'n', role: 'finance', password: 'short' },
        400,
        'validation_failed',
      ],
    ];
    for (const [body, status, code] of cases) {
      const reply = await send(api, 'POST', '/v1/staff', body, owner);
      expect([reply.status, reply.body.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const listed = await send(api, 'GET', '/v1/staff', undefined, owner);
    expect(listed.body.data.map((staff: { login: string }) => staff.login)).toContain('+8613900001111');
    expect(JSON.stringify(listed.body)).not.toMatch(/scrypt|password/);
  });

  test('a person staff of another program keeps their password: giving one is refused, and an owner cannot reset it', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: { authorization: `Bearer ${api.adminKey}` },
      payload: { name: 'Other shop' },
    });
    const other = created.json().id as string;
    await addStaff(
      api.db,
      other,
      { login: 'shared@example.com', name: 's', role: 'owner', password: PASSWORD },
      'all',
      api.clock.now(),
    );
    const withPassword = await send(
      api,
      'POST',
      '/v1/staff',
      { login: 'shared@example.com', name: 's', role: 'operator', password: 'take over!!' },
      owner,
    );
    expect(withPassword.body.code).toBe('staff_login_exists');
    const added = await send(
      api,
      'POST',
      '/v1/staff',
      { login: 'shared@example.com', name: 's', role: 'operator' },
      owner,
    );
    expect(added.status).toBe(201);
    const reset = await send(
      api,
      'POST',
      `/v1/staff/${added.body.id}/password-reset`,
      { password: 'take over!!' },
      owner,
    );
    expect(reset.status).toBe(409);
    expect(reset.body.code).toBe('password_reset_not_allowed');
  });

  test('the last active owner cannot be demoted or disabled', async () => {
    const demote = await send(api, 'PATCH', `/v1/staff/${ownerId}`, { role: 'admin' }, owner);
    expect(demote.body.code).toBe('last_owner');
    const disable = await send(api, 'PATCH', `/v1/staff/${ownerId}`, { status: 'disabled' }, owner);
    expect(disable.body.code).toBe('last_owner');
    expect((await send(api, 'GET', '/v1/rules', undefined, owner)).status).toBe(200);
  });

  test('custom roles: CRUD, names unique, built-ins fixed, in use cannot be deleted, changes apply at once', async () => {
    const role = await send(
      api,
      'POST',
      '/v1/roles',
      { name: 'greeter', permissions: ['members:read'] },
      owner,
    );
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({ name: 'greeter', builtIn: false, permissions: ['members:read'] });
    expect(
      (await send(api, 'POST', '/v1/roles', { name: 'greeter', permissions: [] }, owner)).body.code,
    ).toBe('role_exists');
    expect((await send(api, 'POST', '/v1/roles', { name: 'owner', permissions: [] }, owner)).body.code).toBe(
      'role_exists',
    );
    expect((await send(api, 'PATCH', '/v1/roles/owner', { permissions: [] }, owner)).body.code).toBe(
      'role_built_in',
    );
    expect(
      (await send(api, 'POST', '/v1/roles', { name: 'bad', permissions: ['everything'] }, owner)).status,
    ).toBe(400);
    const roles = await send(api, 'GET', '/v1/roles', undefined, owner);
    expect(roles.body.data.map((item: { id: string }) => item.id)).toEqual(
      expect.arrayContaining(['owner', 'store_clerk', role.body.id]),
    );

    const greeter = await addStaffMember(api, { role: role.body.id });
    const headers = await tokenHeaders(api, greeter.loginUsed);
    expect((await send(api, 'GET', '/v1/members', undefined, headers)).status).toBe(200);
    const denied = await send(api, 'GET', '/v1/rules', undefined, headers);
    expect([denied.status, denied.body.code, denied.body.requiredPermission]).toEqual([
      403,
      'permission_denied',
      'rules:read',
    ]);
    await send(
      api,
      'PATCH',
      `/v1/roles/${role.body.id}`,
      { permissions: ['members:read', 'rules:read'] },
      owner,
    );
    expect((await send(api, 'GET', '/v1/rules', undefined, headers)).status).toBe(200);

    expect((await send(api, 'DELETE', `/v1/roles/${role.body.id}`, undefined, owner)).body.code).toBe(
      'role_in_use',
    );
    await send(api, 'PATCH', `/v1/staff/${greeter.id}`, { role: 'auditor' }, owner);
    const deleted = await send(api, 'DELETE', `/v1/roles/${role.body.id}`, undefined, owner);
    expect(deleted.status).toBe(200);
    expect((await send(api, 'GET', `/v1/roles/${role.body.id}`, undefined, owner)).body.code).toBe(
      'role_not_found',
    );
  });

  test('roles hold only what their editor holds: no widening a role, not even your own', async () => {
    // A key with only staff:manage (and the role manager below) may make and change roles, but
    // only with permissions it holds itself, and may not touch a role holding more.
    const keyed = await api.call('POST', '/v1/api-keys', { name: 'hr-bot', scopes: ['staff:manage'] });
    expect(keyed.status, JSON.stringify(keyed.body)).toBe(201);
    const bot = { authorization: `Bearer ${keyed.body.secret}` };
    const wide = await send(api, 'POST', '/v1/roles', { name: 'wide', permissions: ['keys:manage'] }, bot);
    expect(wide.status).toBe(403);
    expect(wide.body).toMatchObject({ code: 'permission_denied', requiredPermission: 'keys:manage' });
    const narrow = await send(api, 'POST', '/v1/roles', { name: 'narrow', permissions: ['staff:read'] }, bot);
    expect(narrow.status).toBe(201);
    const widen = await send(
      api,
      'PATCH',
      `/v1/roles/${narrow.body.id}`,
      { permissions: ['staff:read', 'ledger:adjust'] },
      bot,
    );
    expect(widen.status).toBe(403);
    expect(widen.body.requiredPermission).toBe('ledger:adjust');
    expect(
      (await send(api, 'GET', `/v1/roles/${narrow.body.id}`, undefined, owner)).body.permissions,
    ).toEqual(['staff:read']);

    // A role manager cannot widen their own role, nor change or delete a role stronger than theirs.
    const managers = await send(
      api,
      'POST',
      '/v1/roles',
      { name: 'role-managers', permissions: ['staff:read', 'roles:manage'] },
      owner,
    );
    const strong = await send(
      api,
      'POST',
      '/v1/roles',
      { name: 'strong', permissions: ['staff:read', 'keys:manage'] },
      owner,
    );
    const manager = await addStaffMember(api, { role: managers.body.id });
    const headers = await tokenHeaders(api, manager.loginUsed);
    const self = await send(
      api,
      'PATCH',
      `/v1/roles/${managers.body.id}`,
      { permissions: ['staff:read', 'roles:manage', 'keys:manage'] },
      headers,
    );
    expect(self.body).toMatchObject({ code: 'permission_denied', requiredPermission: 'keys:manage' });
    const weaken = await send(
      api,
      'PATCH',
      `/v1/roles/${strong.body.id}`,
      { permissions: ['staff:read'] },
      headers,
    );
    expect(weaken.body.code).toBe('permission_denied');
    const remove = await send(api, 'DELETE', `/v1/roles/${strong.body.id}`, undefined, headers);
    expect(remove.body.code).toBe('permission_denied');
    expect(
      (await send(api, 'GET', `/v1/roles/${strong.body.id}`, undefined, owner)).body.permissions,
    ).toEqual(['staff:read', 'keys:manage']);
    const rename = await send(
      api,
      'PATCH',
      `/v1/roles/${managers.body.id}`,
      { name: 'role managers' },
      headers,
    );
    expect(rename.status).toBe(200);
  });

  test('a staff manager cannot give a role holding permissions they lack (no self-promotion to owner)', async () => {
    const role = await send(
      api,
      'POST',
      '/v1/roles',
      { name: 'hr', permissions: ['staff:read', 'staff:manage'] },
      owner,
    );
    const hr = await addStaffMember(api, { role: role.body.id });
    const headers = await tokenHeaders(api, hr.loginUsed);
    const promote = await send(api, 'PATCH', `/v1/staff/${hr.id}`, { role: 'owner' }, headers);
    expect(promote.status).toBe(403);
    expect(promote.body.code).toBe('permission_denied');
    const second = await addStaffMember(api, { role: 'owner' });
    const disableOwner = await send(api, 'PATCH', `/v1/staff/${second.id}`, { status: 'disabled' }, headers);
    expect(disableOwner.body.code).toBe('permission_denied');
    const resetOwner = await send(
      api,
      'POST',
      `/v1/staff/${second.id}/password-reset`,
      { password: 'mine now!!!' },
      headers,
    );
    expect(resetOwner.body.code).toBe('permission_denied');
    const addClerk = await send(
      api,
      'POST',
      '/v1/staff',
      {
        login: 'till@example.com',
        name: 't',
        role: 'store_clerk',
        storeIds: ['SH-01'],
        password: 'long enough pw',
      },
      headers,
    );
    expect(addClerk.body.code).toBe('permission_denied');
  });

  test('API keys keep their scopes: each scope stands for the permissions it grants', async () => {
    const minted = await api.call('POST', '/v1/api-keys', {
      name: 'pos',
      scopes: ['ledger:write', 'members:read'],
    });
    const key = { authorization: `Bearer ${minted.body.secret}` };
    await api.call('PUT', '/v1/members/k-1', {});
    const reason = { 'zh-CN': '调整', en: 'Adjust' };
    expect(
      (await send(api, 'POST', '/v1/members/k-1/adjustments', { points: 5, reason, operator: 'pos' }, key))
        .status,
    ).toBe(201);
    expect((await send(api, 'GET', '/v1/members/k-1', undefined, key)).status).toBe(200);
    const denied = await send(api, 'GET', '/v1/members/k-1/entries', undefined, key);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: 'insufficient_scope',
      requiredScope: 'ledger:read',
      requiredPermission: 'ledger:read',
    });
    const staffDenied = await send(api, 'GET', '/v1/staff', undefined, key);
    expect(staffDenied.body).toMatchObject({ code: 'insufficient_scope', requiredScope: 'staff:manage' });
    // The owner key (`*`) holds every permission, staff management included.
    expect((await api.call('GET', '/v1/staff')).status).toBe(200);
  });
});

test('docs/security.md shows the permission matrix the code uses', async () => {
  const { readFileSync } = await import('node:fs');
  const { renderPermissionTable } = await import('../../src/staff/permission-table.ts');
  const doc = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
  expect(doc, 'docs/security.md is stale: paste renderPermissionTable() into it').toContain(
    renderPermissionTable(),
  );
});
