// @vitest-environment happy-dom

import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { ConditionText } from './condition-text.tsx';
import type { FieldSpec } from './condition-types.ts';

/** A saved condition in words: windows named, money back in yuan, known values by name. */

const FIELDS: FieldSpec[] = [
  {
    field: 'activity.spendMinor',
    type: 'number',
    windowed: true,
    description: { 'zh-CN': '消费金额', en: 'Spend' },
  },
  {
    field: 'activity.orders',
    type: 'number',
    windowed: true,
    description: { 'zh-CN': '订单数', en: 'Orders' },
  },
  {
    field: 'member.stage',
    type: 'string',
    windowed: false,
    description: { 'zh-CN': '生命周期阶段', en: 'Stage' },
  },
];
const STAGES = (field: string) =>
  field === 'member.stage' ? [{ value: 'at_risk', label: '有流失风险' }] : undefined;

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
  await setLanguage('zh-CN');
});
afterEach(cleanup);

test('a condition reads as nested lines in plain words', async () => {
  render(
    <ConditionText
      fields={FIELDS}
      valueOptions={STAGES}
      condition={{
        all: [
          { field: 'activity.spendMinor.365d', op: 'between', value: [10_000, 50_050] },
          { not: { field: 'member.stage', op: 'eq', value: 'at_risk' } },
          { field: 'activity.orders.all', op: 'gte', value: 3 },
        ],
      }}
    />,
  );
  const lines = screen.getAllByTestId('condition-text-line').map((line) => line.textContent);
  expect(lines).toEqual([
    '消费金额（近 365 天） 介于 100.00 元 至 500.50 元',
    '生命周期阶段 等于 有流失风险',
    '订单数（全部时间） 大于等于 3',
  ]);
  expect(screen.getByTestId('condition-text').textContent).toContain('以下条件都不满足');

  await setLanguage('en');
  cleanup();
  render(
    <ConditionText
      fields={FIELDS}
      condition={{ any: [{ field: 'activity.spendMinor.30d', op: 'lt', value: 999 }] }}
    />,
  );
  expect(screen.getByTestId('condition-text-line').textContent).toBe(
    'Spend (last 30 days) is less than ¥9.99',
  );
  await setLanguage('zh-CN');
});
