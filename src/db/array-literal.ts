/**
 * A PostgreSQL array literal (`{"a","b",NULL,3}`) for a parameter that is an array of strings,
 * numbers, booleans and nulls — what Jifen's set-based statements bind, one array per column.
 * node-postgres builds the same literal, but through a type check and two regular-expression
 * replacements per element; an event batch binds tens of thousands of elements a part, and this
 * did them at about a third of the cost. Anything else (dates, nested arrays, objects) returns
 * undefined and is left to node-postgres.
 */
export function arrayLiteral(values: readonly unknown[]): string | undefined {
  let literal = '{';
  for (let index = 0; index < values.length; index++) {
    if (index > 0) literal += ',';
    const value = values[index];
    if (value === null || value === undefined) literal += 'NULL';
    else if (typeof value === 'string') {
      literal += NEEDS_ESCAPE.test(value) ? `"${value.replace(ESCAPED, '\\$&')}"` : `"${value}"`;
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return undefined;
      literal += String(value);
    } else if (typeof value === 'boolean') literal += value ? 'true' : 'false';
    else return undefined;
  }
  return `${literal}}`;
}

// Inside double quotes only the quote and the backslash are special.
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/** Statement parameters with every array of plain values already written as its literal. */
export function withArrayLiterals(params: readonly unknown[]): unknown[] {
  return params.map((param) => (Array.isArray(param) ? (arrayLiteral(param) ?? param) : param));
}
