import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Database } from '../db/database.ts';
import type { EventCoalescer } from '../events/event-coalescer.ts';
import type { ImportCommitRunner } from '../imports/commit-runner.ts';
import type { CreditCoalescer } from '../ledger/credit-coalescer.ts';
import type { Clock } from '../shared/clock.ts';
import type { Authenticator } from './auth.ts';
import type { SendCommand } from './write-route.ts';

export type TypedApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression<RawServerDefault>,
  RawReplyDefaultExpression<RawServerDefault>,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface RouteDeps {
  db: Database;
  clock: Clock;
  send: SendCommand;
  auth: Authenticator;
  credits: Pick<CreditCoalescer, 'credit'>;
  events: Pick<EventCoalescer, 'send'>;
  /** Imports committed in the background (`POST /v1/imports/{id}/commit` answers 202). */
  importCommits: ImportCommitRunner;
  /** Whether session cookies are `Secure` (AppOptions.secureCookies). */
  secureCookies: boolean;
  /** Sign-in attempts a minute from one address (RateLimitOptions.loginAttemptsPerMinute). */
  loginAttemptsPerMinute: number;
}
