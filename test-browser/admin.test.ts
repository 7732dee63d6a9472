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
  /** The open dialog, once its opening animation has ended (a click during the zoom can miss). */
  const openDialog = async () => {
    const dialog = app.page.getByRole('dialog');
    await dialog.waitFor();
    await app.page.locator('.ant-zoom-enter, .ant-zoom-appear').first().waitFor({ state: 'detached' });
    return dialog;
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
    // The bell in the header counts the notice of the request waiting for a checker.
    await expect
      .poll(() => page.getByTestId('notices-bell').getAttribute('aria-label'))
      .toMatch(/未读通知：[1-9]/);
    // Staff names come with the staff list, which may answer after the queue.
    await expect.poll(() => item.textContent()).toContain(maker.name);
    const described = (await item.textContent()) ?? '';
    expect(described).toContain('为会员 m-1001 调整积分 +5,000 积分');
    expect(described).toContain('补发双十一活动漏记的积分');
    expect(described).toContain(maker.name);
    expect(described).toContain('待审批');
    expect(await page.getByTestId('policy-threshold').textContent()).toBe('超过 1,000 积分');
    await screenshot('approvals-queue');

    await item.getByTestId('approve').click();
    const dialog = await openDialog();
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

    // The policy, changed here by a role with program:manage.
    await page.getByTestId('edit-policy').click();
    const policyCard = page.getByTestId('approval-policy');
    await policyCard.getByLabel('积分阈值').fill('2000');
    await policyCard.getByRole('button', { name: /保\s?存/ }).click();
    await expect.poll(() => page.getByTestId('policy-threshold').textContent()).toBe('超过 2,000 积分');
    expect(await app.api('GET', '/v1/approval-policy')).toMatchObject({ body: { pointsAbove: 2000 } });

    // A checker's own request: the API refuses their approval (its message shown), they may withdraw it.
    const asChecker = await asStaff(checker);
    const ownRequest = await asChecker('POST', '/v1/members/m-1001/adjustments', {
      points: -3000,
      reason: '误发积分收回',
      operator: checker.name,
    });
    expect(ownRequest.status).toBe(202);
    await page.setViewportSize({ width: 820, height: 1180 });
    await page.reload();
    const mine = page.getByTestId(`approval-${ownRequest.body?.id as string}`);
    await mine.waitFor();
    expect(await mine.textContent()).toContain('为会员 m-1001 调整积分 -3,000 积分');
    expect(await mine.textContent()).toContain('这是你发起的申请');
    await screenshot('approvals-tablet');
    await mine.getByTestId('approve').click();
    await openDialog();
    await dialog.getByRole('button', { name: /^批\s?准$/ }).click();
    await dialog.getByTestId('decision-error').waitFor();
    expect(await dialog.getByTestId('decision-error').textContent()).toContain('不能审批自己发起的申请');
    await dialog.getByRole('button', { name: /取\s?消/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await mine.getByTestId('cancel-approval').click();
    const confirm = await openDialog();
    expect(await confirm.textContent()).toContain(
      '撤回后这项申请不会执行：为会员 m-1001 调整积分 -3,000 积分',
    );
    await confirm.getByRole('button', { name: /^撤\s?回$/ }).click();
    await mine.waitFor({ state: 'detached' });
    expect(await balance('m-1001')).toBe(5000);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('create a custom role and a staff member with it, sign in as them and see only the allowed menu', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/staff'));
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/staff$/);
    await page.getByTestId('staff-table').getByText(maker.login).waitFor();
    await page.getByRole('tab', { name: '角色' }).click();
    await page.getByTestId('roles-table').getByText('门店店员').waitFor();

    await page.getByTestId('create-role').click();
    const dialog = await openDialog();
    await dialog.getByLabel('角色名称').waitFor();
    await dialog.getByRole('button', { name: /保\s?存/ }).click();
    // Checked as the API checks: a name and at least one permission.
    await dialog.getByText('请输入角色名称').waitFor();
    await dialog.getByText('至少选择一项权限').waitFor();
    await dialog.getByLabel('角色名称').fill('门店主管');
    await dialog.locator('label', { hasText: '查看会员' }).click();
    await dialog.locator('label', { hasText: '查看审批' }).click();
    await dialog.locator('label', { hasText: '审批' }).filter({ hasNotText: '查看' }).first().click();
    await expect.poll(() => dialog.getByTestId('permission-matrix').textContent()).toContain('已选 3 / 45');
    await dialog.getByLabel('角色名称').scrollIntoViewIfNeeded();
    if (engine === 'pglite') await page.screenshot({ path: join(SCREENSHOTS, 'staff-role-editor.png') });
    await dialog.getByRole('button', { name: /保\s?存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('roles-table').locator('tr', { hasText: '门店主管' });
    await row.waitFor();
    expect(await row.textContent()).toContain('3 项权限');

    await page.getByRole('tab', { name: '员工' }).click();
    await page.getByTestId('create-staff').click();
    const form = await openDialog();
    await form.getByLabel('姓名').fill('周主管');
    await form.getByLabel('登录名').fill('manager@example.com');
    await form.getByLabel('初始密码').fill('short');
    await form.getByTestId('role-select').click();
    await page.locator('.ant-select-item-option[title="门店主管"]').click();
    await form.getByRole('button', { name: /添\s?加/ }).click();
    await form.getByText('密码为 10 到 256 个字符').waitFor();
    await form.getByLabel('初始密码').fill('manager password 1');
    await form.getByRole('button', { name: /添\s?加/ }).click();
    await form.waitFor({ state: 'hidden' });
    const staffRow = page.getByTestId('staff-table').locator('tr', { hasText: 'manager@example.com' });
    await staffRow.waitFor();
    expect(await staffRow.textContent()).toContain('门店主管');
    await screenshot('staff-list');

    // Disabling says what will happen (here: not done).
    await page
      .getByTestId('staff-table')
      .locator('tr', { hasText: maker.login })
      .getByRole('button', { name: /停\s?用/ })
      .click();
    const disable = await openDialog();
    await disable.getByText('将无法再登录').waitFor();
    expect(await disable.textContent()).toContain(maker.login);
    await disable.getByRole('button', { name: /取\s?消/ }).click();
    await disable.waitFor({ state: 'hidden' });

    // A role someone holds cannot be deleted: the API says so.
    await page.getByRole('tab', { name: '角色' }).click();
    await row.getByRole('button', { name: /删\s?除/ }).click();
    const confirmDelete = await openDialog();
    await confirmDelete.getByText('只有没有员工使用的角色才能删除').waitFor();
    await confirmDelete.getByRole('button', { name: /^删\s?除$/ }).click();
    await page.getByText('仍有员工使用此角色，不能删除。请先为他们更换角色。').waitFor();
    await row.waitFor();

    await forgetBrowser(app);
    await page.goto(app.url('/'));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, 'manager@example.com', 'manager password 1');
    const menu = (await page.getByTestId('main-menu').textContent()) ?? '';
    expect(menu).toContain('会员');
    expect(menu).toContain('审批');
    for (const hidden of ['用户分层', '员工与角色', '审计日志', 'API 密钥', '计划设置'])
      expect(menu).not.toContain(hidden);
  });

  test('audit log lists the approval and verifies green; the export downloads CSV', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url('/audit'));
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/audit$/);
    const table = page.getByTestId('audit-table');
    await table.getByText('批准审批').first().waitFor();
    const approved = table.locator('tr', { hasText: '批准审批' }).first();
    await expect.poll(() => approved.textContent()).toContain(checker.name);
    expect(await approved.textContent()).toContain('approval');

    // Only the approvals: the filter asks the API.
    await page.getByTestId('action-filter').click();
    await page.locator('.ant-select-item-option[title="批准审批"]').click();
    await page.getByRole('button', { name: /查\s?询/ }).click();
    // The checker's approval, and the refused attempts to approve one's own request (the maker's
    // and the checker's).
    const rows = table.locator('tbody tr.ant-table-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.filter({ hasText: maker.name }).textContent()).toMatch(/40[39]/);
    // And only those that succeeded.
    await page.getByTestId('outcome-filter').click();
    await page.locator('.ant-select-item-option[title="200 成功"]').click();
    await page.getByRole('button', { name: /查\s?询/ }).click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.textContent()).toContain(checker.name);

    await page.getByTestId('verify-audit').click();
    const chain = page.getByTestId('chain-result');
    await chain.waitFor();
    expect(await chain.textContent()).toContain('审计链完整');
    expect(await chain.getAttribute('class')).toContain('ant-alert-success');
    await screenshot('audit-log');

    const download = page.waitForEvent('download');
    await page.getByTestId('export-audit').click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path, 'utf8');
    expect(csv).toContain('approval.approved');
  });
});
