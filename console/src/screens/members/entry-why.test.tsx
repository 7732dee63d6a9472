// @vitest-environment happy-dom

import type { Entry } from '@jifen/sdk';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { EntryWhy } from './entry-why.tsx';

/** Why an entry happened: its reason in the console language, and the rule version, event, order and people behind it. */

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
});
afterEach(cleanup);

const zero = { available: 0, pending: 0, held: 0, growth: 0, debt: 0 };
function entry(overrides: Partial<Entry>): Entry {
  return {
    id: 'ent_1',
    txnId: 'txn_1',
    memberId: 'm-1',
    type: 'earn',
    points: 128,
    growth: 0,
    change: { ...zero, available: 128 },
    balancesAfter: { ...zero, available: 128 },
    unrecoveredPoints: 0,
    lots: [],
    holdId: null,
    reversesEntryId: null,
    counterpartyMemberId: null,
    contraAccount: 'issued',
    source: {},
    reason: { 'zh-CN': '消费积分', en: 'Purchase points' },
    operator: null,
    createdAt: '2026-12-07T10:00:00Z',
    effectiveAt: '2026-12-07T10:00:00Z',
    ...overrides,
  };
}

test('a rule award shows the reason, the rule and its version, the event and the order, in either language', async () => {
  const earned = entry({
    source: {
      kind: 'rule',
      eventId: 'evt-1',
      orderId: 'o-1',
      ruleId: 'rul_a',
      ruleVersion: 3,
      apiKeyId: 'key_1',
    },
  });
  await setLanguage('zh-CN');
  render(<EntryWhy entry={earned} />);
  expect(screen.getByTestId('why-reason').textContent).toBe('消费积分');
  expect(screen.getByTestId('why-rule').textContent).toBe('规则 rul_a · 第 3 版');
  expect(screen.getByTestId('why-event').textContent).toBe('事件 evt-1');
  expect(screen.getByTestId('why-order').textContent).toBe('订单 o-1');
  expect(screen.getByTestId('why-apiKey').textContent).toBe('API 密钥 key_1');

  cleanup();
  await setLanguage('en');
  render(<EntryWhy entry={earned} />);
  expect(screen.getByTestId('why-reason').textContent).toBe('Purchase points');
  expect(screen.getByTestId('why-rule').textContent).toBe('Rule rul_a · version 3');
  await setLanguage('zh-CN');
});

test("an entry summing several rules names each rule version's share", async () => {
  await setLanguage('zh-CN');
  render(
    <EntryWhy
      entry={entry({
        source: {
          kind: 'rule',
          eventId: 'evt-2',
          rules: [
            { ruleId: 'rul_a', ruleVersion: 2, amount: 100 },
            { ruleId: 'rul_b', ruleVersion: 1, amount: 28 },
          ],
        },
      })}
    />,
  );
  expect(screen.getByTestId('why-rule-rul_a-2').textContent).toBe('规则 rul_a · 第 2 版：100');
  expect(screen.getByTestId('why-rule-rul_b-1').textContent).toBe('规则 rul_b · 第 1 版：28');
  expect(screen.queryByTestId('why-rule')).toBeNull();
});

test('an adjustment by hand names its operator, staff member and approval; a reversal the entry it reverses', async () => {
  await setLanguage('zh-CN');
  render(
    <EntryWhy
      entry={entry({
        type: 'adjust',
        operator: '王店长',
        reason: { 'zh-CN': '物流延误补偿', en: 'Late delivery' },
        source: { kind: 'operator', staffId: 'stf_1', approvalId: 'apr_1' },
      })}
    />,
  );
  expect(screen.getByTestId('why-operator').textContent).toBe('操作人：王店长');
  expect(screen.getByTestId('why-staff').textContent).toBe('员工 stf_1');
  expect(screen.getByTestId('why-approval').textContent).toBe('经审批 apr_1');
  cleanup();
  render(
    <EntryWhy
      entry={entry({ type: 'reverse', points: -128, reversesEntryId: 'ent_0', source: { kind: 'api' } })}
    />,
  );
  expect(screen.getByTestId('why-reverses').textContent).toBe('冲正明细 ent_0');
});
