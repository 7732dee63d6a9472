import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENGINES } from '../test/support/test-database.ts';
import { type ConsoleUnderTest, openConsole } from './support/console-browser.ts';

/**
 * A person who is staff of two programs: sign-in asks which, and the header's switch (fed by the
 * session's list of the person's programs) moves the session to the other one, with that program's
 * data and role.
 */
describe.each(ENGINES)('choosing and switching programs (%s)', (engine) => {
  let app: ConsoleUnderTest;
  const person = { login: 'zhou.min@example.com', name: '周敏', password: 'two programs pass 1' };

  beforeAll(async () => {
    app = await openConsole(engine);
    const admin = /Admin key[^\n]*\n\s*\n\s+(\S+)/.exec(app.server.output())?.[1];
    if (!admin) throw new Error(`jifen serve printed no admin key:\n${app.server.output()}`);
    const asAdmin = async (path: string, body: unknown) => {
      const response = await fetch(`${app.server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(201);
      return (await response.json()) as { id?: string; secret?: string };
    };
    const teaHouse = await asAdmin('/v1/programs', { name: '茶馆会员', currency: 'CNY' });
    const teaKey = (await asAdmin(`/v1/programs/${teaHouse.id}/keys`, { name: 'owner' })).secret!;
    expect((await app.api('POST', '/v1/staff', { ...person, role: 'owner' })).status).toBe(201);
    const inTeaHouse = await fetch(`${app.server.url}/v1/staff`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teaKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ login: person.login, name: person.name, role: 'finance' }),
    });
    expect(inTeaHouse.status, await inTeaHouse.clone().text()).toBe(201);
    await fetch(`${app.server.url}/v1/members/tea-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${teaKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '茶客' }),
    });
  });
  afterAll(async () => app?.close());

  test('sign-in asks which program; the header switches to the other, with its role and members', async () => {
    const { page } = app;
    await page.goto(app.url('/members'));
    await page.waitForURL(/\/console\/sign-in/);
    await page.getByLabel(/登录名/).fill(person.login);
    await page.getByLabel(/^密码$/).fill(person.password);
    await page.locator('form button[type="submit"]').click();
    // Two programs: the form asks which, and signs in to the one chosen.
    await page.getByLabel('计划', { exact: true }).click();
    await page.locator('.ant-select-item-option', { hasText: 'Default program (owner)' }).click();
    await page.locator('form button[type="submit"]').click();
    await page.getByTestId('main-menu').waitFor();

    const programSwitch = page.getByTestId('program-switch');
    await expect.poll(() => programSwitch.textContent()).toContain('Default program');
    // The owner sees API keys; in the tea house the same person is finance, who does not.
    await expect.poll(() => page.getByTestId('main-menu').textContent()).toContain('API 密钥');

    await programSwitch.click();
    await page.locator('.ant-select-item-option', { hasText: '茶馆会员' }).click();
    await expect.poll(() => programSwitch.textContent()).toContain('茶馆会员');
    await expect.poll(() => page.getByTestId('main-menu').textContent()).not.toContain('API 密钥');
    await page.goto(app.url('/members'));
    await page.getByTestId('members-first-row').waitFor();
    expect(await page.getByTestId('members-first-row').textContent()).toContain('tea-1');
  });
});
