import { Type } from '@sinclair/typebox';

/** Request and response schemas of the finance routes (journal export, totals, trial balance). */

const Instant = (description: string) => Type.String({ format: 'date-time', description });

export const JournalRangeQuery = Type.Object(
  {
    from: Instant('Start (inclusive) of the effective dates, an instant with its offset.'),
    to: Instant('End (exclusive) of the effective dates; after `from`.'),
  },
  { additionalProperties: false },
);

export const JournalExportQuery = Type.Composite(
  [
    JournalRangeQuery,
    Type.Object({
      format: Type.Optional(
        Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], {
          description:
            'csv (the default, also for `Accept: text/csv`) or jsonl (JSON lines, also for `Accept: application/x-ndjson`).',
        }),
      ),
    }),
  ],
  { additionalProperties: false },
);

export const TrialBalanceQuery = Type.Object(
  {
    period: Type.String({
      pattern: '^[0-9]{4}-[0-9]{2}$',
      description: "A month, YYYY-MM, in the program's timezone.",
      examples: ['2026-03'],
    }),
  },
  { additionalProperties: false },
);

const Unit = Type.Union([Type.Literal('points'), Type.Literal('growth')]);

export const AccountTotal = Type.Object({
  account: Type.String({
    description:
      '`member:available|pending|held|growth` (all members together) or `system:<account>`; `total:<unit>` in `units`.',
  }),
  unit: Unit,
  opening: Type.Integer({ description: 'Balance from every posting that counts from before `from`.' }),
  debits: Type.Integer({
    description: 'Sum of the negative postings within the range, as a positive figure.',
  }),
  credits: Type.Integer({ description: 'Sum of the positive postings within the range.' }),
  closing: Type.Integer({ description: 'opening + credits − debits: the balance at `to`.' }),
});

const JournalTotalsProperties = {
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  entries: Type.Integer({
    description: 'Entries that count from within [from, to): the lines of the export.',
  }),
  accounts: Type.Array(AccountTotal),
  units: Type.Array(AccountTotal, {
    description: 'Per unit, the sum over its accounts: opening and closing are 0 and debits equal credits.',
  }),
  debtMemo: Type.Object(
    {
      opening: Type.Integer(),
      increases: Type.Integer(),
      decreases: Type.Integer(),
      closing: Type.Integer(),
    },
    { description: "The members' debt, already inside `member:available` (a memo, not an account)." },
  ),
};

export const JournalTotals = Type.Object(JournalTotalsProperties);

export const TrialBalance = Type.Object({
  period: Type.String(),
  timezone: Type.String(),
  ...JournalTotalsProperties,
});
