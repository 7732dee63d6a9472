import fc from 'fast-check';
import { valuesFor } from './bad-values.ts';
import type { Operation, SchemaResolver } from './openapi-operations.ts';
import { nested, RawJson } from './raw-json.ts';
import { type Site, sitesOf } from './schema-walk.ts';

/** One change to an otherwise valid request. */
export type Mutation =
  | { kind: 'field'; site: Site; value: unknown; idempotencyKey: boolean }
  | { kind: 'body'; payload: string | Buffer | RawJson; idempotencyKey: boolean }
  | { kind: 'param'; name: string; segment: string; idempotencyKey: boolean }
  | { kind: 'header'; name: string; value: string | string[] | null }
  | {
      kind: 'edit';
      label: string;
      // biome-ignore lint/suspicious/noExplicitAny: a fixed case edits the valid body as it likes
      edit?: (body: any) => unknown;
      params?: Record<string, string>;
      idempotencyKey?: string;
    };

/** Raw bodies: not JSON, JSON of the wrong kind, invalid UTF-8, a byte-order mark, over the limit. */
const RAW_BODIES = fc.constantFrom<string | Buffer | RawJson>(
  '',
  ' ',
  '{',
  '{"a":',
  'null',
  '[]',
  '"x"',
  '42',
  'true',
  '\ufeff{}',
  '{}x',
  new RawJson('1e309'),
  nested(100_000, '[', '', ']'),
  nested(100_000, '{"a":', '1', '}'),
  Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  `"${'x'.repeat(1_100_000)}"`,
);

/** Path ids as they appear in the URL (already percent-encoded where they need to be). */
const BAD_SEGMENTS = fc.oneof(
  fc.constantFrom(
    '%00',
    'a%00b',
    '%ED%A0%80',
    '%C0%AE',
    '%FF',
    '%',
    '%zz',
    '..',
    '%2e%2e',
    '%2F',
    '.',
    '%20',
    'x'.repeat(65),
    'x'.repeat(129),
    'x'.repeat(300),
    encodeURIComponent('会员🎉'),
    encodeURIComponent('\u202e'),
    'hld_0000000000000000000000000',
    'ent_doesnotexist',
    'null',
    'undefined',
    '0',
    '-1',
    '1e309',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);

const IDEMPOTENCY_KEYS = fc.oneof(
  fc.constantFrom<string | string[]>(
    '',
    ' ',
    'x'.repeat(255),
    'x'.repeat(256),
    'x'.repeat(8_000),
    'é\u00ff',
    'a\tb',
    '../..',
    '%00',
    '{"key":1}',
    ['dup-1', 'dup-2'],
  ),
  fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
);

const CONTENT_TYPES = fc.constantFrom<string | null>(
  null,
  '',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'APPLICATION/JSON',
  'application/json;',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'application/problem+json',
  'application/vnd.api+json',
  'application/jsonx',
  'application/json, text/plain',
);

const AUTHORIZATIONS = fc.constantFrom<string | null>(
  null,
  '',
  'Bearer ',
  'Bearer nope',
  'Basic dXNlcjpwYXNz',
  'Bearer a b',
);

/** Every kind of bad request for one operation, generated from its schema. */
export function mutationsFor(operation: Operation, resolver: SchemaResolver): fc.Arbitrary<Mutation> {
  const withKey = operation.takesIdempotencyKey ? fc.boolean() : fc.constant(false);
  const choices: fc.WeightedArbitrary<Mutation>[] = [
    {
      weight: 1,
      arbitrary: fc
        .record({ payload: RAW_BODIES, idempotencyKey: withKey })
        .map((m) => ({ kind: 'body', ...m })),
    },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.record({ name: fc.constant('content-type'), value: CONTENT_TYPES }),
          fc.record({ name: fc.constant('authorization'), value: AUTHORIZATIONS }),
          ...(operation.takesIdempotencyKey
            ? [fc.record({ name: fc.constant('idempotency-key'), value: IDEMPOTENCY_KEYS })]
            : []),
        )
        .map((m) => ({ kind: 'header', ...m })),
    },
  ];
  if (operation.body) {
    const sites = sitesOf(operation.body, resolver);
    const perSite = sites.map((site) =>
      fc
        .record({ value: valuesFor(site.schema, resolver), idempotencyKey: withKey })
        .map((m): Mutation => ({ kind: 'field', site, ...m })),
    );
    choices.push({ weight: 8, arbitrary: fc.oneof(...perSite) });
  }
  if (operation.pathParams.length > 0) {
    const names = operation.pathParams.map((param) => param.name);
    choices.push({
      weight: 2,
      arbitrary: fc
        .record({ name: fc.constantFrom(...names), segment: BAD_SEGMENTS, idempotencyKey: withKey })
        .map((m) => ({ kind: 'param', ...m })),
    });
  }
  return fc.oneof(...choices);
}

export function describeMutation(mutation: Mutation): string {
  const excerpt = (value: unknown) => {
    const text = value instanceof RawJson || Buffer.isBuffer(value) ? String(value) : JSON.stringify(value);
    return text === undefined
      ? 'undefined'
      : text.length > 120
        ? `${text.slice(0, 100)}…(${text.length} chars)`
        : text;
  };
  switch (mutation.kind) {
    case 'field':
      return `body/${mutation.site.path.join('/')} = ${excerpt(mutation.value)}`;
    case 'body':
      return `body ${excerpt(mutation.payload)}`;
    case 'param':
      return `path ${mutation.name} = ${excerpt(mutation.segment)}`;
    case 'header':
      return `header ${mutation.name}: ${excerpt(mutation.value)}`;
    case 'edit':
      return mutation.label;
  }
}
