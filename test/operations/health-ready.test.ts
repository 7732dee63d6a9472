import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_DEADLINE_MS } from '../../src/http/routes/health-routes.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

describe.each(ENGINES)('/health and /ready (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => {
    await api.app.close();
  });

  it('/ready answers 200 once every migration ran, 503 not_ready while one is missing', async () => {
    const ready = await api.call('GET', '/ready', undefined, { authorization: '' });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', engine });
    const [last] = await api.db.query<{ version: number; name: string }>(
      'select version, name from schema_migrations order by version desc limit 1',
    );
    expect(ready.body.migration).toBe(last!.version);
    await api.db.query('delete from schema_migrations where version = $1', [last!.version]);
    try {
      const missing = await api.call('GET', '/ready');
      expect(missing.status).toBe(503);
      expect(missing.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(missing.body).toMatchObject({ code: 'not_ready' });
      expect(missing.body.detail).toContain(String(last!.version));
    } finally {
      await api.db.query('insert into schema_migrations (version, name) values ($1, $2)', [
        last!.version,
        last!.name,
      ]);
    }
  });

  it('/health answers at once while the database is stuck; /ready says 503 within its deadline', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A transaction that holds the table /ready reads (on PGlite: the one connection) for longer
    // than the readiness deadline.
    let locked: () => void = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const blocker = api.db.transaction(async (tx) => {
      await tx.query('lock table schema_migrations in access exclusive mode');
      locked();
      await held;
    });
    await isLocked;
    try {
      let started = performance.now();
      const health = await api.call('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', engine });
      expect(performance.now() - started).toBeLessThan(500);
      started = performance.now();
      const ready = await api.call('GET', '/ready');
      const waitedMs = performance.now() - started;
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ code: 'not_ready' });
      expect(ready.body.detail).toContain(`${READY_DEADLINE_MS} ms`);
      expect(waitedMs).toBeGreaterThanOrEqual(READY_DEADLINE_MS - 50);
      expect(waitedMs).toBeLessThan(READY_DEADLINE_MS + 1_500);
    } finally {
      release();
      await blocker;
    }
    expect((await api.call('GET', '/ready')).status).toBe(200);
  });

  it('/health stays 200 when the database is gone; /ready does not', async () => {
    await api.db.close();
    expect((await api.call('GET', '/health')).status).toBe(200);
    const ready = await api.call('GET', '/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: 'not_ready' });
  });
});
