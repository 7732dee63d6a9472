import fc from 'fast-check';
import type { JsonSchema, SchemaResolver } from './openapi-operations.ts';
import { nested, RawJson } from './raw-json.ts';
import { branchesOf, exampleOf } from './schema-walk.ts';

/**
 * Values to put at one site of a body: of the wrong type, of the right type outside the allowed
 * range (huge, negative, fractional, empty, over-long, deep, non-finite), with what PostgreSQL
 * cannot store (NUL, unpaired surrogates), and edge values the schema allows (which must then be
 * stored faithfully or refused with a 4xx, never answered with a 500).
 */

const UNSTORABLE = ['\u0000', '\ud800', '\udc00', '\udbff', '\ud83d'];

/** Text with a NUL or an unpaired surrogate somewhere in it. */
export const unstorableText = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...UNSTORABLE), fc.string({ maxLength: 12 }))
  .map(([before, bad, after]) => before + bad + after);

const deepValues = fc.constantFrom(
  nested(33, '[', '', ']'),
  nested(100_000, '[', '', ']'),
  nested(33, '{"a":', '1', '}'),
  nested(50_000, '{"a":', '1', '}'),
);

const rawNumbers = fc.constantFrom(
  ...[
    '1e309',
    '-1e309',
    '1E400',
    '-0',
    '1e-400',
    '1.0',
    '100000000000000000000000000000',
    '0.1e1',
    '12345678901234567890.5',
  ].map((text) => new RawJson(text)),
);

const wrongTypes = fc.constantFrom<unknown>(
  null,
  true,
  false,
  0,
  -1,
  'x',
  '',
  [],
  {},
  [1],
  { a: 1 },
  new RawJson('1e309'),
);

const oddButStorableText = fc.oneof(
  fc.constantFrom(
    'America/Los_Angeles',
    'Pacific/Kiritimati',
    'Etc/GMT+12',
    'UTC',
    '9999-12-31',
    '1970-01-01',
  ),
  fc.constantFrom(
    '会员🎉',
    '\u202eevil',
    'e\u0301',
    '\ufeff',
    "x'); drop table members;--",
    '{{constructor}}',
    '$' + '{constructor}',
    '<script>',
    ' ',
    '\t\n',
  ),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

function numberValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const integer = schema.type === 'integer';
  const min =
    (schema.minimum as number | undefined) ?? (schema.exclusiveMinimum as number | undefined) ?? -(2 ** 53);
  const max = (schema.maximum as number | undefined) ?? 2 ** 53;
  const outside = fc.constantFrom(
    min - 1,
    max + 1,
    -1,
    0.5,
    min + 0.5,
    -0,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 53 + 2,
    2 ** 63,
    1e15,
    1e20,
    1e308,
    -1e308,
    5e-324,
  );
  const asText = fc.constantFrom('1', 'NaN', 'Infinity', '-Infinity', '0x10', '1e3', ' 1');
  const inside = integer
    ? fc.oneof(
        fc.constantFrom(min, max),
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
      )
    : fc.oneof(fc.constantFrom(max), fc.double({ min, max, noNaN: true, noDefaultInfinity: true }));
  return fc.oneof(outside, rawNumbers, asText, fc.double(), inside, wrongTypes);
}

const BAD_DATE_TIMES = [
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '1900-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '1970-01-01T00:00:00+01:00',
  '1970-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59-01:00',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2027-02-29T00:00:00Z',
  '2026-12-31T23:59:60Z',
  '2026-01-01T24:00:00Z',
  '2026-01-01T00:00:00+24:00',
  '2026-01-01T00:00:00',
  '2026-01-01 00:00:00Z',
  '2026-01-01',
  '2026-01-01T00:00:00.123456789Z',
  'now',
];
const BAD_DATES = [
  '0000-01-01',
  '0001-01-01',
  '1969-12-31',
  '1970-01-01',
  '9999-12-31',
  '10000-01-01',
  '2026-02-30',
  '2026-13-01',
  '2026-1-1',
];
const BAD_URIS = [
  'javascript:alert(1)',
  'http://',
  'http://[::1',
  'not a uri',
  'file:///etc/passwd',
  `https://example.com/${'a'.repeat(2_100)}`,
  'http://[::ffff:169.254.169.254]/',
];
const anyDate = fc
  .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
  .map((d) => d.toISOString());

function stringValues(schema: JsonSchema): fc.Arbitrary<unknown> {
  const maxLength = (schema.maxLength as number | undefined) ?? 10_000;
  const tooLong = fc.constantFrom(
    'x'.repeat(maxLength + 1),
    '积'.repeat(maxLength + 1),
    '🎉'.repeat(maxLength + 1),
    'x'.repeat(100_000),
  );
  const longest = fc.constantFrom('x'.repeat(maxLength), '积'.repeat(maxLength), '🎉'.repeat(maxLength));
  const byFormat: fc.Arbitrary<unknown>[] = [];
  if (schema.format === 'date-time') byFormat.push(fc.constantFrom(...BAD_DATE_TIMES), anyDate);
  if (schema.format === 'date')
    byFormat.push(
      fc.constantFrom(...BAD_DATES),
      anyDate.map((text) => text.slice(0, 10)),
    );
  if (schema.format === 'uri') byFormat.push(fc.constantFrom(...BAD_URIS));
  if (typeof schema.pattern === 'string') {
    const pattern = new RegExp(schema.pattern);
    byFormat.push(fc.stringMatching(pattern).filter((text) => text.length <= maxLength + 2));
  }
  const generic = fc.oneof(
    fc.constantFrom('', ' '),
    tooLong,
    longest,
    unstorableText,
    oddButStorableText,
    wrongTypes,
  );
  // A formatted field is mostly sent values near its format's edges, which the generic ones rarely hit.
  return byFormat.length === 0
    ? generic
    : fc.oneof({ weight: 1, arbitrary: generic }, { weight: 3, arbitrary: fc.oneof(...byFormat) });
}

function enumValues(values: unknown[]): fc.Arbitrary<unknown> {
  const first = String(values[0]);
  return fc.oneof(
    fc.constantFrom(...values),
    fc.constantFrom('zzz', first.toUpperCase(), `${first} `, '', `${first}\u0000`, `${first}\ud800`),
    wrongTypes,
  );
}

function arrayValues(schema: JsonSchema, resolver: SchemaResolver): fc.Arbitrary<unknown> {
  const item = (schema.items ?? {}) as JsonSchema;
  let example: unknown = 'x';
  try {
    example = exampleOf(item, resolver);
  } catch {
    // A recursive item schema: plain values will do.
  }
  const maxItems = Math.min((schema.maxItems as number | undefined) ?? 1_000, 10_000);
  return fc.oneof(
    fc.constantFrom<unknown>(
      [],
      [null],
      [example, example],
      Array.from({ length: maxItems + 1 }, () => example),
      {},
      'x',
    ),
    deepValues,
    fc.array(valuesFor(item, resolver), { maxLength: 3 }),
    wrongTypes,
  );
}

function objectValues(schema: JsonSchema, resolver: SchemaResolver): fc.Arbitrary<unknown> {
  let example: Record<string, unknown> = {};
  try {
    example = exampleOf(schema, resolver) as Record<string, unknown>;
  } catch {
    // A recursive schema: the structural mutations below need no example.
  }
  const manyKeys = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i]));
  return fc.oneof(
    fc.constantFrom<unknown>(
      {},
      [],
      [example],
      { ...example, unknownField: 1 },
      manyKeys,
      { ...example, big: 'x'.repeat(20_000) },
      new RawJson('{"__proto__":{"polluted":1}}'),
      new RawJson('{"constructor":{"prototype":{"polluted":1}}}'),
      new RawJson(`{"a":1,"a":"twice"}`),
    ),
    deepValues,
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), unstorableText), anyValues(), { maxKeys: 4 }),
    wrongTypes,
  );
}

function anyValues(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    rawNumbers,
    unstorableText,
    oddButStorableText,
    deepValues,
    fc.constantFrom<unknown>(
      'x'.repeat(20_000),
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])),
    ),
  );
}

/** Values for a site whose schema is `schema` (a union draws from each of its branches). */
export function valuesFor(schema: JsonSchema, resolver: SchemaResolver): fc.Arbitrary<unknown> {
  const branches = branchesOf(schema, resolver);
  const enums = branches.flatMap((branch) => (Array.isArray(branch.enum) ? branch.enum : []));
  const arbitraries = branches
    .filter((branch) => !Array.isArray(branch.enum))
    .map((branch): fc.Arbitrary<unknown> => {
      switch (branch.type) {
        case 'integer':
        case 'number':
          return numberValues(branch);
        case 'string':
          return stringValues(branch);
        case 'boolean':
          return fc.constantFrom<unknown>(true, false, 'true', 1, 0, null, 'yes');
        case 'array':
          return arrayValues(branch, resolver);
        case 'object':
          return objectValues(branch, resolver);
        case 'null':
          return fc.constant(null);
        default:
          return anyValues();
      }
    });
  if (enums.length > 0) arbitraries.push(enumValues(enums));
  return arbitraries.length === 1 ? arbitraries[0]! : fc.oneof(...arbitraries);
}
