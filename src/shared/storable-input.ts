/**
 * What a caller may send that PostgreSQL cannot store faithfully, checked once for every request
 * (body, path, query) before its schema: NUL and unpaired surrogates in any text or key (a NUL
 * fails the write; a lone surrogate is refused by json columns and silently replaced in text
 * ones), numbers JSON cannot hold (`1e309` parses as Infinity and would be stored as null or 0),
 * and nesting deeper than {@link MAX_NESTING_DEPTH} levels.
 */

export interface FieldError {
  field: string;
  message: string;
}

export const MAX_NESTING_DEPTH = 32;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is looked for
const UNSTORABLE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSTORABLE_TEXT_MESSAGE = 'contains a NUL or an unpaired surrogate';

export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}

/**
 * The first part of `value` that cannot be stored, with its place (`path` + JSON pointer), or
 * null. Stops at the first problem; never recurses past the depth limit, so a body nested 100,000
 * levels deep costs 33 steps.
 */
export function findUnstorable(
  value: unknown,
  path: string,
  options: { maxTextLength?: number } = {},
): FieldError | null {
  const { maxTextLength } = options;
  const visit = (node: unknown, at: string, depth: number): FieldError | null => {
    if (typeof node === 'string') {
      if (!isStorableText(node)) return { field: at, message: UNSTORABLE_TEXT_MESSAGE };
      if (maxTextLength !== undefined && node.length > maxTextLength)
        return { field: at, message: `is longer than ${maxTextLength} characters` };
      return null;
    }
    if (typeof node === 'number') {
      return Number.isFinite(node) ? null : { field: at, message: 'is not a finite number' };
    }
    if (node === null || typeof node !== 'object') return null;
    if (depth >= MAX_NESTING_DEPTH) {
      return { field: at, message: `nests deeper than ${MAX_NESTING_DEPTH} levels` };
    }
    for (const [key, child] of Object.entries(node)) {
      if (!isStorableText(key)) return { field: at, message: `has a key that ${UNSTORABLE_TEXT_MESSAGE}` };
      const problem = visit(child, `${at}/${escapePointer(key)}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  };
  return visit(value, path, 0);
}

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
