// @vitest-environment happy-dom
import { JifenError } from '@jifen/sdk';
import type { FormInstance } from 'antd';
import { describe, expect, test } from 'vitest';
import { fieldErrorsOf, matchField, namePathOf, showProblemOnForm } from './problem-fields.ts';

const problem = new JifenError(400, {
  code: 'validation_failed',
  detail: 'body/name must NOT have fewer than 1 characters; body/scopes/0 matches none of the accepted forms',
  errors: [
    { field: 'body/name', message: 'must NOT have fewer than 1 characters' },
    { field: 'body/scopes/0', message: 'matches none of the accepted forms (see /openapi.json)' },
    { field: 'body/color', message: 'is not a known field' },
  ],
});

/** Just what showProblemOnForm uses of an antd form. */
function fakeForm(fields: (string | number)[][]) {
  const set: { name: (string | number)[]; errors: string[] }[] = [];
  const form = {
    getFieldsError: () => fields.map((name) => ({ name, errors: [], warnings: [] })),
    setFields: (entries: typeof set) => set.push(...entries),
  } as unknown as FormInstance;
  return { form, set };
}

describe('problem+json field errors on a form', () => {
  test('reads the errors of a validation_failed answer, and nothing of anything else', () => {
    expect(fieldErrorsOf(problem)).toHaveLength(3);
    expect(fieldErrorsOf(new JifenError(404, { code: 'member_not_found' }))).toEqual([]);
    expect(fieldErrorsOf(new Error('x'))).toEqual([]);
  });

  test("a field's path is the body's part, with list indexes as numbers", () => {
    expect(namePathOf('body/scopes/0')).toEqual(['scopes', 0]);
    expect(namePathOf('body/reason/zh-CN')).toEqual(['reason', 'zh-CN']);
    expect(namePathOf('querystring/limit')).toEqual(['limit']);
  });

  test('an error belongs to the longest form field its path starts with', () => {
    const fields = [['name'], ['scopes'], ['reason'], ['reason', 'en']];
    expect(matchField('body/scopes/0', fields)).toEqual(['scopes']);
    expect(matchField('body/reason/en', fields)).toEqual(['reason', 'en']);
    expect(matchField('body/color', fields)).toBeNull();
  });

  test('the errors are set next to their fields; the rest is answered for the form', () => {
    const { form, set } = fakeForm([['name'], ['scopes'], ['rateLimitPerMinute']]);
    const rest = showProblemOnForm(form, problem);
    expect(set).toEqual([
      { name: ['name'], errors: ['至少 1 个字符'] },
      { name: ['scopes'], errors: ['不符合任何一种可接受的格式'] },
    ]);
    expect(rest).toEqual([{ field: 'body/color', message: 'is not a known field' }]);
  });
});
