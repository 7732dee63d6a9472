import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sealLegacyTotpSecrets } from '../../src/staff/staff-store.ts';
import { newTotpSecret, totpCode } from '../../src/staff/totp.ts';
import { sealLegacyPlaintext } from '../../src/vault/legacy-plaintext.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, login, PASSWORD, send, tokenHeaders } from './staff-support.ts';

/**
 * A staff member's TOTP seed signs them in (issue 17): the account row holds it sealed by the
 * vault (under the deployment's keys: an account belongs to no program), never the base32 seed;
 * enrolment, confirmation and sign-in with a code work as before, and seeds stored in plain text
 * before the vault are sealed at start.
 */
describe.each(ENGINES)('TOTP seeds in the vault (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
  });
  afterAll(async () => api?.close());

  const storedSecret = async (staffLogin: string) => {
    const [row] = await api.db.query<{ totp_secret: string | null }>(
      'select totp_secret from staff_accounts where login = $1',
      [staffLogin],
    );
    return row!.totp_secret;
  };
  const signIn = (staffLogin: string, totp?: string) =>
    login(api, { login: staffLogin, password: PASSWORD, mode: 'token', ...(totp ? { totp } : {}) });

  test('after enrolment the row holds the seed sealed; confirming and signing in with a code work', async () => {
    const member = await addStaffMember(api, { role: 'finance' });
    const headers = await tokenHeaders(api, member.loginUsed);
    const enrol = await send(api, 'POST', '/v1/auth/totp', undefined, headers);
    expect(enrol.status).toBe(201);
    const secret = enrol.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);

    const stored = await storedSecret(member.loginUsed);
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain(secret);
    expect(stored!.toUpperCase()).not.toContain(secret.replace(/=+$/, ''));

    const confirm = await send(
      api,
      'POST',
      '/v1/auth/totp/confirm',
      { totp: totpCode(secret, api.clock.now()) },
      headers,
    );
    expect(confirm.body).toEqual({ totpEnabled: true });
    // Confirming leaves the sealed seed as it was.
    expect(await storedSecret(member.loginUsed)).toBe(stored);

    expect((await signIn(member.loginUsed)).body.code).toBe('totp_required');
    api.clock.advance(30_000);
    const ok = await signIn(member.loginUsed, totpCode(secret, api.clock.now()));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    api.clock.advance(30_000);
    expect((await signIn(member.loginUsed, '000000')).body.code).toBe('invalid_totp');
  });

  test('a plain seed stored before the vault still signs in, is sealed at start, and still signs in', async () => {
    const member = await addStaffMember(api, { role: 'auditor' });
    const secret = newTotpSecret();
    await api.db.query(
      `update staff_accounts set totp_secret = $2, totp_confirmed_at = $3, totp_last_step = null
        where login = $1`,
      [member.loginUsed, secret, api.clock.now().toISOString()],
    );
    api.clock.advance(30_000);
    const before = await signIn(member.loginUsed, totpCode(secret, api.clock.now()));
    expect(before.status, JSON.stringify(before.body)).toBe(201);

    expect(await sealLegacyTotpSecrets(api.db)).toBe(1);
    const stored = await storedSecret(member.loginUsed);
    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain(secret);

    api.clock.advance(30_000);
    const after = await signIn(member.loginUsed, totpCode(secret, api.clock.now()));
    expect(after.status, JSON.stringify(after.body)).toBe(201);

    // Nothing is left: a second run seals nothing and changes nothing; serve runs it (registered).
    expect(await sealLegacyTotpSecrets(api.db)).toBe(0);
    expect(await storedSecret(member.loginUsed)).toBe(stored);
    await api.db.query('update staff_accounts set totp_secret = $2 where login = $1', [
      member.loginUsed,
      secret,
    ]);
    expect(await sealLegacyPlaintext(api.db)).toContainEqual({
      name: 'staff_accounts.totp_secret',
      sealed: 1,
    });
    expect(await storedSecret(member.loginUsed)).toMatch(/^enc:v1:/);
  });
});
