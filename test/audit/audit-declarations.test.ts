import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AUDITED } from '../../src/http/audit-declarations.ts';
import { auditDeclarations } from '../../src/http/audit-hooks.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';

/**
 * No write goes unrecorded by oversight: every non-GET operation of the OpenAPI document declares
 * what it records (src/http/audit-declarations.ts, or the route's `config.audit`), and the table
 * names no route that is gone. A new write route fails here until it says what it records.
 */
describe('audit declarations', () => {
  let api: TestApi;
  let writes: string[];
  beforeAll(async () => {
    api = await openTestApi('pglite');
    const document = (await api.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    writes = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => method !== 'get')
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
  });
  afterAll(async () => api?.close());

  test('every write of the OpenAPI document declares what it records', () => {
    const declared = auditDeclarations(api.app);
    const undeclared = writes.filter((route) => declared.get(route) === undefined);
    expect(undeclared).toEqual([]);
    expect(writes.length).toBeGreaterThan(60);
  });

  test('the table names only routes that exist, with stable dotted action names', () => {
    const routes = new Set(auditDeclarations(api.app).keys());
    expect(Object.keys(AUDITED).filter((route) => !routes.has(route))).toEqual([]);
    for (const declaration of Object.values(AUDITED)) {
      expect(declaration.action).toMatch(/^[a-z_]+\.[a-z_]+$/);
    }
  });
});
