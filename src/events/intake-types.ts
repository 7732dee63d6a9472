import type { EntrySource } from '../ledger/ledger-types.ts';
import type { EventInput } from './event-input.ts';

/** What event intake passes between its steps: the request's context, its events, their answers. */

export interface IngestContext {
  programId: string;
  now: Date;
  source: EntrySource;
}

export interface EventResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

export interface Candidate {
  index: number;
  event: EventInput;
  hash: string;
  occurredAt: Date;
}
