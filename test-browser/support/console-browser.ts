import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../test/support/chromium.ts';
import { freshProcessStore, type ServerProcess, startServer } from '../../test/support/jifen-process.ts';

export const SCREENSHOTS = join(import.meta.dirname, '../../docs/screenshots');

export interface ConsoleUnderTest {
  server: ServerProcess;
  /** The owner API key `jifen serve` printed at bootstrap. */
  ownerKey: string;
  browser: BrowserContext;
  page: Page;
  /** http://127.0.0.1:PORT/console + path */
  url(path?: string): string;
  /** An API call with the owner key (test set-up only: the console itself uses the SDK). */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** A real `jifen serve` on a fresh store, and Chromium with a fresh profile, at 1280 × 800. */
export async function openConsole(engine: 'pglite' | 'postgres'): Promise<ConsoleUnderTest> {
  const store = await freshProcessStore(engine);
  const server = await startServer(store.args);
  const printed = /Owner API key[^\n]*\n\s*\n\s+(\S+)/.exec(server.output());
  if (!printed?.[1]) throw new Error(`jifen serve printed no owner key:\n${server.output()}`);
  const ownerKey = printed[1];
  const profile = mkdtempSync(join(tmpdir(), 'jifen-chromium-'));
  // The console then turns antd's animations off: a click never lands on a dialog still opening.
  const browser = await launchChromium(profile, { reducedMotion: 'reduce' });
  const page = browser.pages()[0] ?? (await browser.newPage());
  return {
    server,
    ownerKey,
    browser,
    page,
    url: (path = '/') => `${server.url}/console${path}`,
    async api(method, path, body) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ownerKey}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop().catch(() => {});
      await store.remove();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the sign-in page (already open), and waits for the shell's menu. */
export async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel(/登录名|Login/).fill(login);
  await page.getByLabel(/^(密码|Password)$/).fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('main-menu').waitFor();
}

/** Forgets the browser's session and language (the cookies and localStorage), for the next journey. */
export async function forgetBrowser(console: ConsoleUnderTest): Promise<void> {
  await console.browser.clearCookies();
  await console.page.goto(console.url('/sign-in'));
  // Runs in the page (the root tsconfig has no DOM types).
  await console.page.evaluate('localStorage.clear()');
}

/** The first owner each journey creates (first run) or adds (set-up). */
export const OWNER = { login: 'owner@example.com', name: '王店长', password: 'owner password 1' };

/** A screenshot for the README (docs/screenshots), taken in one engine's run (pglite) only. */
export async function saveScreenshot(
  app: ConsoleUnderTest,
  engine: 'pglite' | 'postgres',
  name: string,
  fullPage = false,
): Promise<void> {
  if (engine === 'pglite') await app.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}
