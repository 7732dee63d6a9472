import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashPassword, SCRYPT_PARAMETERS, verifyPassword } from '../../src/staff/password-hash.ts';
import { addStaff } from '../../src/staff/staff-commands.ts';
import { totpCode } from '../../src/staff/totp.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, cookiesOf, login, PASSWORD, send, tokenHeaders } from './staff-support.ts';

describe.each(ENGINES)('staff sign-in and sessions (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    // The per-address sign-in limit has its own test below; here every test signs in from one address.
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
  });
  afterAll(async () => api?.close());

  test('a token sign-in answers the session; GET /v1/auth/session says who, role, permissions, program', async () => {
    const owner = await addStaffMember(api, { role: 'owner' });
    const reply = await login(api, {
      login: owner.loginUsed.toUpperCase(),
      password: PASSWORD,
      mode: 'token',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.status).toBe('signed_in');
    expect(reply.body.token).toMatch(/^jfs_/);
    expect(reply.body.csrfToken).toBeNull();
    expect(reply.headers['set-cookie']).toBeUndefined();
    const who = await send(api, 'GET', '/v1/auth/session', undefined, {
      authorization: `Bearer ${reply.body.token}`,
    });
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ kind: 'staff', programId: api.programId, apiKeyId: null });
    expect(who.body.session).toMatchObject({
      staffId: owner.id,
      role: 'owner',
      login: owner.loginUsed,
      mode: 'token',
    });
    expect(who.body.permissions).toContain('staff:manage');
  });

  test('wrong password and unknown login answer alike (same code, same body shape)', async () => {
    const clerk = await addStaffMember(api, { role: 'auditor' });
    const wrong = await login(api, { login: clerk.loginUsed, password: 'not the password' });
    const unknown = await login(api, { login: 'nobody-at-all@example.com', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('invalid_credentials');
    expect(unknown.body.code).toBe('invalid_credentials');
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  test('an unknown login takes about as long as a wrong password (scrypt is run either way)', async () => {
    const member = await addStaffMember(api, { role: 'auditor' });
    const time = async (loginName: string) => {
      const started = performance.now();
      await login(api, { login: loginName, password: 'wrong wrong wrong' });
      return performance.now() - started;
    };
    await time('warm-up@example.com');
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 3; round++) {
      known.push(await time(member.loginUsed));
      unknown.push(await time(`ghost${round}@example.com`));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
    // Both spend one scrypt (tens of ms); without the dummy hash an unknown login answers in ~1 ms.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });

  test('password hashes are scrypt N=2^15 r=8 p=1 with a per-hash salt, parameters stored with the hash', async () => {
    expect(SCRYPT_PARAMETERS).toMatchObject({ N: 32768, r: 8, p: 1 });
    const one = await hashPassword('same password');
    const two = await hashPassword('same password');
    expect(one).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(one).not.toBe(two);
    expect(await verifyPassword('same password', one)).toBe(true);
    expect(await verifyPassword('same passwore', one)).toBe(false);
    // Weaker stored parameters still verify (parameters can be raised later).
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const weak = `scrypt$1024$8$1$${salt.toString('base64url')}$${scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 }).toString('base64url')}`;
    expect(await verifyPassword('pw', weak)).toBe(true);
  });

  test('five failures lock the login for 15 minutes (429 login_locked, Retry-After), even for the right password; unknown logins lock alike', async () => {
    const member = await addStaffMember(api, { role: 'finance' });
    for (let attempt = 1; attempt <= 4; attempt++) {
      expect((await login(api, { login: member.loginUsed, password: 'wrong' })).body.code).toBe(
        'invalid_credentials',
      );
    }
    const fifth = await login(api, { login: member.loginUsed, password: 'wrong' });
    expect(fifth.status).toBe(429);
    expect(fifth.body.code).toBe('login_locked');
    expect(Number(fifth.headers['retry-after'])).toBe(900);
    const right = await login(api, { login: member.loginUsed, password: PASSWORD });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('login_locked');
    for (let attempt = 1; attempt <= 5; attempt++)
      await login(api, { login: 'ghost-lock@example.com', password: 'x' });
    expect((await login(api, { login: 'ghost-lock@example.com', password: 'x' })).body.code).toBe(
      'login_locked',
    );
    api.clock.advance(15 * 60_000 + 1000);
    const after = await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token' });
    expect(after.status).toBe(201);
  });

  test('attempts sent at once are counted before they are checked: at most five passwords are tried, the rest refused unchecked', async () => {
    const member = await addStaffMember(api, { role: 'finance' });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        login(api, { login: member.loginUsed, password: `wrong ${index}` }),
      ),
    );
    const codes = replies.map((reply) => reply.body.code);
    expect(codes.filter((code) => code === 'invalid_credentials').length).toBeLessThanOrEqual(4);
    expect(codes.filter((code) => code === 'login_locked').length).toBeGreaterThanOrEqual(16);
    expect(codes.every((code) => code === 'invalid_credentials' || code === 'login_locked')).toBe(true);
    const right = await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token' });
    expect(right.body.code).toBe('login_locked');
    api.clock.advance(15 * 60_000 + 1000);
    expect((await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token' })).status).toBe(
      201,
    );
  });

  test('cookie sessions: HttpOnly SameSite=Strict Secure cookie, CSRF header required on writes (nothing changes without it)', async () => {
    const owner = await addStaffMember(api, { role: 'owner' });
    const reply = await login(api, { login: owner.loginUsed, password: PASSWORD });
    expect(reply.status).toBe(201);
    expect(reply.body.token).toBeNull();
    const setCookie = reply.headers['set-cookie'] as string[];
    const session = setCookie.find((item) => item.startsWith('jifen_session='))!;
    const csrfCookie = setCookie.find((item) => item.startsWith('jifen_csrf='))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).toMatch(/Secure/);
    expect(csrfCookie).not.toMatch(/HttpOnly/);
    const { cookie, csrf } = cookiesOf(reply);
    expect(csrf).toBe(reply.body.csrfToken);

    expect((await send(api, 'GET', '/v1/members', undefined, { cookie })).status).toBe(200);
    const missing = await send(api, 'PUT', '/v1/members/csrf-1', { tags: ['x'] }, { cookie });
    expect(missing.status).toBe(403);
    expect(missing.body.code).toBe('csrf_token_invalid');
    const bad = await send(
      api,
      'PUT',
      '/v1/members/csrf-1',
      { tags: ['x'] },
      { cookie, 'x-csrf-token': 'forged' },
    );
    expect(bad.body.code).toBe('csrf_token_invalid');
    expect((await api.call('GET', '/v1/members/csrf-1')).status).toBe(404);
    const ok = await send(
      api,
      'PUT',
      '/v1/members/csrf-1',
      { tags: ['x'] },
      { cookie, 'x-csrf-token': csrf },
    );
    expect(ok.status).toBe(201);
  });

  test('plain-HTTP LAN setting leaves Secure off; sign-ins are rate-limited per address', async () => {
    const lan = await openTestApi(engine, undefined, {
      app: { secureCookies: false, rateLimits: { loginAttemptsPerMinute: 3 } },
    });
    try {
      const owner = await addStaffMember(lan, { role: 'owner' });
      const reply = await login(lan, { login: owner.loginUsed, password: PASSWORD });
      expect((reply.headers['set-cookie'] as string[]).join('\n')).not.toMatch(/Secure/);
      await login(lan, { login: 'a@example.com', password: 'x' });
      await login(lan, { login: 'b@example.com', password: 'x' });
      const limited = await login(lan, { login: 'c@example.com', password: 'x' });
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('rate_limited');
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await lan.close();
    }
  });

  test('two refreshes of one session at once: one gets a new token, the other is refused; one live session remains', async () => {
    const member = await addStaffMember(api, { role: 'auditor' });
    const headers = await tokenHeaders(api, member.loginUsed);
    const [first, second] = await Promise.all([
      send(api, 'POST', '/v1/auth/refresh', undefined, headers),
      send(api, 'POST', '/v1/auth/refresh', undefined, headers),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 401]);
    expect([first, second].find((reply) => reply.status === 401)!.body.code).toBe('session_revoked');
    const [{ live }] = (await api.db.query<{ live: number }>(
      'select count(*)::int as live from staff_sessions where program_id = $1 and staff_id = $2 and revoked_at is null',
      [api.programId, member.id],
    )) as [{ live: number }];
    expect(live).toBe(1);
  });

  test('logout revokes; refresh rotates the token; idle and absolute expiry', async () => {
    const member = await addStaffMember(api, { role: 'operator' });
    const headers = await tokenHeaders(api, member.loginUsed);
    const refreshed = await send(api, 'POST', '/v1/auth/refresh', undefined, headers);
    expect(refreshed.status).toBe(201);
    const old = await send(api, 'GET', '/v1/auth/session', undefined, headers);
    expect(old.status).toBe(401);
    expect(old.body.code).toBe('session_revoked');
    const fresh = { authorization: `Bearer ${refreshed.body.token}` };
    expect((await send(api, 'GET', '/v1/rules', undefined, fresh)).status).toBe(200);
    const out = await send(api, 'POST', '/v1/auth/logout', undefined, fresh);
    expect(out.status).toBe(200);
    expect((await send(api, 'GET', '/v1/rules', undefined, fresh)).body.code).toBe('session_revoked');

    // idle: 30 minutes without a request
    const idle = await tokenHeaders(api, member.loginUsed);
    api.clock.advance(29 * 60_000);
    expect((await send(api, 'GET', '/v1/rules', undefined, idle)).status).toBe(200);
    api.clock.advance(29 * 60_000);
    expect((await send(api, 'GET', '/v1/rules', undefined, idle)).status).toBe(200);
    api.clock.advance(31 * 60_000);
    const expired = await send(api, 'GET', '/v1/rules', undefined, idle);
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('session_expired');

    // absolute: 12 hours, however busy
    const busy = await tokenHeaders(api, member.loginUsed);
    for (let hour = 0; hour < 12; hour++) {
      for (let step = 0; step < 3; step++) {
        api.clock.advance(20 * 60_000);
        await send(api, 'GET', '/v1/rules', undefined, busy);
      }
    }
    const ended = await send(api, 'GET', '/v1/rules', undefined, busy);
    expect(ended.body.code).toBe('session_expired');
  });

  test('a disabled staff member is refused at once; a role change ends their sessions', async () => {
    const owner = await addStaffMember(api, { role: 'owner' });
    const ownerHeaders = await tokenHeaders(api, owner.loginUsed);
    const member = await addStaffMember(api, { role: 'operator' });
    const headers = await tokenHeaders(api, member.loginUsed);
    expect((await send(api, 'GET', '/v1/rules', undefined, headers)).status).toBe(200);
    const disabled = await send(api, 'PATCH', `/v1/staff/${member.id}`, { status: 'disabled' }, ownerHeaders);
    expect(disabled.status).toBe(200);
    const refused = await send(api, 'GET', '/v1/rules', undefined, headers);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('session_revoked');
    expect((await login(api, { login: member.loginUsed, password: PASSWORD })).body.code).toBe(
      'invalid_credentials',
    );

    const other = await addStaffMember(api, { role: 'operator' });
    const otherHeaders = await tokenHeaders(api, other.loginUsed);
    await send(api, 'PATCH', `/v1/staff/${other.id}`, { role: 'auditor' }, ownerHeaders);
    expect((await send(api, 'GET', '/v1/rules', undefined, otherHeaders)).body.code).toBe('session_revoked');
    const again = await tokenHeaders(api, other.loginUsed);
    const who = await send(api, 'GET', '/v1/auth/session', undefined, again);
    expect(who.body.session.role).toBe('auditor');
  });

  test('several programs: the sign-in lists them; switch moves the session', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: { authorization: `Bearer ${api.adminKey}` },
      payload: { name: 'Second shop' },
    });
    const secondProgram = created.json().id as string;
    const person = await addStaffMember(api, { role: 'admin' });
    // Already staff elsewhere: added without a password, they sign in with their own.
    await addStaff(
      api.db,
      secondProgram,
      { login: person.loginUsed, name: 'p', role: 'finance' },
      'all',
      api.clock.now(),
    );
    const choose = await login(api, { login: person.loginUsed, password: PASSWORD, mode: 'token' });
    expect(choose.status).toBe(200);
    expect(choose.body.status).toBe('choose_program');
    expect(choose.body.programs.map((item: { programId: string }) => item.programId).sort()).toEqual(
      [api.programId, secondProgram].sort(),
    );
    const signed = await login(api, {
      login: person.loginUsed,
      password: PASSWORD,
      mode: 'token',
      programId: secondProgram,
    });
    expect(signed.status).toBe(201);
    expect(signed.body.session).toMatchObject({ programId: secondProgram, role: 'finance' });
    const headers = { authorization: `Bearer ${signed.body.token}` };
    const switched = await send(api, 'POST', '/v1/auth/switch', { programId: api.programId }, headers);
    expect(switched.status).toBe(201);
    expect(switched.body.session).toMatchObject({ programId: api.programId, role: 'admin' });
    expect((await send(api, 'GET', '/v1/auth/session', undefined, headers)).body.code).toBe(
      'session_revoked',
    );
    const notMine = await send(
      api,
      'POST',
      '/v1/auth/switch',
      { programId: 'prg_nope' },
      {
        authorization: `Bearer ${switched.body.token}`,
      },
    );
    expect(notMine.body.code).toBe('not_staff_of_program');
  });

  test('TOTP: enrol, confirm, then sign-in needs the code; a replayed code is refused; disable', async () => {
    const member = await addStaffMember(api, { role: 'finance' });
    const headers = await tokenHeaders(api, member.loginUsed);
    const enrol = await send(api, 'POST', '/v1/auth/totp', undefined, headers);
    expect(enrol.status).toBe(201);
    expect(enrol.body.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const secret = enrol.body.secret as string;
    expect((await send(api, 'POST', '/v1/auth/totp/confirm', { totp: '000000' }, headers)).body.code).toBe(
      'invalid_totp',
    );
    const confirm = await send(
      api,
      'POST',
      '/v1/auth/totp/confirm',
      { totp: totpCode(secret, api.clock.now()) },
      headers,
    );
    expect(confirm.body).toEqual({ totpEnabled: true });

    const needs = await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token' });
    expect(needs.status).toBe(401);
    expect(needs.body.code).toBe('totp_required');
    api.clock.advance(30_000);
    const code = totpCode(secret, api.clock.now());
    const ok = await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token', totp: code });
    expect(ok.status).toBe(201);
    const replay = await login(api, {
      login: member.loginUsed,
      password: PASSWORD,
      mode: 'token',
      totp: code,
    });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_totp');
    // One step of clock drift either way is accepted.
    api.clock.advance(30_000);
    const nextHeaders = { authorization: `Bearer ${ok.body.token}` };
    const early = totpCode(secret, new Date(api.clock.now().getTime() + 30_000));
    const disable = await send(api, 'POST', '/v1/auth/totp/disable', { totp: early }, nextHeaders);
    expect(disable.body).toEqual({ totpEnabled: false });
    expect((await login(api, { login: member.loginUsed, password: PASSWORD, mode: 'token' })).status).toBe(
      201,
    );
  });

  test('TOTP and several programs: the list needs the code too, and the same code then signs in once', async () => {
    const created = await api.app.inject({
      method: 'POST',
      url: '/v1/programs',
      headers: { authorization: `Bearer ${api.adminKey}` },
      payload: { name: 'Third shop' },
    });
    const third = created.json().id as string;
    const person = await addStaffMember(api, { role: 'operator' });
    await addStaff(
      api.db,
      third,
      { login: person.loginUsed, name: 'p', role: 'auditor' },
      'all',
      api.clock.now(),
    );
    const choose = await login(api, { login: person.loginUsed, password: PASSWORD, mode: 'token' });
    expect(choose.body.status).toBe('choose_program');
    const headers = {
      authorization: `Bearer ${(await login(api, { login: person.loginUsed, password: PASSWORD, mode: 'token', programId: api.programId })).body.token}`,
    };
    const secret = (await send(api, 'POST', '/v1/auth/totp', undefined, headers)).body.secret as string;
    await send(api, 'POST', '/v1/auth/totp/confirm', { totp: totpCode(secret, api.clock.now()) }, headers);
    api.clock.advance(30_000);
    const withoutCode = await login(api, { login: person.loginUsed, password: PASSWORD, mode: 'token' });
    expect(withoutCode.body.code).toBe('totp_required');
    // Naming a program the person is not staff of tells nothing (no list of their programs) before the code.
    const probe = await login(api, {
      login: person.loginUsed,
      password: PASSWORD,
      mode: 'token',
      programId: 'prg_nope',
    });
    expect(probe.body.code).toBe('totp_required');
    expect(probe.body.programs).toBeUndefined();
    const code = totpCode(secret, api.clock.now());
    const list = await login(api, { login: person.loginUsed, password: PASSWORD, mode: 'token', totp: code });
    expect(list.body.status).toBe('choose_program');
    const chosen = {
      login: person.loginUsed,
      password: PASSWORD,
      mode: 'token',
      totp: code,
      programId: third,
    };
    expect((await login(api, chosen)).status).toBe(201);
    expect((await login(api, chosen)).body.code).toBe('invalid_totp');
  });

  test('password change by the staff member ends their other sessions; an owner reset ends all', async () => {
    const owner = await addStaffMember(api, { role: 'owner' });
    const ownerHeaders = await tokenHeaders(api, owner.loginUsed);
    const member = await addStaffMember(api, { role: 'operator' });
    const first = await tokenHeaders(api, member.loginUsed);
    const second = await tokenHeaders(api, member.loginUsed);
    const wrong = await send(
      api,
      'POST',
      '/v1/auth/password',
      { currentPassword: 'nope', newPassword: 'a new long password' },
      first,
    );
    expect(wrong.body.code).toBe('invalid_credentials');
    const changed = await send(
      api,
      'POST',
      '/v1/auth/password',
      { currentPassword: PASSWORD, newPassword: 'a new long password' },
      first,
    );
    expect(changed.status).toBe(200);
    expect((await send(api, 'GET', '/v1/rules', undefined, first)).status).toBe(200);
    expect((await send(api, 'GET', '/v1/rules', undefined, second)).body.code).toBe('session_revoked');
    expect((await login(api, { login: member.loginUsed, password: 'a new long password' })).status).toBe(201);

    const reset = await send(
      api,
      'POST',
      `/v1/staff/${member.id}/password-reset`,
      { password: 'reset by the owner' },
      ownerHeaders,
    );
    expect(reset.status).toBe(200);
    expect((await send(api, 'GET', '/v1/rules', undefined, first)).body.code).toBe('session_revoked');
    expect((await login(api, { login: member.loginUsed, password: 'reset by the owner' })).status).toBe(201);
  });

  test('API keys: session routes for staff refuse them; GET /v1/auth/session describes the key', async () => {
    const who = await api.call('GET', '/v1/auth/session');
    expect(who.body).toMatchObject({ kind: 'api_key', session: null });
    const refresh = await api.call('POST', '/v1/auth/refresh');
    expect(refresh.status).toBe(403);
    expect(refresh.body.code).toBe('staff_session_required');
  });
});
