// @vitest-environment happy-dom

import type { Approval } from '@jifen/sdk';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { ApprovalDescription, describeApproval } from './approval-description.tsx';

/** An approval request in plain words: what, for whom, how many points, why, who asked and decided. */

const held: Approval = {
  id: 'apr_1',
  action: 'adjustment',
  status: 'pending',
  summary: 'Adjust m-1001 by +5,000 points',
  points: 5000,
  memberId: 'm-1001',
  target: 'm-1001',
  request: {
    points: 5000,
    reason: { 'zh-CN': '补发活动积分', en: 'Campaign points missed' },
    operator: 'Li',
  },
  maker: { kind: 'staff', id: 'stf_maker', store: null },
  createdAt: '2026-12-07T08:00:00.000Z',
  expiresAt: '2026-12-10T08:00:00.000Z',
  checker: null,
  decidedAt: null,
  comment: null,
  result: null,
};
const names = { me: 'stf_me', staff: new Map([['stf_maker', '李客服']]) };

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
});
afterEach(cleanup);

test('a held adjustment says what, for which member, how many points and why, in the console language', async () => {
  await setLanguage('zh-CN');
  expect(describeApproval(i18n.t, held)).toBe('为会员 m-1001 调整积分 +5,000 积分');
  // The API's points are how many move; the request keeps the sign.
  expect(
    describeApproval(i18n.t, { ...held, points: 3000, request: { ...held.request, points: -3000 } }),
  ).toBe('为会员 m-1001 调整积分 -3,000 积分');
  render(<ApprovalDescription approval={held} names={names} />);
  expect(screen.getByText('补发活动积分')).toBeTruthy();
  expect(screen.getByText('李客服')).toBeTruthy();
  expect(screen.getByText('待审批')).toBeTruthy();

  await setLanguage('en');
  expect(describeApproval(i18n.t, held)).toBe('Adjust +5,000 points for member m-1001');
  expect(
    describeApproval(i18n.t, {
      ...held,
      action: 'transfer',
      request: { fromMemberId: 'a', toMemberId: 'b' },
    }),
  ).toBe('Transfer 5,000 points from member a to member b');
});

test('a decided request says who decided, their comment, and what running it answered', async () => {
  await setLanguage('zh-CN');
  render(
    <ApprovalDescription
      approval={{
        ...held,
        status: 'failed',
        checker: { kind: 'staff', id: 'stf_me' },
        decidedAt: '2026-12-07T09:00:00.000Z',
        comment: '已核对',
        result: { status: 422, body: { code: 'insufficient_points', detail: 'Not enough points' } },
      }}
      names={names}
    />,
  );
  expect(screen.getByText('你')).toBeTruthy();
  expect(screen.getByText('已核对')).toBeTruthy();
  expect(screen.getByText(/执行被拒绝（HTTP 422）：Not enough points/)).toBeTruthy();
});
