import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENGINES } from '../test/support/test-database.ts';
import {
  type ConsoleUnderTest,
  forgetBrowser,
  OWNER,
  openConsole,
  saveScreenshot,
  signIn,
} from './support/console-browser.ts';

/**
 * The console's foundation in Chromium against a real `jifen serve`: first run, sign-in, the API
 * keys screen, the language switch, deep links through sign-in, session expiry, and a role that
 * may not see API keys. One journey per test, in order (each starts from a forgotten browser).
 */
describe.each(ENGINES)('the console in Chromium (%s)', (engine) => {
  let app: ConsoleUnderTest;
  const owner = OWNER;
  const clerk = { login: 'clerk@example.com', name: 'Store Clerk', password: 'clerk password 1' };
  const screenshot = (name: string) => saveScreenshot(app, engine, name);

  beforeAll(async () => {
    app = await openConsole(engine);
  });
  afterAll(async () => app?.close());

  test('jifen serve says where the console is', () => {
    expect(app.server.output()).toContain(`${app.server.url}/console/`);
  });

  test('first run: the owner key printed at bootstrap creates the first owner, who is signed in', async () => {
    const { page } = app;
    await page.goto(app.url('/'));
    // Nobody is signed in: the console asks to sign in, and grants nothing to whoever opened it.
    await page.waitForURL(/\/console\/sign-in/);
    await page.getByRole('link', { name: /创建第一位所有者/ }).click();
    await page.waitForURL(/\/console\/first-run$/);

    await page.getByLabel('所有者 API 密钥').fill('jfk_not_the_owner_key');
    await page.getByLabel('姓名').fill(owner.name);
    await page.getByLabel('登录名').fill(owner.login);
    await page.getByLabel('密码', { exact: true }).fill(owner.password);
    await page.getByLabel('确认密码').fill(owner.password);
    await page.getByRole('button', { name: /创建所有者并登录/ }).click();
    await expect.poll(() => page.getByText('该 API 密钥无效，或没有管理员工的权限。').isVisible()).toBe(true);

    await page.getByLabel('所有者 API 密钥').fill(app.ownerKey);
    // A new key clears the error; nothing else typed was lost.
    await page.getByText('该 API 密钥无效，或没有管理员工的权限。').waitFor({ state: 'hidden' });
    expect(await page.getByLabel('登录名').inputValue()).toBe(owner.login);
    await screenshot('first-run');
    await page.getByRole('button', { name: /创建所有者并登录/ }).click();
    await page.getByTestId('main-menu').waitFor();
    await expect.poll(() => page.getByTestId('user-menu').textContent()).toContain(owner.name);
    const staff = await app.api('GET', '/v1/staff');
    expect(staff.body).toMatchObject({ data: [{ login: owner.login, role: 'owner' }] });
  });

  test('sign in: a wrong password says so; the right one opens the shell', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/sign-in'));
    await page.getByLabel('登录名').fill(owner.login);
    await page.getByLabel('密码').fill('not the password');
    await page.locator('form button[type="submit"]').click();
    await page.getByTestId('sign-in-error').waitFor();
    expect(await page.getByTestId('sign-in-error').textContent()).toContain('登录名或密码错误');
    await screenshot('sign-in');

    await page.getByLabel('密码').fill(owner.password);
    await page.locator('form button[type="submit"]').click();
    await page.getByTestId('main-menu').waitFor();
    const menu = await page.getByTestId('main-menu').textContent();
    for (const item of ['会员', '审批', '员工与角色', '审计日志', 'API 密钥', '计划设置'])
      expect(menu).toContain(item);
  });

  test('API keys: the list, a key created (secret shown once) and revoked after a confirmation', async () => {
    const { page } = app;
    await page.getByTestId('main-menu').getByText('API 密钥').click();
    await page.waitForURL(/\/console\/api-keys$/);
    const table = page.getByTestId('api-keys-table');
    await table.getByText('owner', { exact: true }).waitFor();

    await page.getByTestId('create-key').first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: /创\s?建/ }).click();
    // Checked as the API checks: a name and at least one scope.
    await dialog.getByText('请输入名称').waitFor();
    await dialog.getByText('至少选择一个权限范围').waitFor();
    await dialog.getByLabel('名称').fill('门店收银');
    await dialog.locator('label', { hasText: '会员：读取' }).click();
    await dialog.locator('label', { hasText: '积分流水：写入' }).click();
    await dialog.getByRole('button', { name: /创\s?建/ }).click();
    const secret = page.getByTestId('new-key-secret');
    await secret.waitFor();
    const shown = (await secret.textContent()) ?? '';
    expect(shown.length).toBeGreaterThan(20);
    await screenshot('api-key-created');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /关\s?闭/ })
      .click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    const row = table.locator('tr', { hasText: '门店收银' });
    await row.waitFor();
    expect(await row.textContent()).toContain('会员：读取');
    // The new key works: the API answers it.
    const asKey = await fetch(`${app.server.url}/v1/members?limit=1`, {
      headers: { authorization: `Bearer ${shown}` },
    });
    expect(asKey.status).toBe(200);
    await screenshot('api-keys');

    await row.getByRole('button', { name: /吊\s?销/ }).click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText('将立即失效').waitFor();
    expect(await confirm.textContent()).toContain('此操作不可撤销');
    await confirm.getByRole('button', { name: /^吊\s?销$/ }).click();
    await row.getByText('已吊销', { exact: true }).waitFor();
    const afterRevoke = await fetch(`${app.server.url}/v1/members?limit=1`, {
      headers: { authorization: `Bearer ${shown}` },
    });
    expect(afterRevoke.status).toBe(401);
  });

  test('the language switch changes every word, and is remembered', async () => {
    const { page } = app;
    const menu = page.getByTestId('main-menu');
    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await expect.poll(() => menu.textContent()).toContain('API keys');
    expect(await menu.textContent()).toContain('Staff & roles');
    expect(await page.locator('h3').first().textContent()).toBe('API keys');
    await page.mouse.move(640, 700);
    await page.getByRole('menuitem', { name: 'English' }).waitFor({ state: 'hidden' });
    await screenshot('api-keys-en');
    await page.reload();
    await menu.waitFor();
    expect(await menu.textContent()).toContain('Members');
    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await expect.poll(() => menu.textContent()).toContain('API 密钥');
  });

  test('a deep link opens after sign-in; an ended session returns there after signing in again', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/api-keys'));
    await page.waitForURL(/\/console\/sign-in\?next=%2Fapi-keys/);
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/api-keys$/);
    await page.getByTestId('api-keys-table').waitFor();

    // The session ends elsewhere (here: signed out with its cookie, as another tab would).
    await page.getByTestId('main-menu').getByText('会员').click();
    await page.getByTestId('member-search').waitFor();
    const cookies = await app.browser.cookies();
    const cookie = cookies.map(({ name, value }) => `${name}=${value}`).join('; ');
    const csrf = cookies.find(({ name }) => name === 'jifen_csrf')?.value ?? '';
    const ended = await fetch(`${app.server.url}/v1/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(ended.status).toBe(200);

    await page.getByTestId('main-menu').getByText('API 密钥').click();
    await page.getByTestId('session-ended').waitFor();
    expect(page.url()).toMatch(/next=%2Fapi-keys/);
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/api-keys$/);
  });

  test('a store clerk sees no API keys in the menu, and its deep link answers 403', async () => {
    const added = await app.api('POST', '/v1/staff', { ...clerk, role: 'store_clerk', storeIds: ['s-001'] });
    expect(added.status).toBe(201);
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/'));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, clerk.login, clerk.password);
    const menu = await page.getByTestId('main-menu').textContent();
    expect(menu).toContain('会员');
    expect(menu).not.toContain('API 密钥');
    expect(menu).not.toContain('员工与角色');

    await page.goto(app.url('/api-keys'));
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').textContent()).toContain('keys:read');
    await screenshot('forbidden');
  });

  test('the initial JavaScript of the console stays under 400 KB gzip', async () => {
    // What index.html loads at once (scripts/build-console.mjs prints the same sum at each build).
    const dist = join(import.meta.dirname, '../console/dist');
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    const files = [...html.matchAll(/(?:src|href)="\/console\/([^"]+\.js)"/g)].map((match) => match[1]!);
    expect(files.length).toBeGreaterThan(0);
    const total = files.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(dist, file)), { level: 9 }).length,
      0,
    );
    expect(total).toBeLessThan(400 * 1024);
  });
});
