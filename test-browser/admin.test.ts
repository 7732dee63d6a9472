import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENGINES } from '../test/support/test-database.ts';
import {
  type ConsoleUnderTest,
  forgetBrowser,
  openConsole,
  SCREENSHOTS,
  signIn,
} from './support/console-browser.ts';

/**
 * The admin screens in Chromium against a real `jifen serve`: an adjustment above the threshold
 * approved by a second staff member, a custom role that shows only its menu, and the audit log
 * that lists the approval and verifies green. One journey per test, in order.
 */
describe.each(ENGINES)('the admin screens in Chromium (%s)', (engine) => {
  let app: ConsoleUnderTest;
  const owner = { login: 'owner@example.com', name: '王店长', password: 'owner password 1' };
  const maker = { login: 'maker@example.com', name: '李客服', password: 'maker password 1' };
  const checker = { login: 'checker@example.com', name: '赵主管', password: 'checker password 1' };
  const screenshot = async (name: string) => {
    if (engine === 'pglite')
      await app.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  };
  /** A staff member's own API session (token mode), for set-up as them. */
  const asStaff = async (who: { login: string; password: string }) => {
    const login = await fetch(`${app.server.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: who.login, password: who.password, mode: 'token' }),
    });
    const { token } = (await login.json()) as { token: string };
    return async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app.server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
    };
  };
  const balance = async (memberId: string) => {
    const member = await app.api('GET', `/v1/members/${memberId}`);
    return (member.body as { balances: { available: number } }).balances.available;
  };

  beforeAll(async () => {
    app = await openConsole(engine);
    for (const [who, role] of [
      [owner, 'owner'],
      [maker, 'customer_service'],
      [checker, 'admin'],
    ] as const) {
      const added = await app.api('POST', '/v1/staff', { ...who, role });
      expect(added.status).toBe(201);
    }
  });
  afterAll(async () => app?.close());

  test('adjust above the threshold and approve it as a second staff member', async () => {
    const policy = await app.api('PUT', '/v1/approval-policy', {
      pointsAbove: 1000,
      bulk: false,
      tierAssignments: false,
    });
    expect(policy.status).toBe(200);
    expect((await app.api('PUT', '/v1/members/m-1001', { name: '张三' })).status).toBeLessThan(300);
    const asMaker = await asStaff(maker);
    const held = await asMaker('POST', '/v1/members/m-1001/adjustments', {
      points: 5000,
      reason: '补发双十一活动漏记的积分',
      operator: maker.name,
    });
    expect(held.status).toBe(202);
    expect(held.body).toMatchObject({ status: 'pending', action: 'adjustment' });
    const approvalId = held.body?.id as string;
    expect(await balance('m-1001')).toBe(0);

    // The maker cannot approve their own request (the API refuses it, whatever the role).
    const own = await asMaker('POST', `/v1/approvals/${approvalId}/approve`, {});
    expect(own.status).toBeGreaterThanOrEqual(403);

    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/approvals'));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, checker.login, checker.password);
    await page.waitForURL(/\/console\/approvals$/);
    const item = page.getByTestId(`approval-${approvalId}`);
    await item.waitFor();
    const described = (await item.textContent()) ?? '';
    expect(described).toContain('为会员 m-1001 调整积分 +5,000 积分');
    expect(described).toContain('补发双十一活动漏记的积分');
    expect(described).toContain(maker.name);
    expect(described).toContain('待审批');
    expect(await page.getByTestId('policy-threshold').textContent()).toBe('超过 1,000 积分');
    await screenshot('approvals-queue');

    await item.getByTestId('approve').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('decision-consequence').waitFor();
    expect(await dialog.getByTestId('decision-consequence').textContent()).toContain('批准后将立即执行');
    await dialog.getByTestId('decision-comment').fill('核对活动记录无误');
    await dialog.getByRole('button', { name: /^批\s?准$/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    // The pending queue no longer shows it; all statuses do, approved, with who decided.
    await item.waitFor({ state: 'detached' });
    await page.getByTestId('status-filter').click();
    await page.locator('.ant-select-item-option[title="全部"]').click();
    await item.waitFor();
    await expect.poll(() => item.textContent()).toContain('已批准');
    expect(await item.textContent()).toContain('你');
    expect(await item.textContent()).toContain('核对活动记录无误');
    expect(await balance('m-1001')).toBe(5000);
  });
});
