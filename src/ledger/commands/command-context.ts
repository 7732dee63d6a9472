import type { EntrySource } from '../ledger-types.ts';

/** What every ledger command knows besides its input: whose program, when, and on whose behalf. */
export interface CommandContext {
  programId: string;
  now: Date;
  source: EntrySource;
}
