import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { captureLogs } from '../operations/log-capture.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/**
 * Logs never hold personal data or secrets (issue 17): every request that carries some, made
 * with the logger at debug level, and the captured lines searched for each value.
 */
describe.each(ENGINES)('logs hold no personal data (%s)', (engine) => {
  let api: TestApi;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    logs = captureLogs('debug');
    api = await openTestApi(engine, undefined, { app: { logger: logs.logger } });
  });
  afterAll(async () => api?.close());

  test('names, birthdays, contacts, lookups, exports, passwords and webhook secrets stay out of the logs', async () => {
    const personal = [
      '王小丫',
      '小丫头',
      '1988-08-08',
      'xiaoya@example.com',
      '13912345678',
      'Pa55word!Xiaoya',
    ];
    await api.call('PUT', '/v1/members/m-log', {
      name: '王小丫',
      nickname: '小丫头',
      birthday: '1988-08-08',
    });
    await api.call('PUT', '/v1/members/m-log/notification-preferences', {
      email: 'xiaoya@example.com',
      phone: '13912345678',
    });
    expect((await api.call('GET', '/v1/members?phone=13912345678')).status).toBe(200);
    expect((await api.call('GET', '/v1/members?phone=139123')).status).toBe(400);
    expect(
      (await api.call('PUT', '/v1/members/m-log/notification-preferences', { email: 'xiaoya@' })).status,
    ).toBe(400);
    expect((await api.call('GET', '/v1/members/m-log/personal-data')).status).toBe(200);
    const staff = await addStaffMember(api, { role: 'admin', password: 'Pa55word!Xiaoya' });
    await send(
      api,
      'POST',
      '/v1/auth/login',
      {
        login: staff.loginUsed,
        password: 'wrong-Pa55word!Xiaoya',
        mode: 'token',
      },
      {},
    );
    await send(
      api,
      'GET',
      '/v1/members/m-log',
      undefined,
      await tokenHeaders(api, staff.loginUsed, 'Pa55word!Xiaoya'),
    );
    const endpoint = await api.call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/jifen' });
    const secret = (endpoint.body as { secret?: string }).secret;
    expect(secret).toMatch(/^whsec_/);
    personal.push(secret!, 'wrong-Pa55word!Xiaoya');

    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    expect(logs.lines().filter((line) => line.msg === 'request').length).toBeGreaterThan(8);
    for (const value of personal) expect(text, `the logs hold ${value}`).not.toContain(value);
  });
});
