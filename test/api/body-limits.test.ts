import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const MIB = 1_048_576;

/** A 413 names the limit of the route that refused the body, not the server-wide default. */
describe.each(ENGINES)('body limits (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());

  async function post(url: string, bytes: number) {
    const body = JSON.stringify({ padding: 'x'.repeat(bytes) });
    const reply = await api.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
      payload: body,
    });
    return { status: reply.statusCode, type: reply.headers['content-type'], body: reply.json() };
  }

  test('a default route refuses past 1 MiB and says 1 MiB', async () => {
    const reply = await post('/v1/members/m/credits', MIB + 10);
    expect(reply.status).toBe(413);
    expect(reply.type).toMatch(/^application\/problem\+json/);
    expect(reply.body).toMatchObject({ code: 'payload_too_large', limitBytes: MIB });
  });

  test('the credit batch route accepts 2 MiB (past the default) and refuses past 8 MiB, saying 8 MiB', async () => {
    const accepted = await post('/v1/credits/batch', 2 * MIB);
    // Read and validated (an unknown field), not refused for its size.
    expect(accepted.status).toBe(400);
    expect(accepted.body.code).toBe('validation_failed');
    const refused = await post('/v1/credits/batch', 8 * MIB + 10);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'payload_too_large', limitBytes: 8 * MIB });
  });

  test('the event batch route says 16 MiB', async () => {
    const refused = await post('/v1/events/batch', 16 * MIB + 10);
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ code: 'payload_too_large', limitBytes: 16 * MIB });
  });
});
