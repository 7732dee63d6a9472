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
 * Program settings (计划设置) in Chromium against a real `jifen serve`: a change is confirmed with
 * what it affects, saved and still there after a reload (and in the API); a value the API refuses
 * shows the API's error next to its field with everything typed kept; a role without
 * program:manage reads the settings and cannot change them.
 */
describe.each(ENGINES)('program settings in Chromium (%s)', (engine) => {
  let app: ConsoleUnderTest;
  const owner = OWNER;
  const finance = { login: 'finance@example.com', name: '李会计', password: 'finance password 1' };
  const screenshot = (name: string, fullPage = false) => saveScreenshot(app, engine, name, fullPage);
  type ProgramBody = {
    id: string;
    name: string;
    timezone: string;
    expiryPolicy: unknown;
    pointValue: { points: number; amountMinor: number };
  };
  const program = async () => (await app.api('GET', '/v1/program')).body as ProgramBody;

  beforeAll(async () => {
    app = await openConsole(engine);
    for (const [person, role] of [
      [owner, 'owner'],
      [finance, 'finance'],
    ] as const) {
      const added = await app.api('POST', '/v1/staff', { ...person, role });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
    }
  });
  afterAll(async () => app?.close());

  test('a change is confirmed with what it affects, saved, and still there after a reload', async () => {
    const { page } = app;
    await page.goto(app.url('/settings'));
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/settings$/);
    const form = page.getByTestId('settings-form');
    await form.waitFor();
    expect(await page.getByLabel('计划名称').inputValue()).toBe((await program()).name);

    // Point value: 100 points = ¥2.00, with its live example.
    await page.getByRole('spinbutton', { name: '积分数' }).fill('100');
    await page.getByRole('spinbutton', { name: '金额' }).fill('2');
    await expect
      .poll(() => page.getByTestId('point-value-example').textContent())
      .toContain('100 积分 = ¥2.00');
    // Expiry: 18 months after crediting.
    await form.getByText('入账后固定时长').click();
    await page.getByRole('spinbutton', { name: '时长' }).fill('18');
    await page.getByTestId('settings-save').click();

    const confirm = page.getByTestId('settings-confirm');
    await confirm.waitFor();
    const said = (await confirm.textContent()) ?? '';
    expect(said).toContain('积分价值');
    expect(said).toContain('100 积分 = ¥2.00');
    expect(said).toContain('今后入账的积分：入账后 18 个月到期；已入账的积分保留原有到期日，不会重新计算。');
    await screenshot('settings-confirm');
    await page.getByRole('button', { name: '确认保存' }).click();
    await page.getByText('计划设置已保存').waitFor();

    const saved = await program();
    expect(saved.expiryPolicy).toEqual({ kind: 'rolling', unit: 'months', count: 18 });
    expect(saved.pointValue).toEqual({ points: 100, amountMinor: 200 });

    await page.reload();
    await form.waitFor();
    expect(await page.getByRole('spinbutton', { name: '时长' }).inputValue()).toBe('18');
    expect(await page.getByRole('spinbutton', { name: '金额' }).inputValue()).toBe('2.00');
    await page.mouse.move(0, 0);
    await screenshot('settings', true);

    // On a tablet (820 × 1180) the form fits the width: nothing to scroll sideways.
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.getByTestId('settings-save').waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('a value the API refuses: its error next to the field, and what was typed stays', async () => {
    const { page } = app;
    const before = await program();
    await page.getByLabel('计划名称').fill('会员积分计划（新）');
    const timezone = page.getByLabel('计划时区');
    await timezone.fill('Mars/Olympus');
    await page.keyboard.press('Tab');
    await page.getByTestId('settings-save').click();
    const confirm = page.getByTestId('settings-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Mars/Olympus');
    await page.getByRole('button', { name: '确认保存' }).click();

    // The API's own message, under the timezone field.
    const fieldError = page
      .locator('.ant-form-item', { has: timezone })
      .locator('.ant-form-item-explain-error');
    await fieldError.waitFor();
    expect(await fieldError.textContent()).toContain('is not an IANA timezone');
    expect(await page.getByTestId('form-error').textContent()).toContain('请检查标出的字段');
    expect(await page.getByLabel('计划名称').inputValue()).toBe('会员积分计划（新）');
    expect(await timezone.inputValue()).toBe('Mars/Olympus');
    expect(await page.getByRole('spinbutton', { name: '时长' }).inputValue()).toBe('18');
    // Nothing was saved.
    expect((await program()).name).toBe(before.name);
    expect((await program()).timezone).toBe(before.timezone);

    // Put right, it saves.
    await timezone.fill('Asia/Hong_Kong');
    await page.keyboard.press('Tab');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-confirm').waitFor();
    expect(await page.getByTestId('settings-confirm').textContent()).toContain('已入账积分的到期时刻不变');
    await page.getByRole('button', { name: '确认保存' }).click();
    await page.getByText('计划设置已保存').waitFor();
    expect(await program()).toMatchObject({ name: '会员积分计划（新）', timezone: 'Asia/Hong_Kong' });
  });

  test('a role without program:manage reads the settings and cannot change them', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/settings'));
    await signIn(page, finance.login, finance.password);
    await page.waitForURL(/\/console\/settings$/);
    await page.getByTestId('settings-read-only').waitFor();
    expect(await page.getByLabel('计划名称').inputValue()).toBe('会员积分计划（新）');
    expect(await page.getByLabel('计划名称').isDisabled()).toBe(true);
    expect(await page.getByRole('spinbutton', { name: '金额' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('settings-save').count()).toBe(0);
    // The program id, read-only, with the deployment's database.
    const about = (await page.getByTestId('settings-about').textContent()) ?? '';
    expect(about).toContain((await program()).id);
    expect(about).toContain(engine === 'pglite' ? '内嵌数据库（PGlite）' : 'PostgreSQL');
  });
});
