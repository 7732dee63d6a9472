// @vitest-environment happy-dom

import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, expect, test, vi } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { PERMISSIONS, PermissionMatrix } from './permission-matrix.tsx';

/** The role editor's permission matrix: grouped, described, a group box that takes all of it. */

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
  await setLanguage('zh-CN');
});
afterEach(cleanup);

test('every permission is shown once, in its group, with a plain-language description', () => {
  render(<PermissionMatrix value={['members:read']} />);
  const members = screen.getByTestId('group-members');
  expect(within(members).getByText('查看会员')).toBeTruthy();
  expect(within(members).getByText('查找会员，查看资料、等级和消息')).toBeTruthy();
  expect(screen.getAllByRole('checkbox')).toHaveLength(PERMISSIONS.length + 10);
  expect(screen.getByText(`已选 1 / ${PERMISSIONS.length}`)).toBeTruthy();
});

test('ticking one permission adds it; a group box takes or leaves the whole group', async () => {
  const change = vi.fn();
  const { rerender } = render(<PermissionMatrix value={['members:read']} onChange={change} />);
  await userEvent.click(screen.getByText('审批'));
  expect(change).toHaveBeenLastCalledWith(['members:read', 'approvals:decide']);

  await userEvent.click(within(screen.getByTestId('group-members')).getByText('会员'));
  expect(change).toHaveBeenLastCalledWith(['members:read', 'members:write', 'tiers:assign']);

  rerender(<PermissionMatrix value={['members:read', 'members:write', 'tiers:assign']} onChange={change} />);
  await userEvent.click(within(screen.getByTestId('group-members')).getByText('会员'));
  expect(change).toHaveBeenLastCalledWith([]);
});

test('a built-in role is shown read-only', () => {
  render(<PermissionMatrix value={['audit:read']} readOnly />);
  for (const box of screen.getAllByRole('checkbox')) expect((box as HTMLInputElement).disabled).toBe(true);
});
