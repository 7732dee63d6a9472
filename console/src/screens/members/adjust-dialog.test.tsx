// @vitest-environment happy-dom

import { JifenError } from '@jifen/sdk';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from 'antd';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeAll, expect, test, vi } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { AdjustDialog, type AdjustDialogProps } from './adjust-dialog.tsx';

/** The adjust form: checked as the API checks, confirmed, held for approval above the threshold, and nothing typed lost on a refusal. */

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
  await setLanguage('zh-CN');
});
afterEach(cleanup);

function open(props: Partial<AdjustDialogProps>) {
  const adjust = vi.fn(props.adjust ?? (async () => ({ entries: [] })));
  const onDone = vi.fn();
  render(
    <MemoryRouter>
      <App>
        <AdjustDialog
          open
          memberId="m-1"
          available={300}
          threshold={1000}
          operator="王店长"
          onClose={() => {}}
          {...props}
          adjust={adjust}
          onDone={onDone}
        />
      </App>
    </MemoryRouter>,
  );
  return { adjust, onDone };
}

async function fill(points: string, reason: string, direction?: '扣减') {
  const user = userEvent.setup();
  if (direction) await user.click(screen.getByText(direction));
  await user.type(screen.getByLabelText('积分数量'), points);
  await user.type(screen.getByLabelText('原因（中文）'), reason);
  await user.click(screen.getByTestId('adjust-next'));
  return user;
}

test('nothing is sent until the form is valid and the confirmation says what happens to the balance', async () => {
  const { adjust, onDone } = open({});
  const user = userEvent.setup();
  await user.click(screen.getByTestId('adjust-next'));
  await screen.findByText('请输入积分数量');
  expect(screen.getByText('请填写原因')).toBeTruthy();
  expect(adjust).not.toHaveBeenCalled();

  await fill('120', '补偿', '扣减');
  const confirmation = await screen.findByTestId('adjust-confirmation');
  expect(confirmation.textContent).toContain('将从会员 m-1 扣减 120 分，可用积分从 300 变为 180');
  await user.click(screen.getByTestId('adjust-confirm'));
  await waitFor(() => expect(adjust).toHaveBeenCalledTimes(1));
  expect(adjust).toHaveBeenCalledWith({ points: -120, reason: '补偿', operator: '王店长' });
  expect(onDone).toHaveBeenCalledWith(-120);
});

test('above the threshold the confirmation warns, and a 202 approval shows "sent for approval", not success', async () => {
  const approval = { id: 'apr_1', action: 'adjustment', maker: { kind: 'staff', id: 's-1', store: null } };
  const { onDone } = open({ adjust: async () => approval });
  const user = await fill('5000', '大额补偿');
  expect((await screen.findByTestId('adjust-confirmation')).textContent).toContain(
    '超过审批阈值（1,000 分）',
  );
  await user.click(screen.getByTestId('adjust-confirm'));
  const held = await screen.findByTestId('adjust-held');
  expect(held.textContent).toContain('已提交审批');
  expect(held.textContent).toContain('apr_1');
  expect(onDone).not.toHaveBeenCalled();
});

test("a refusal returns to the form with what was typed and the API's field error next to the field", async () => {
  const refusal = new JifenError(400, {
    code: 'validation_failed',
    detail: 'body/operator must NOT have more than 128 characters',
    errors: [{ field: 'body/operator', message: 'must NOT have more than 128 characters' }],
  });
  open({
    adjust: async () => {
      throw refusal;
    },
  });
  const user = await fill('10', '补偿');
  await user.click(await screen.findByTestId('adjust-confirm'));
  await screen.findByText('最多 128 个字符');
  expect(screen.getByTestId('form-error').textContent).toContain('请检查标出的字段');
  expect((screen.getByLabelText('积分数量') as HTMLInputElement).value).toBe('10');
  expect((screen.getByLabelText('原因（中文）') as HTMLTextAreaElement).value).toBe('补偿');
});
