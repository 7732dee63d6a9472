// @vitest-environment happy-dom

import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { ConditionBuilder } from './condition-builder.tsx';
import { conditionOf, draftOf, emptyGroup, type GroupDraft } from './condition-draft.ts';
import type { Condition, FieldSpec } from './condition-types.ts';

/** The condition builder: what clicking makes is the API's JSON, money typed in yuan is sent in fen. */

const FIELDS: FieldSpec[] = [
  {
    field: 'activity.orders',
    type: 'number',
    windowed: true,
    description: { 'zh-CN': '订单数', en: 'Orders' },
  },
  {
    field: 'activity.spendMinor',
    type: 'number',
    windowed: true,
    description: { 'zh-CN': '消费金额', en: 'Spend' },
  },
  { field: 'member.tags', type: 'list', windowed: false, description: { 'zh-CN': '标签', en: 'Tags' } },
  { field: 'member.status', type: 'string', windowed: false, description: { 'zh-CN': '状态', en: 'Status' } },
  {
    field: 'member.attributes.<key>',
    type: 'string',
    windowed: false,
    description: { 'zh-CN': '自定义属性', en: 'Attribute' },
  },
];

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
  await setLanguage('zh-CN');
});
afterEach(cleanup);

/** The builder in a form-like holder, telling each draft it holds. */
function Holder({ initial, onDraft }: { initial: GroupDraft; onDraft: (draft: GroupDraft) => void }) {
  const [draft, setDraft] = useState(initial);
  onDraft(draft);
  return <ConditionBuilder value={draft} onChange={setDraft} fields={FIELDS} />;
}

/** The builder; `latest()` is the condition it makes now (null while incomplete). */
function open(initial: GroupDraft = emptyGroup()) {
  let current = initial;
  render(<Holder initial={initial} onDraft={(draft) => (current = draft)} />);
  return { latest: () => conditionOf(current, FIELDS) };
}

/** The nth text or number input labelled `label`. */
function input(label: string, nth = 0): HTMLInputElement {
  const inputs = screen.getAllByLabelText(label).filter((element) => element.tagName === 'INPUT');
  return inputs[nth] as HTMLInputElement;
}

/** Picks an option of the antd select labelled `label` (the nth of that label). */
async function choose(user: UserEvent, label: string, option: string, nth = 0) {
  await user.click(screen.getAllByRole('combobox', { name: label })[nth] as HTMLElement);
  const options = await screen.findAllByTitle(option);
  await user.click(options[options.length - 1] as HTMLElement);
}

test('a field, its window, a comparison and a value clicked together make the JSON the API takes', async () => {
  const user = userEvent.setup();
  const { latest } = open();
  expect(latest()).toBeNull();
  await choose(user, '字段', '订单数');
  // A windowed field starts at 30 days and a number field at "at least".
  await user.type(input('值'), '3');
  await waitFor(() =>
    expect(latest()).toEqual({ all: [{ field: 'activity.orders.30d', op: 'gte', value: 3 }] }),
  );

  await choose(user, '时间范围', '近 90 天');
  await choose(user, '比较方式', '介于');
  await user.type(input('最小值'), '2');
  await user.type(input('最大值'), '5');
  await waitFor(() =>
    expect(latest()).toEqual({ all: [{ field: 'activity.orders.90d', op: 'between', value: [2, 5] }] }),
  );

  await user.click(screen.getByTestId('condition-add'));
  await choose(user, '字段', '标签', 1);
  await user.type(input('值'), 'vip');
  await choose(user, '组合方式', '满足以下任一条件');
  await waitFor(() =>
    expect(latest()).toEqual({
      any: [
        { field: 'activity.orders.90d', op: 'between', value: [2, 5] },
        { field: 'member.tags', op: 'contains', value: 'vip' },
      ],
    }),
  );
});

test('money is typed in yuan and sent in minor units (fen)', async () => {
  const user = userEvent.setup();
  const { latest } = open();
  await choose(user, '字段', '消费金额');
  expect(screen.getByText('元')).toBeTruthy();
  await user.type(input('值'), '128.5');
  await choose(user, '时间范围', '全部时间');
  await waitFor(() =>
    expect(latest()).toEqual({ all: [{ field: 'activity.spendMinor.all', op: 'gte', value: 12850 }] }),
  );
});

test('a group of "none of" is a not; a custom window and a free key are part of the field', async () => {
  const user = userEvent.setup();
  const { latest } = open();
  await choose(user, '字段', '订单数');
  await choose(user, '时间范围', '自定义天数');
  // The days start at the window chosen before (30).
  expect(input('天数').value).toBe('30');
  await user.clear(input('天数'));
  await user.type(input('天数'), '45');
  await choose(user, '比较方式', '没有值');
  await user.click(screen.getByTestId('condition-add'));
  await choose(user, '字段', '自定义属性', 1);
  await user.type(input('属性名'), 'city');
  await user.type(input('值'), '上海');
  await choose(user, '组合方式', '以下条件都不满足');
  await waitFor(() =>
    expect(latest()).toEqual({
      not: {
        any: [
          { field: 'activity.orders.45d', op: 'not_exists' },
          { field: 'member.attributes.city', op: 'eq', value: '上海' },
        ],
      },
    }),
  );
  // Removing a line leaves the one line under the not.
  await user.click(screen.getAllByTestId('condition-remove')[1] as HTMLElement);
  await waitFor(() => expect(latest()).toEqual({ not: { field: 'activity.orders.45d', op: 'not_exists' } }));
});

test('a saved condition opens as it was written, money back in yuan, and makes the same JSON', () => {
  const saved: Condition = {
    all: [
      { field: 'activity.spendMinor.365d', op: 'gte', value: 50000 },
      { not: { field: 'member.tags', op: 'contains', value: 'test' } },
      { field: 'member.status', op: 'in', value: ['active', 'frozen'] },
    ],
  };
  const draft = draftOf(saved, FIELDS);
  expect(conditionOf(draft, FIELDS)).toEqual(saved);
  open(draft);
  expect(input('值').value).toBe('500.00');
  expect(screen.getByText('以下条件都不满足')).toBeTruthy();
});
