import { JifenError } from './errors.ts';
import { isStorableText } from './storable-input.ts';

/**
 * A page of a list: the items, the cursor of the next page (null on the last page) and whether
 * there is one. Every list the API answers has this envelope, short lists that are never paged too.
 */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
  hasMore: boolean;
}

const CURSOR_VERSION = 'c1';
const MAX_KEY_LENGTH = 512;

/**
 * The one way lists page. The query asks for `limit + 1` rows after the cursor: the extra row is
 * not shown, it only says there is a next page, so the last page never points at an empty one.
 * The cursor is opaque: it encodes what the next query starts after (by default the last shown
 * row's `id`), and `cursorKey` turns it back into that key, refusing anything it did not give out.
 */
export function toPage<Row, T>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => T,
  keyOf: (row: Row) => string = (row) => (row as { id: string }).id,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  const hasMore = rows.length > limit && last !== undefined;
  return {
    data: shown.map(view),
    nextCursor: hasMore ? encodeCursor(keyOf(last)) : null,
    hasMore,
  };
}

/** A list that is always whole (a program's keys, rules, webhooks): one page, no cursor. */
export function wholeList<T>(data: T[]): Page<T> {
  return { data, nextCursor: null, hasMore: false };
}

export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, key])).toString('base64url');
}

/**
 * The key a cursor from `toPage` stands for (undefined when there is none): 400 validation_failed
 * for a string no list gave out, so a mistyped cursor is an error and not silently the first page.
 */
export function cursorKey(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    decoded = undefined;
  }
  if (
    Array.isArray(decoded) &&
    decoded.length === 2 &&
    decoded[0] === CURSOR_VERSION &&
    typeof decoded[1] === 'string' &&
    decoded[1].length <= MAX_KEY_LENGTH &&
    // A key PostgreSQL cannot compare (NUL, an unpaired surrogate) was given out by no list.
    isStorableText(decoded[1]) &&
    encodeCursor(decoded[1]) === cursor
  ) {
    return decoded[1];
  }
  throw badCursor();
}

/** The error for a cursor no list gave out (also for a well-formed one whose key makes no sense). */
export function badCursor(): JifenError {
  return new JifenError('validation_failed', {
    detail: 'querystring/cursor is not a cursor this endpoint gave out',
    extensions: {
      errors: [{ field: 'querystring/cursor', message: 'is not a cursor this endpoint gave out' }],
    },
  });
}
