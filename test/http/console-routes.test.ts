import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONSOLE_CSP } from '../../src/http/routes/console-routes.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';

/** The admin console's pages at /console/ (src/http/routes/console-routes.ts), on a stand-in build. */
describe('the console at /console/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jifen-console-'));
  let api: TestApi;
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("console");');
    api = await openTestApi('pglite', undefined, { app: { consoleDir: dir } });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const get = (url: string) => api.app.inject({ method: 'GET', url });

  test('/console redirects to /console/, which answers the page, never cached, under its CSP', async () => {
    const bare = await get('/console');
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/console/');
    const page = await get('/console/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(page.body).toContain('<div id="root">');
  });

  test('a screen deep link answers the page (history fallback)', async () => {
    for (const url of [
      '/console/members/m-1001',
      '/console/members/zhang.wei@shop.cn',
      '/console/api-keys',
      '/console/sign-in?next=%2Fmembers',
    ]) {
      const page = await get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toContain('<div id="root">');
      expect(page.headers['cache-control']).toBe('no-cache');
    }
  });

  test('hashed assets are immutable for a year; a missing asset is a 404, not the page', async () => {
    const asset = await get('/console/assets/index-abc123.js');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of [
      '/console/assets/nope.js',
      '/console/favicon.ico',
      '/console/assets/../../package.json',
    ]) {
      const missing = await get(url);
      expect(missing.statusCode, url).toBe(404);
      expect(missing.body).not.toContain('<div id="root">');
    }
  });

  test('the console is not part of the API document', async () => {
    const document = (await get('/openapi.json')).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/console'))).toEqual([]);
  });
});

describe('the console before it is built', () => {
  let api: TestApi;
  const dir = join(tmpdir(), 'jifen-console-never-built');
  beforeAll(async () => {
    api = await openTestApi('pglite', undefined, { app: { consoleDir: dir } });
  });
  afterAll(async () => api?.close());

  test('answers 503 problem+json saying to run npm run build', async () => {
    for (const url of ['/console/', '/console/members', '/console/assets/index.js']) {
      const answer = await api.app.inject({ method: 'GET', url });
      expect(answer.statusCode, url).toBe(503);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(answer.json()).toMatchObject({
        code: 'console_not_built',
        detail: expect.stringContaining('npm run build'),
      });
    }
  });
});
