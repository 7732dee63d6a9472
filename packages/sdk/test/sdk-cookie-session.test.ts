import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../../../test/support/test-api.ts';
import { ENGINES } from '../../../test/support/test-database.ts';
import { csrfTokenFromCookie, Jifen, JifenError } from '../src/index.ts';

/**
 * A browser, as far as the SDK can tell: a fetch that keeps the cookies the server sets and sends
 * them back (only when asked with `credentials`), and records what each request carried.
 */
function browserFetch() {
  const jar = new Map<string, string>();
  const sent: { method: string; path: string; headers: Headers; credentials: string | undefined }[] = [];
  const fetchLikeABrowser: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    sent.push({ method: init?.method ?? 'GET', path: url.pathname, headers, credentials: init?.credentials });
    if (init?.credentials === 'same-origin' && jar.size > 0) {
      headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || value === '';
      if (expired) jar.delete(name.trim());
      else jar.set(name.trim(), value);
    }
    return response;
  };
  return { jar, sent, fetch: fetchLikeABrowser };
}

describe.each(ENGINES)('the SDK with a cookie session (%s)', (engine) => {
  let api: TestApi;
  let baseUrl: string;
  const login = 'console.admin@example.com';
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { secureCookies: false } });
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
    const owner = new Jifen({ baseUrl, apiKey: api.key, backoff: () => 1 });
    await owner.call('createStaff', { body: { login, name: 'Console Admin', role: 'owner', password } });
  });
  afterAll(async () => api?.close());

  test('signs in, reads and writes with the cookies and the CSRF header, and signs out', async () => {
    const browser = browserFetch();
    const jifen = new Jifen({
      baseUrl,
      session: 'cookie',
      csrfToken: () => browser.jar.get('jifen_csrf'),
      fetch: browser.fetch,
      backoff: () => 1,
    });
    const signedIn = await jifen.call('login', { body: { login, password } });
    expect(signedIn).toMatchObject({ status: 'signed_in', token: null });
    expect(browser.jar.get('jifen_session')).toMatch(/^jfs_/);
    expect(browser.jar.get('jifen_csrf')).toBeTruthy();

    const who = await jifen.call('getSession', {});
    expect(who).toMatchObject({ kind: 'staff', session: { login, role: 'owner' } });

    const created = await jifen.call('createApiKey', {
      body: { name: 'from the console', scopes: ['members:read'] },
    });
    expect(created.secret).toBeTruthy();

    // Every request went with the cookies and without an Authorization header; writes (and only
    // writes) carried the CSRF token.
    for (const request of browser.sent) {
      expect(request.credentials).toBe('same-origin');
      expect(request.headers.get('authorization')).toBeNull();
      const csrf = request.headers.get('x-csrf-token');
      if (request.method === 'GET') expect(csrf).toBeNull();
      else if (request.path !== '/v1/auth/login') expect(csrf).toBe(browser.jar.get('jifen_csrf'));
    }

    await jifen.call('logout', {});
    expect(browser.jar.has('jifen_session')).toBe(false);
    const after = await jifen.call('getSession', {}).catch((error: unknown) => error);
    expect(after).toBeInstanceOf(JifenError);
    expect(after).toMatchObject({ status: 401, code: 'unauthenticated' });
  });

  test('a write without the CSRF token is refused', async () => {
    const browser = browserFetch();
    const jifen = new Jifen({
      baseUrl,
      session: 'cookie',
      csrfToken: () => null,
      fetch: browser.fetch,
      backoff: () => 1,
    });
    await jifen.call('login', { body: { login, password } });
    const refused = await jifen
      .call('createApiKey', { body: { name: 'no csrf', scopes: ['members:read'] } })
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 403, code: 'csrf_token_invalid' });
  });

  test('a relative baseUrl is resolved against the page', async () => {
    const browser = browserFetch();
    const page = globalThis as { location?: { href: string } };
    page.location = { href: `${baseUrl}/console/api-keys` };
    try {
      const jifen = new Jifen({ baseUrl: '', session: 'cookie', fetch: browser.fetch, backoff: () => 1 });
      await jifen.call('login', { body: { login, password } });
      expect(browser.sent.at(-1)?.path).toBe('/v1/auth/login');
      expect(await jifen.call('getSession', {})).toMatchObject({ kind: 'staff' });
    } finally {
      delete page.location;
    }
  });
});

describe('the CSRF token of the page', () => {
  const page = globalThis as { document?: { cookie: string } };
  afterEach(() => {
    delete page.document;
  });

  test('is read from the jifen_csrf cookie of document.cookie', () => {
    page.document = { cookie: 'theme=dark; jifen_csrf=abc%3D123; other=1' };
    expect(csrfTokenFromCookie()).toBe('abc=123');
  });

  test('is null without a document or without the cookie', () => {
    expect(csrfTokenFromCookie()).toBeNull();
    page.document = { cookie: 'theme=dark' };
    expect(csrfTokenFromCookie()).toBeNull();
  });

  test('an SDK without an API key or a session mode is a mistake said at once', () => {
    expect(() => new Jifen({ baseUrl: 'http://127.0.0.1:1', apiKey: '' })).toThrow(/apiKey/);
  });
});
