// @vitest-environment happy-dom
import { afterAll, expect, test } from 'vitest';
import { setLanguage } from '../i18n/index.ts';
import { localizedFieldMessage } from './field-message.ts';

afterAll(() => setLanguage('zh-CN'));

test("ajv's common messages in the console's language; the product's own as the API wrote them", async () => {
  await setLanguage('zh-CN');
  expect(localizedFieldMessage('must NOT have more than 100 characters')).toBe('最多 100 个字符');
  expect(localizedFieldMessage('must be >= 1')).toBe('不能小于 1');
  expect(localizedFieldMessage('is required')).toBe('必填');
  expect(localizedFieldMessage('is not an IANA timezone')).toBe('is not an IANA timezone');
  await setLanguage('en');
  expect(localizedFieldMessage('must NOT have more than 100 characters')).toBe('At most 100 characters');
  expect(localizedFieldMessage('must be integer')).toBe('Must be a whole number');
});
