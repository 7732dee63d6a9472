import { Type } from '@sinclair/typebox';
import { PageQuery } from '../shared/api-schemas.ts';
import { IMPORT_KINDS } from './import-types.ts';

/** Request and response shapes of the imports API; the OpenAPI document is generated from them. */

/** Largest file the API takes in one request (the CLI streams files of any size). */
export const MAX_IMPORT_CONTENT_BYTES = 16 * 1_048_576;

export const ImportParams = Type.Object({
  importId: Type.String({ minLength: 1, maxLength: 64, pattern: '^imp_[0-9a-z]+$' }),
});

export const ImportPageQuery = PageQuery;

export const ImportCreate = Type.Object(
  {
    kind: Type.Union(
      IMPORT_KINDS.map((kind) => Type.Literal(kind)),
      { description: 'What the file holds (docs/imports.md lists every column of each kind).' },
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], {
        description:
          'csv (a header row, then a row per line; the default) or jsonl (a JSON object per line).',
      }),
    ),
    content: Type.Optional(
      Type.String({ maxLength: MAX_IMPORT_CONTENT_BYTES, description: "The file's text (UTF-8)." }),
    ),
    contentBase64: Type.Optional(
      Type.String({
        maxLength: Math.ceil(MAX_IMPORT_CONTENT_BYTES / 3) * 4,
        pattern: '^[A-Za-z0-9+/]*={0,2}$',
        description:
          "The file's bytes in base64, for a file in another encoding (GBK): give content or this.",
      }),
    ),
    encoding: Type.Optional(
      Type.Union([Type.Literal('utf8'), Type.Literal('gbk')], {
        description: 'The encoding of contentBase64 (default utf8; a byte order mark is fine).',
      }),
    ),
    mapping: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 100 }),
        Type.String({ minLength: 1, maxLength: 100 }),
        {
          maxProperties: 50,
          description: 'Renames the file\'s columns: {"会员号": "memberId"}.',
        },
      ),
    ),
    fileName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const ImportCommit = Type.Object(
  {
    skipErrors: Type.Optional(
      Type.Boolean({
        description: 'Apply the valid rows of a file with errors (default: refuse with import_has_errors).',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ImportRowError = Type.Object({
  line: Type.Integer({ description: "The file's line (1 is a CSV file's header)." }),
  column: Type.Union([Type.String(), Type.Null()], { description: 'Null when the whole row is wrong.' }),
  message: Type.String({ description: 'What is wrong and what to fix.' }),
});

export const ImportView = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  state: Type.Union(
    [
      Type.Literal('dry_run'),
      Type.Literal('committing'),
      Type.Literal('failed'),
      Type.Literal('committed'),
      Type.Literal('undone'),
    ],
    {
      description:
        'dry_run: checked, nothing applied; committing: being applied in the background (progress; resumed if cut short); failed: a problem stopped the commit (see failure; what was applied stays, commit again to resume); committed; undone.',
    },
  ),
  fileName: Type.Union([Type.String(), Type.Null()]),
  counts: Type.Object({
    read: Type.Integer({ description: 'Data rows in the file.' }),
    valid: Type.Integer(),
    invalid: Type.Integer({ description: 'Rows with errors, in the dry run or refused when applied.' }),
    applied: Type.Integer(),
    skipped: Type.Integer({ description: 'Rows an earlier import already applied.' }),
    alreadyImported: Type.Integer({
      description: 'Of the valid rows, those in force already (skipped at commit).',
    }),
  }),
  progress: Type.Object({
    done: Type.Integer({
      description: 'Valid rows the commit has been through (applied, skipped or refused).',
    }),
    total: Type.Integer({ description: 'The valid rows.' }),
  }),
  failure: Type.Union(
    [
      Type.Object({
        code: Type.String({ description: 'A stable code (docs/errors.md).' }),
        detail: Type.String({ description: 'What stopped the commit and what to do.' }),
      }),
      Type.Null(),
    ],
    { description: 'While failed: why the commit stopped. Commit again to resume it.' },
  ),
  points: Type.Integer({
    description: 'Points in the valid rows (balances) or that the rules gave (events).',
  }),
  membersCreated: Type.Integer(),
  entriesMade: Type.Integer(),
  errors: Type.Array(ImportRowError, { description: 'The first errors (up to 1,000) by line and column.' }),
  createdAt: Type.String({ format: 'date-time' }),
  committedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  undoneAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
