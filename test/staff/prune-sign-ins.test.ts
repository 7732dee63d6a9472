import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pruneStaffSignIns } from '../../src/staff/prune-staff-sessions.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { addStaffMember, login, PASSWORD, send } from './staff-support.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * `serve` removes sign-in's working state that can no longer matter: sessions ended more than 30
 * days ago, failure counts whose window and lock are over. Nothing still usable, nothing that still
 * locks, and no recently ended session is removed.
 */
describe.each(ENGINES)('pruning staff sign-ins (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z', {
      app: { rateLimits: { loginAttemptsPerMinute: 100_000 } },
    });
  });
  afterAll(async () => api?.close());

  const signIn = async (loginName: string) => {
    const reply = await login(api, { login: loginName, password: PASSWORD, mode: 'token' });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    return { authorization: `Bearer ${reply.body.token}` };
  };
  const sessionsOf = async (staffId: string) =>
    (
      await api.db.query<{ n: number }>(
        'select count(*)::int as n from staff_sessions where program_id = $1 and staff_id = $2',
        [api.programId, staffId],
      )
    )[0]!.n;
  const failureRows = async () =>
    (await api.db.query<{ n: number }>('select count(*)::int as n from staff_login_failures'))[0]!.n;

  test('sessions ended over 30 days ago go; recently ended and usable ones stay', async () => {
    const loggedOut = await addStaffMember(api, { role: 'operator' });
    const idle = await addStaffMember(api, { role: 'finance' });
    const recent = await addStaffMember(api, { role: 'auditor' });
    const active = await addStaffMember(api, { role: 'customer_service' });
    const headers = await signIn(loggedOut.loginUsed);
    expect((await send(api, 'POST', '/v1/auth/logout', undefined, headers)).status).toBe(200);
    await signIn(idle.loginUsed);
    api.clock.advance(31 * DAY - 2 * 60 * MINUTE);
    await signIn(recent.loginUsed); // its 30 idle minutes end 1.5 hours before the pruning: ended, but recently
    api.clock.advance(2 * 60 * MINUTE);
    const stillUsable = await signIn(active.loginUsed);

    expect(await pruneStaffSignIns(api.db, api.clock.now())).toMatchObject({ sessions: 2 });
    expect(await sessionsOf(loggedOut.id)).toBe(0);
    expect(await sessionsOf(idle.id)).toBe(0);
    expect(await sessionsOf(recent.id)).toBe(1);
    expect(await sessionsOf(active.id)).toBe(1);
    expect((await send(api, 'GET', '/v1/auth/session', undefined, stillUsable)).status).toBe(200);
    expect(await pruneStaffSignIns(api.db, api.clock.now())).toMatchObject({ sessions: 0 });
  });

  test('failure counts go once their window and their lock are over, never while they lock', async () => {
    await api.db.query('delete from staff_login_failures');
    const counted = await addStaffMember(api, { role: 'operator' });
    const locked = await addStaffMember(api, { role: 'operator' });
    await login(api, { login: counted.loginUsed, password: 'wrong' });
    for (let attempt = 0; attempt < 5; attempt++)
      await login(api, { login: locked.loginUsed, password: 'wrong' });
    expect(await failureRows()).toBe(2);

    api.clock.advance(10 * MINUTE);
    expect(await pruneStaffSignIns(api.db, api.clock.now())).toMatchObject({ loginFailures: 0 });
    expect((await login(api, { login: locked.loginUsed, password: PASSWORD })).body.code).toBe(
      'login_locked',
    );

    api.clock.advance(6 * MINUTE);
    await login(api, { login: 'fresh-failure@example.com', password: 'wrong' });
    expect(await pruneStaffSignIns(api.db, api.clock.now())).toMatchObject({ loginFailures: 2 });
    expect(await failureRows()).toBe(1);
    expect((await login(api, { login: locked.loginUsed, password: PASSWORD, mode: 'token' })).status).toBe(
      201,
    );
  });
});
