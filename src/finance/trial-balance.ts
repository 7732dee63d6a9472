import { Temporal } from 'temporal-polyfill';
import type { Queryable } from '../db/database.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { type JournalTotals, journalTotals } from './account-totals.ts';
import type { JournalRange } from './journal-export.ts';

/**
 * The trial balance of a month (`YYYY-MM`) in the program's timezone: every account's opening
 * balance at the month's first midnight, its debits and credits within the month (by effective
 * date) and its closing balance at the next month's first midnight. Per unit the balances sum to
 * zero (double entry); `account-totals.ts` has the sign convention.
 */
export interface TrialBalance extends JournalTotals {
  period: string;
  timezone: string;
}

export async function trialBalance(db: Queryable, programId: string, period: string): Promise<TrialBalance> {
  const { timezone } = await getProgram(db, programId);
  const range = monthRange(period, timezone);
  return { period, timezone, ...(await journalTotals(db, programId, range)) };
}

/** [first midnight of the month, first midnight of the next) in `timezone`; 400 for a malformed period. */
export function monthRange(period: string, timezone: string): JournalRange {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  const month = match ? Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) {
    throw new JifenError('validation_failed', {
      detail: 'querystring/period must be a month as YYYY-MM (01 to 12)',
      extensions: {
        errors: [{ field: 'querystring/period', message: 'must be a month as YYYY-MM (01 to 12)' }],
      },
    });
  }
  const first = Temporal.PlainDate.from({ year: Number(match[1]), month, day: 1 });
  const start = (date: Temporal.PlainDate) =>
    new Date(date.toZonedDateTime({ timeZone: timezone }).epochMilliseconds);
  return { from: start(first), to: start(first.add({ months: 1 })) };
}
