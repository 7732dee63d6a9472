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
 * The Members screen in Chromium against a real `jifen serve`: find a member and read why each
 * entry happened (in both languages), adjust below and above the approval threshold, freeze and
 * reactivate, and a role without the adjust permission. One server per engine; journeys in order.
 */
describe.each(ENGINES)('members in the console (%s)', (engine) => {
  let app: ConsoleUnderTest;
  let ruleId = '';
  const owner = OWNER;
  const operator = { login: 'ops@example.com', name: '运营小李', password: 'operator password 1' };
  const memberId = 'm-1001';
  const screenshot = (name: string) => saveScreenshot(app, engine, name);
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await app.api(method, path, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown>;
  };
  const available = async () =>
    ((await ok('GET', `/v1/members/${memberId}`)).balances as { available: number }).available;

  beforeAll(async () => {
    app = await openConsole(engine);
    await ok('POST', '/v1/staff', { ...owner, role: 'owner' });
    await ok('POST', '/v1/staff', { ...operator, role: 'operator' });
    // A rule that earns on paid orders, an order that earns by it, and a credit by hand with a reason.
    await ok('PUT', '/v1/tiers', {
      window: { kind: 'calendar_year' },
      evaluation: { kind: 'period_end', every: 'year' },
      downgrade: 'one_step',
      tiers: [
        { code: 'normal', name: { 'zh-CN': '普通会员', en: 'Member' }, entryGrowth: 0, retainGrowth: 0 },
        { code: 'silver', name: { 'zh-CN': '银卡', en: 'Silver' }, entryGrowth: 1000, retainGrowth: 800 },
        { code: 'gold', name: { 'zh-CN': '金卡', en: 'Gold' }, entryGrowth: 5000, retainGrowth: 4000 },
      ],
    });
    const rule = await ok('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    });
    ruleId = String(rule.id);
    await ok('POST', `/v1/rules/${ruleId}/publish`);
    await ok('PUT', `/v1/members/${memberId}`, { name: '张三', nickname: '小张', tags: ['vip'] });
    await ok('PUT', '/v1/members/m-1002', { name: '李四' });
    await ok('PUT', `/v1/members/${memberId}/notification-preferences`, { phone: '13800138000' });
    await ok('POST', '/v1/events', {
      id: 'evt-7001',
      type: 'order.paid',
      memberId,
      occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      attributes: { orderId: 'o-7001', amountMinor: 12800 },
    });
    await ok('POST', `/v1/members/${memberId}/credits`, {
      points: 200,
      growth: 300,
      expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString(),
      reason: { 'zh-CN': '开卡礼', en: 'Welcome gift' },
    });
    await ok('PUT', '/v1/approval-policy', { pointsAbove: 1000, bulk: false, tierAssignments: false });
  });
  afterAll(async () => app?.close());

  test('find a member and read why each entry happened, in Chinese and in English', async () => {
    const { page } = app;
    await page.goto(app.url('/members'));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/members$/);
    await page.getByTestId('members-first-row').waitFor();
    await screenshot('members-list');

    await page.getByLabel('会员 ID').fill('m-100');
    await page.getByLabel('状态').click();
    await page.getByTitle('正常').click();
    await page.getByTestId('member-search-submit').click();
    await expect.poll(() => page.getByTestId('members-table').locator('tr.ant-table-row').count()).toBe(2);
    // By phone: the whole number, found through the blind index.
    await page
      .getByTestId('member-search')
      .getByRole('button', { name: /重\s?置/ })
      .click();
    await page.getByLabel('手机号').fill('13800138000');
    await page.getByTestId('member-search-submit').click();
    await expect.poll(() => page.getByTestId('members-table').locator('tr.ant-table-row').count()).toBe(1);
    await page.waitForURL(/phone=13800138000/);
    const row = page.getByTestId('members-first-row');
    expect(await row.textContent()).toContain('张三');
    await row.getByRole('link', { name: memberId }).click();
    await page.waitForURL(/\/console\/members\/m-1001$/);

    const journal = page.getByTestId('journal-table');
    await journal.getByText('开卡礼').first().waitFor();
    const text = (await journal.textContent()) ?? '';
    expect(text).toContain(`规则 ${ruleId} · 第 1 版`);
    expect(text).toContain('事件 evt-7001');
    expect(text).toContain('订单 o-7001');
    expect(text).toContain('获得');
    expect(await page.getByTestId('balance-available').textContent()).toContain('328');
    await page.getByTestId('expiry-calendar').getByText('200').waitFor();
    expect(await page.getByTestId('member-tier').textContent()).toContain('距 银卡 还需 700 成长值');
    await saveScreenshot(app, engine, 'members-member', true);

    // On a tablet (820 px) the page still fits: nothing wider than the screen but the tables' own scroll.
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(820);
    await page.setViewportSize({ width: 1280, height: 800 });

    // The events tab: the event and the rule version that awarded it.
    await page.getByRole('tab', { name: '事件与结果' }).click();
    await page.getByTestId('events-table').getByText(`${ruleId} 第 1 版：+128`).waitFor();
    await page.getByRole('tab', { name: '积分批次' }).click();
    await page.getByTestId('lots-table').waitFor();
    await page.getByRole('tab', { name: '积分明细' }).click();

    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await journal.getByText('Welcome gift').first().waitFor();
    const english = (await journal.textContent()) ?? '';
    expect(english).toContain(`Rule ${ruleId} · version 1`);
    expect(english).toContain('Order o-7001');
    expect(english).not.toContain('开卡礼');
    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await journal.getByText('开卡礼').first().waitFor();
  });

  test('an adjustment below the approval threshold moves the points, after a confirmation', async () => {
    const { page } = app;
    const before = await available();
    await page.getByTestId('adjust-points').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('adjust-next').click();
    // Checked as the API checks before anything is sent.
    await dialog.getByText('请输入积分数量').waitFor();
    await dialog.getByText('请填写原因').waitFor();
    await dialog.getByLabel('积分数量').fill('50');
    await dialog.getByLabel('原因（中文）').fill('物流延误补偿');
    await dialog.getByLabel('原因（英文）').fill('Late delivery');
    expect(await dialog.getByLabel('操作人').inputValue()).toBe(owner.name);
    await dialog.getByText('超过 1,000 分的调整需要另一位员工审批').waitFor();
    await dialog.getByText('请填写原因').waitFor({ state: 'hidden' });
    await screenshot('members-adjust');
    await dialog.getByTestId('adjust-next').click();
    const confirmation = dialog.getByTestId('adjust-confirmation');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toContain(
      `将为会员 ${memberId} 增加 50 分，可用积分从 ${before} 变为 ${before + 50}`,
    );
    await dialog.getByTestId('adjust-confirm').click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await expect
      .poll(() => page.getByTestId('balance-available').textContent())
      .toContain(String(before + 50));
    expect(await available()).toBe(before + 50);
    await page.getByTestId('journal-table').getByText('物流延误补偿').waitFor();
    expect(await page.getByTestId('journal-table').textContent()).toContain(`操作人：${owner.name}`);
  });

  test('an adjustment above the approval threshold is held for approval, and no points move', async () => {
    const { page } = app;
    const before = await available();
    await page.getByTestId('adjust-points').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('积分数量').fill('5000');
    await dialog.getByLabel('原因（中文）').fill('大额补偿');
    await dialog.getByTestId('adjust-next').click();
    expect(await dialog.getByTestId('adjust-confirmation').textContent()).toContain('提交后将进入审批');
    await dialog.getByTestId('adjust-confirm').click();
    await dialog.getByTestId('adjust-held').waitFor();
    expect(await dialog.getByTestId('adjust-held').textContent()).toContain('已提交审批');
    expect(await dialog.getByTestId('adjust-held-link').getAttribute('href')).toBe('/console/approvals');
    expect(await available()).toBe(before);
    const pending = await ok('GET', '/v1/approvals?status=pending');
    expect(pending.data).toMatchObject([{ action: 'adjustment', points: 5000, memberId }]);
    await dialog.getByRole('button', { name: /关\s?闭/ }).click();
  });

  test('freeze, then reactivate, each after a confirmation', async () => {
    const { page } = app;
    await page.getByTestId('freeze-member').click();
    const confirm = page.getByRole('dialog');
    await confirm.getByText('冻结后会员不能消费或转赠积分').waitFor();
    await confirm.getByTestId('status-confirm').click();
    await expect.poll(() => page.getByTestId('member-status').first().textContent()).toBe('已冻结');
    expect((await ok('GET', `/v1/members/${memberId}`)).status).toBe('frozen');

    await page.getByTestId('reactivate-member').click();
    await page.getByRole('dialog').getByTestId('status-confirm').click();
    await expect.poll(() => page.getByTestId('member-status').first().textContent()).toBe('正常');
    expect((await ok('GET', `/v1/members/${memberId}`)).status).toBe('active');
  });

  test('reverse an entry with a reason; erase a member after typing their id', async () => {
    const { page } = app;
    const before = await available();
    const earned = page.getByTestId('journal-table').locator('tr', { hasText: '订单 o-7001' });
    await earned.getByRole('button', { name: /冲\s?正/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('将冲正').waitFor();
    expect(await dialog.textContent()).toContain('128 分');
    await dialog.getByTestId('reverse-confirm').click();
    await dialog.getByText('请填写冲正原因').waitFor();
    await dialog.getByLabel('冲正原因').fill('订单已退款');
    await dialog.getByTestId('reverse-confirm').click();
    await page.getByTestId('journal-table').getByText('订单已退款').waitFor();
    expect(await available()).toBe(before - 128);
    expect(await page.getByTestId('journal-table').textContent()).toContain('冲正明细');

    await page.goto(app.url('/members/m-1002'));
    // Export first: the member's data as JSON, downloaded.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-member').click(),
    ]);
    expect(download.suggestedFilename()).toBe('personal-data-m-1002.json');
    await page.getByTestId('erase-member').click();
    const erase = page.getByRole('dialog');
    await erase.getByText('积分、明细和批次会保留').waitFor();
    expect(await erase.getByTestId('erase-confirm').isDisabled()).toBe(true);
    await erase.getByTestId('erase-type-id').fill('m-100');
    expect(await erase.getByTestId('erase-confirm').isDisabled()).toBe(true);
    await erase.getByTestId('erase-type-id').fill('m-1002');
    await erase.getByTestId('erase-confirm').click();
    await page.getByText('个人信息已删除', { exact: true }).first().waitFor();
    expect((await ok('GET', '/v1/members/m-1002')).name).toBeNull();
  });

  test('an operator (no ledger write) reads the journal, sees no adjust or reverse, and assigns a tier until a date', async () => {
    await forgetBrowser(app);
    const { page } = app;
    await page.goto(app.url(`/members/${memberId}`));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, operator.login, operator.password);
    await page.waitForURL(/\/console\/members\/m-1001$/);
    await page.getByTestId('journal-table').getByText('开卡礼').first().waitFor();
    expect(await page.getByTestId('adjust-points').count()).toBe(0);
    expect(await page.getByTestId('freeze-member').count()).toBe(0);
    expect(
      await page
        .getByTestId('journal-table')
        .getByRole('button', { name: /冲\s?正/ })
        .count(),
    ).toBe(0);
    // The operator may assign tiers (tiers:assign), and nothing else here.
    await page.getByTestId('assign-tier').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('等级').click();
    await page.getByTitle('银卡').click();
    const until = dialog.getByLabel('有效期至');
    await until.click();
    await until.fill('2030-01-31 00:00:00');
    await until.press('Enter');
    await dialog.getByLabel('原因').fill('大客户');
    await dialog.getByText('等级设为“银卡”').waitFor();
    await dialog.getByRole('button', { name: /指定等级/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => page.getByTestId('member-tier').textContent()).toContain('人工指定');
    expect((await ok('GET', `/v1/members/${memberId}/tier`)).manual).toMatchObject({ tier: 'silver' });
  });
});
