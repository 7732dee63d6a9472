// @vitest-environment happy-dom

import type { AuditChain } from '@jifen/sdk';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { i18n, setLanguage } from '../../i18n/index.ts';
import { ChainResult } from './audit-screen.tsx';

/** The chain's verification, said plainly: green and what it covered, or red and where it broke. */

const intact: AuditChain = {
  programId: 'default',
  ok: true,
  records: 15,
  sealed: 16,
  gaps: 1,
  head: { seq: 16, hash: 'ab'.repeat(32) },
  broken: null,
};

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
  await setLanguage('zh-CN');
});
afterEach(cleanup);

test('an intact chain is green and says how much it covered', () => {
  render(<ChainResult chain={intact} />);
  const result = screen.getByTestId('chain-result');
  expect(result.className).toContain('ant-alert-success');
  expect(result.textContent).toContain(
    '审计链完整：15 条记录，已封存 16 个序号（其中 1 个为回滚留下的空位），链尾 #16。',
  );
});

test('a broken chain is red and says where and why', async () => {
  render(
    <ChainResult
      chain={{
        ...intact,
        ok: false,
        broken: { seq: 7, id: 'aud_7', reason: 'edited', detail: 'record hash differs' },
      }}
    />,
  );
  const result = screen.getByTestId('chain-result');
  expect(result.className).toContain('ant-alert-error');
  expect(result.textContent).toContain('审计链在第 7 条处断开（记录被修改）：record hash differs');
  cleanup();
  await setLanguage('en');
  render(
    <ChainResult
      chain={{ ...intact, ok: false, broken: { seq: 3, id: null, reason: 'missing', detail: 'gap' } }}
    />,
  );
  expect(screen.getByTestId('chain-result').textContent).toContain(
    'The audit chain breaks at #3 (a record is missing): gap',
  );
  await setLanguage('zh-CN');
});
