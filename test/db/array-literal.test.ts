import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../src/db/array-literal.ts';
import type { Database } from '../../src/db/database.ts';
import { ENGINES, openTestDatabase } from '../support/test-database.ts';

describe('arrayLiteral', () => {
  it('writes strings quoted, numbers and booleans bare, null as NULL', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['a', null, 'NULL', ''])).toBe('{"a",NULL,"NULL",""}');
    expect(arrayLiteral([1, -2.5, 0])).toBe('{1,-2.5,0}');
    expect(arrayLiteral([true, false])).toBe('{true,false}');
    expect(arrayLiteral(['say "hi"', 'C:\\dir'])).toBe('{"say \\"hi\\"","C:\\\\dir"}');
  });

  it('leaves what it does not write to node-postgres', () => {
    expect(arrayLiteral([new Date(0)])).toBeUndefined();
    expect(arrayLiteral([['nested']])).toBeUndefined();
    expect(arrayLiteral([{ a: 1 }])).toBeUndefined();
    expect(arrayLiteral([Number.NaN])).toBeUndefined();
  });
});

// The literal is what the database reads back: every string (quotes, backslashes, braces, commas,
// spaces, "NULL", unicode) and every number comes back as it was sent.
describe.each(ENGINES)('array literals read back by %s', (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase(engine, { migrate: false });
  });
  afterAll(async () => {
    await db.close();
  });

  const text = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom(
      'NULL',
      'null',
      '',
      ' ',
      '{}',
      '{a,b}',
      '"',
      '\\',
      '\\"',
      ',',
      'a b',
      '消费 ¥89.19,每 1 元积 1 分',
    ),
  );

  it('text[] with nulls', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.option(
            text.filter((s) => !s.includes('\u0000')),
            { nil: null },
          ),
        ),
        async (values) => {
          const [row] = await db.query<{ values: (string | null)[] }>('select $1::text[] as values', [
            arrayLiteral(values),
          ]);
          expect(row!.values).toEqual(values);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('int8[] and float8[]', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), { nil: null })),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true })),
        async (integers, doubles) => {
          const [row] = await db.query<{ integers: (string | number | null)[]; doubles: number[] }>(
            'select $1::int8[] as integers, $2::float8[] as doubles',
            [arrayLiteral(integers), arrayLiteral(doubles)],
          );
          expect(row!.integers.map((value) => (value === null ? null : Number(value)))).toEqual(integers);
          expect(row!.doubles.map(Number)).toEqual(
            doubles.map((value) => (Object.is(value, -0) ? 0 : value)),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
