/** A page of a list: the items, and the cursor of the next page (null on the last page). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * The one way lists page. The query asks for `limit + 1` rows after the cursor: the extra row is
 * not shown, it only says there is a next page, so the last page never points at an empty one.
 * The cursor is what the next query starts after (by default the last shown row's `id`).
 */
export function toPage<Row, T>(
  rows: readonly Row[],
  limit: number,
  view: (row: Row) => T,
  cursorOf: (row: Row) => string = (row) => (row as { id: string }).id,
): Page<T> {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return {
    data: shown.map(view),
    nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null,
  };
}
