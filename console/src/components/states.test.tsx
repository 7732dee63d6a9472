// @vitest-environment happy-dom

import { JifenError } from '@jifen/sdk';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, expect, test, vi } from 'vitest';
import { i18n, setLanguage } from '../i18n/index.ts';
import { ErrorState } from './states.tsx';

/** The shared failed state: the API's problem in the console's language, and a retry that retries. */

beforeAll(async () => {
  await i18n.loadLanguages(['zh-CN', 'en']);
});
afterEach(cleanup);

test('a problem+json error is shown in the console language, and retry calls back', async () => {
  await setLanguage('en');
  const retry = vi.fn();
  render(
    <ErrorState error={new JifenError(403, { code: 'permission_denied', detail: 'no' })} onRetry={retry} />,
  );
  expect(screen.getByText('Your role may not do this.')).toBeTruthy();
  await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
  expect(retry).toHaveBeenCalledTimes(1);

  await setLanguage('zh-CN');
  cleanup();
  render(<ErrorState error={new JifenError(403, { code: 'permission_denied', detail: 'no' })} />);
  expect(screen.getByText('你的角色没有执行此操作的权限。')).toBeTruthy();
  expect(screen.queryByRole('button')).toBeNull();
});
