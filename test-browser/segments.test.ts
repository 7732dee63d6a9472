import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ENGINES } from '../test/support/test-database.ts';
import {
  type ConsoleUnderTest,
  OWNER,
  openConsole,
  saveScreenshot,
  signIn,
} from './support/console-browser.ts';

/**
 * Segments (用户分层) in Chromium against a real `jifen serve`: define a segment with the condition
 * builder (money in yuan, a live count of who it would hold), see its size after a recomputation,
 * its definition in words, its size chart, its members and their CSV; find its members in the
 * members list; read on a member's page why they are in it; and a lifecycle setting the API
 * refuses, shown on its field; change it and archive it. One server per engine; journeys in order.
 */
describe.each(ENGINES)('segments in the console (%s)', (engine) => {
  let app: ConsoleUnderTest;
  const owner = OWNER;
  const segmentId = 'vip-big-spenders';
  const screenshot = (name: string, fullPage = false) => saveScreenshot(app, engine, name, fullPage);
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await app.api(method, path, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Record<string, unknown>;
  };
  let orderNumber = 0;
  const order = (memberId: string, amountMinor: number) =>
    ok('POST', '/v1/events', {
      id: `evt-${++orderNumber}`,
      type: 'order.paid',
      memberId,
      occurredAt: new Date(Date.now() - 86_400_000).toISOString(),
      attributes: { orderId: `o-${orderNumber}`, amountMinor },
    });

  /**
   * Picks an option of the antd select named `name` (the nth of that name): typed into its search
   * (a long list shows only what fits), then clicked in its open list.
   */
  async function choose(page: Page, name: string, option: string, nth = 0, scope?: Locator) {
    const select = (scope ?? page).getByRole('combobox', { name }).nth(nth);
    await select.click();
    await select.pressSequentially(option.slice(0, 4));
    await page.locator('.ant-select-dropdown:visible').getByTitle(option, { exact: true }).click();
  }

  beforeAll(async () => {
    app = await openConsole(engine);
    await ok('POST', '/v1/staff', { ...owner, role: 'owner' });
    const rule = await ok('POST', '/v1/rules', {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    });
    await ok('POST', `/v1/rules/${String(rule.id)}/publish`);
    // A VIP who spent ¥227 this month, a VIP who spent ¥30, and a big spender without the tag.
    await ok('PUT', '/v1/members/m-3001', { name: '张三', tags: ['vip'] });
    await ok('PUT', '/v1/members/m-3002', { name: '李四', tags: ['vip'] });
    await ok('PUT', '/v1/members/m-3003', { name: '王五' });
    await order('m-3001', 12_800);
    await order('m-3001', 9_900);
    await order('m-3002', 3_000);
    await order('m-3003', 50_000);
  });
  afterAll(async () => app?.close());

  test('define a segment with the builder: money in yuan, and how many members it would hold as it is built', async () => {
    const { page } = app;
    await page.goto(app.url('/segments'));
    await page.waitForURL(/\/console\/sign-in/);
    await signIn(page, owner.login, owner.password);
    await page.waitForURL(/\/console\/segments$/);
    // The lifecycle stages are there from the start, each a built-in segment.
    const table = page.getByTestId('segments-table');
    await table.getByText('新会员').waitFor();
    expect(await table.textContent()).toContain('生命周期阶段');

    await page.getByTestId('create-segment').click();
    await page.waitForURL(/\/console\/segments\/new$/);
    const form = page.getByTestId('segment-form');
    await form.getByLabel('分层 ID').fill(segmentId);
    await form.getByLabel('名称（中文）').fill('大额 VIP');
    await form.getByLabel('名称（英文）').fill('Big-spending VIPs');

    // Tags contain "vip" ...
    await choose(page, '字段', '标签');
    await form.getByRole('textbox', { name: '值' }).fill('vip');
    const preview = page.getByTestId('segment-preview-size');
    await expect.poll(() => preview.textContent()).toBe('按当前条件，现在将包含 2 位会员');
    // ... and spent at least ¥100 in the last 30 days (typed in yuan; sent as 10000 fen).
    await page.getByTestId('condition-add').click();
    await choose(page, '字段', '消费金额(扣除退款)', 1);
    await form.getByRole('spinbutton', { name: '值' }).fill('100');
    await expect.poll(() => preview.textContent()).toBe('按当前条件，现在将包含 1 位会员');
    expect(await page.getByTestId('segment-preview').textContent()).toContain('m-3001');
    await screenshot('segments-builder', true);
    // On a tablet (820 px) the builder's lines wrap: nothing wider than the screen.
    await page.setViewportSize({ width: 820, height: 1180 });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(820);
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/console\/segments\/vip-big-spenders$/);
    const saved = await ok('GET', `/v1/segments/${segmentId}`);
    expect(saved.condition).toEqual({
      all: [
        { field: 'member.tags', op: 'contains', value: 'vip' },
        { field: 'activity.spendMinor.30d', op: 'gte', value: 10_000 },
      ],
    });
    // The definition in words, the amount back in yuan.
    const definition = page.getByTestId('segment-definition');
    await definition.getByText('满足以下全部条件').waitFor();
    expect(await definition.textContent()).toContain('（近 30 天） 大于等于 100.00 元');
  });

  test('recompute now, and the segment holds its one member: the size, the chart, the members and their CSV', async () => {
    const { page } = app;
    await page.getByTestId('back-to-segments').click();
    await page.waitForURL(/\/console\/segments$/);
    await page.getByTestId('recompute-segments').click();
    await page.getByText(/已重新计算：3 位会员/).waitFor();
    const row = page.getByTestId('segments-table').locator(`tr[data-row-key="${segmentId}"]`);
    await expect.poll(() => row.getByTestId('segment-size').textContent()).toBe('1');
    await screenshot('segments-list');

    await row.getByRole('link', { name: '大额 VIP' }).click();
    await page.waitForURL(/\/console\/segments\/vip-big-spenders$/);
    await page.getByTestId('segment-size-chart').locator('canvas').waitFor();
    const members = page.getByTestId('segment-members-table');
    await members.getByRole('link', { name: 'm-3001' }).waitFor();
    expect(await members.locator('tr.ant-table-row').count()).toBe(1);
    await screenshot('segments-detail', true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-segment').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^segment-vip-big-spenders-\d{4}-\d{2}-\d{2}\.csv$/);

    // A lifecycle stage: what it means, its members, and nothing to edit or archive.
    await page.goto(app.url('/segments/stage_new'));
    await page.getByTestId('segment-definition').getByText('入会天数少于“新会员期”的会员').waitFor();
    await page.getByTestId('segment-members-table').getByRole('link', { name: 'm-3003' }).waitFor();
    expect(await page.getByTestId('edit-segment').count()).toBe(0);
    expect(await page.getByTestId('archive-segment').count()).toBe(0);
  });

  test('the members list filtered by the segment, and a member page that says why they are in it', async () => {
    const { page } = app;
    await page.goto(app.url('/members'));
    await page.getByTestId('members-first-row').waitFor();
    await choose(page, '分层', '大额 VIP', 0, page.getByTestId('member-search'));
    await page.getByTestId('member-search-submit').click();
    await page.waitForURL(/segment=vip-big-spenders/);
    await expect.poll(() => page.getByTestId('members-table').locator('tr.ant-table-row').count()).toBe(1);
    await page.getByTestId('members-first-row').getByRole('link', { name: 'm-3001' }).click();
    await page.waitForURL(/\/console\/members\/m-3001$/);

    await page.getByRole('tab', { name: '分层' }).click();
    const membership = page.getByTestId(`membership-${segmentId}`);
    await membership.waitFor();
    await page.getByTestId('member-stage').waitFor();
    const why = (await membership.textContent()) ?? '';
    expect(why).toContain('大额 VIP');
    expect(why).toContain('标签 包含 “vip”');
    expect(why).toContain('227.00 元');
    expect(why).toContain('满足');
    await page.getByTestId('member-segments').scrollIntoViewIfNeeded();
    await screenshot('members-segments', true);
  });

  test('change the segment (in English this time), then archive it after a confirmation', async () => {
    const { page } = app;
    await page.goto(app.url(`/segments/${segmentId}`));
    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByTestId('segment-definition').getByText('All of these hold').waitFor();
    await page.getByTestId('edit-segment').click();
    await page.waitForURL(/\/console\/segments\/vip-big-spenders\/edit$/);
    const form = page.getByTestId('segment-form');
    // The saved condition opens in the builder, the amount back in yuan.
    expect(await form.getByRole('spinbutton', { name: 'Value' }).inputValue()).toBe('100.00');
    await form.getByRole('spinbutton', { name: 'Value' }).fill('250');
    await expect
      .poll(() => page.getByTestId('segment-preview-size').textContent())
      .toBe('With this condition it would hold 0 members now');
    await page.getByTestId('segment-save').click();
    await page.waitForURL(/\/console\/segments\/vip-big-spenders$/);
    // Changed: recomputed at once in a small program.
    await expect.poll(() => page.getByTestId('segment-detail-size').textContent()).toBe('0');
    expect(await page.getByTestId('segment-definition').textContent()).toContain('is at least ¥250.00');

    await page.getByTestId('archive-segment').click();
    await page.getByRole('dialog').getByText('This cannot be undone').waitFor();
    await page.getByTestId('archive-confirm').click();
    await page.waitForURL(/\/console\/segments$/);
    expect((await ok('GET', `/v1/segments/${segmentId}`)).status).toBe('archived');
    await page.getByTestId('segment-status-filter').getByText('Archived').click();
    await page.getByTestId(`segment-${segmentId}`).waitFor();
    await page.getByTestId('language-switch').hover();
    await page.getByRole('menuitem', { name: '简体中文' }).click();
    await page.getByText('用户分层', { exact: true }).first().waitFor();
  });

  test('a lifecycle setting the API refuses shows its error on the field it names', async () => {
    const { page } = app;
    await page.goto(app.url('/segments'));
    await page.getByTestId('segment-settings').click();
    const dialog = page.getByRole('dialog');
    const active = dialog.getByRole('spinbutton', { name: '活跃期' });
    await expect.poll(() => active.inputValue()).toBe('90');
    // Active for 200 days, longer than "at risk" (180): the API names atRiskDays.
    await active.fill('200');
    await dialog.getByTestId('segment-settings-save').click();
    await dialog.getByText('must be more than activeDays').waitFor();
    await dialog.getByTestId('segment-settings-error').waitFor();
    await screenshot('segments-settings');
    expect(await active.inputValue()).toBe('200');
    const settings = await ok('GET', '/v1/segment-settings');
    expect((settings.stages as { activeDays: number }).activeDays).toBe(90);
  });
});
