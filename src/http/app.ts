import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyReply, LogController } from 'fastify';
import type { Database } from '../db/database.ts';
import { EventCoalescer } from '../events/event-coalescer.ts';
import { ImportCommitRunner } from '../imports/commit-runner.ts';
import { CreditCoalescer } from '../ledger/credit-coalescer.ts';
import type { Logger } from '../observability/logger.ts';
import type { JifenMetrics } from '../observability/metrics.ts';
import { type Clock, systemClock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';
import { masterKeysFrom } from '../vault/master-key.ts';
import { unlockVault, vaultConfigured } from '../vault/vault-keys.ts';
import { wireAreas } from '../wiring.ts';
import { validatorCompiler } from './ajv-compilers.ts';
import { installAuditing } from './audit-hooks.ts';
import { scopedDatabase } from './audit-scope.ts';
import { auditedCredits, auditedEvents } from './audited-group-commits.ts';
import { Authenticator } from './auth.ts';
import { installErrorHandling } from './error-handler.ts';
import { installHttpMetrics } from './http-metrics.ts';
import { componentsOf, nameApiSchemas } from './openapi-components.ts';
import { installOperationIds } from './operations.ts';
import { DEFAULT_RATE_LIMITS, installRateLimits, type RateLimitOptions } from './rate-limits.ts';
import { installRequestLogging, requestIdOf } from './request-logging.ts';
import type { RouteDeps, TypedApp } from './route-deps.ts';
import { approvalRoutes } from './routes/approval-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { batchRoutes } from './routes/batch-routes.ts';
import { checkoutRoutes } from './routes/checkout-routes.ts';
import { consoleRoutes } from './routes/console-routes.ts';
import { couponPoolRoutes } from './routes/coupon-pool-routes.ts';
import { docsRoutes } from './routes/docs-routes.ts';
import { drawRoutes } from './routes/draw-routes.ts';
import { eventRoutes } from './routes/event-routes.ts';
import { financeRoutes } from './routes/finance-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { holdRoutes } from './routes/hold-routes.ts';
import { importRoutes } from './routes/import-routes.ts';
import { inboxRoutes } from './routes/inbox-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { ledgerRoutes } from './routes/ledger-routes.ts';
import { memberRoutes } from './routes/member-routes.ts';
import { notificationPreferenceRoutes } from './routes/notification-preference-routes.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { privacyRoutes } from './routes/privacy-routes.ts';
import { programRoutes } from './routes/program-routes.ts';
import { programsAdminRoutes } from './routes/programs-admin-routes.ts';
import { rewardRoutes } from './routes/reward-routes.ts';
import { ruleRoutes } from './routes/rule-routes.ts';
import { segmentRoutes } from './routes/segment-routes.ts';
import { staffRoutes } from './routes/staff-routes.ts';
import { tierRoutes } from './routes/tier-routes.ts';
import { webhookRoutes } from './routes/webhook-routes.ts';
import { secureCookiesFrom } from './session-cookies.ts';
import { installShutdownGuard } from './shutdown.ts';
import { type TimeoutOptions, timeoutServerOptions } from './timeouts.ts';
import { checkUnschemedBodies } from './unschemed-body.ts';
import { commandSender, installIdempotency } from './write-route.ts';

export interface AppOptions {
  db: Database;
  clock?: Clock;
  /** Where request lines and errors are logged (pino); silent when left out (tests). */
  logger?: Logger;
  /** Prometheus metrics: requests are counted, and `GET /metrics` is served unless `metricsOnApi` is false. */
  metrics?: JifenMetrics;
  metricsOnApi?: boolean;
  /** Largest accepted request body (default 1 MiB; batches will raise it). */
  bodyLimitBytes?: number;
  /**
   * Called after a write request was answered (so its transaction has committed): `serve` wakes
   * its notification dispatcher, so a message goes out without waiting for the next poll.
   */
  onWriteAnswered?: () => void;
  /** Slow-client timeouts (DEFAULT_TIMEOUTS for what is not given). */
  timeouts?: Partial<TimeoutOptions>;
  /** Rate limits (DEFAULT_RATE_LIMITS for what is not given). */
  rateLimits?: Partial<RateLimitOptions>;
  /**
   * Origins a browser may call the API from (CORS); none when empty. Default: JIFEN_CORS_ORIGINS,
   * comma-separated (`*` for any origin).
   */
  corsOrigins?: string[];
  /**
   * Runs imports' commits in the background: `serve` passes the one its sweeps resume abandoned
   * commits with; by default the app makes its own. Stopped when the app closes.
   */
  importCommits?: ImportCommitRunner;
  /**
   * Whether the console's session cookies are `Secure` (sent over HTTPS only). Default: yes,
   * unless JIFEN_INSECURE_COOKIES is 1 or true (a deployment serving plain HTTP on a LAN).
   */
  secureCookies?: boolean;
  /**
   * Whether audited requests append their audit record (default: yes). Only the bench turns it
   * off, to measure what the log costs; no CLI flag or environment variable reaches it.
   */
  auditLog?: boolean;
  /** Where the built admin console is (default console/dist of this installation): served at /console/. */
  consoleDir?: string;
}

/** JIFEN_CORS_ORIGINS as a list: comma-separated origins, blanks dropped. */
export function corsOriginsFrom(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin.length > 0);
}

export const API_VERSION = '0.1.0';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's own serializer compiler (fast-json-stringify), each route's serializer compiled when
 * the route first answers with that status: compiling them all made up most of `jifen serve`'s
 * start-up (README, "Start-up").
 */
function lazySerializers(...args: Parameters<SerializerFactory>): ReturnType<SerializerFactory> {
  const compile = SerializerSelector()(...args);
  return (routeSchema) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => {
      serialize ??= compile(routeSchema);
      return serialize(data);
    };
  };
}

/** Builds the HTTP app without listening, so tests can call it in process with `inject`. */
export async function buildApp(options: AppOptions): Promise<TypedApp> {
  wireAreas();
  // `serve` unlocked the vault with its keys (the embedded key file included); an app built on its
  // own (tests, the bench) takes JIFEN_MASTER_KEY from the environment.
  if (!vaultConfigured())
    await unlockVault(options.db, masterKeysFrom(process.env, null), { required: false });
  const app = Fastify({
    // Response serializers are compiled on a route's first answer, not all at start-up (where
    // they took seconds): see lazySerializers.
    schemaController: { compilersFactory: { buildSerializer: lazySerializers } },
    ...(options.logger ? { loggerInstance: options.logger as FastifyBaseLogger } : { logger: false }),
    // One line per request, written by installRequestLogging.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: options.bodyLimitBytes ?? 1_048_576,
    // Fastify's default (100) is shorter than a valid member id (128): such ids got a bare 414.
    routerOptions: { maxParamLength: 256 },
    genReqId: requestIdOf,
    ...timeoutServerOptions(options.timeouts),
    // Requests arriving while closing get problem+json from installShutdownGuard instead.
    return503OnClosing: false,
    // Malformed URLs (bad percent-encoding, over-long parameters) fail before routing: they get
    // problem+json like every other error.
    frameworkErrors: (error, request, frameworkReply) => {
      const reply = frameworkReply as unknown as FastifyReply;
      reply
        .code(400)
        .header('x-request-id', request.id)
        .type('application/problem+json')
        .send(problemBody(new JifenError('validation_failed', { detail: `url ${error.message}` })));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  checkUnschemedBodies(app);
  // Bodies are JSON only: text/plain (fetch's default for a string body) must get 415, not a
  // confusing "body must be object".
  app.removeContentTypeParser('text/plain');
  // An empty JSON body is no body: optional bodies (void, capture, reversal) may be left out even
  // by clients that always send Content-Type: application/json.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') return done(null, undefined);
    return parseJson(request, body as string, done);
  });
  installRequestLogging(app);
  if (options.metrics) installHttpMetrics(app, options.metrics, options.metricsOnApi ?? true);
  installErrorHandling(app);
  installShutdownGuard(app);
  const onWriteAnswered = options.onWriteAnswered;
  if (onWriteAnswered) {
    app.addHook('onResponse', async (request, reply) => {
      if (request.method !== 'GET' && reply.statusCode < 300) onWriteAnswered();
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Jifen API',
        version: API_VERSION,
        description:
          'Membership points: members, a lot-based append-only ledger, holds and transfers. Errors are application/problem+json with a stable `code` (docs/errors.md). Every write accepts an Idempotency-Key.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    // Schemas added by $id (the rule definition and its condition) keep it as their name.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    transformObject: componentsOf as never,
  });
  nameApiSchemas();
  installOperationIds(app);

  const corsOrigins = options.corsOrigins ?? corsOriginsFrom(process.env.JIFEN_CORS_ORIGINS);
  if (corsOrigins.length > 0) {
    // Before authentication: a browser's preflight carries no key, and is answered here.
    await app.register(cors, {
      origin: corsOrigins.includes('*') ? '*' : corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-CSRF-Token'],
      exposedHeaders: [
        'X-Request-Id',
        'Idempotent-Replayed',
        'Retry-After',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'Allow',
      ],
      maxAge: 600,
    });
  }

  const clock = options.clock ?? systemClock;
  // Cookies are parsed for the console's staff sessions (src/http/session-cookies.ts).
  await app.register(cookie);
  const auth = new Authenticator(options.db, clock);
  const rateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  // Before authentication: an address sending bad keys is refused before its key is looked up.
  await installRateLimits(app, rateLimits);
  app.addHook('onRequest', (request, reply) => auth.authenticate(request, reply));
  // Before the routes (it wraps each audited route's handler as the route is added) and before
  // the idempotency hooks (its onSend commits the request's transaction before they store the answer).
  installAuditing(app, options.db, clock, { enabled: options.auditLog ?? true });
  installIdempotency(app, options.db, clock);
  const db = scopedDatabase(options.db);
  const groupCommit = {
    maxBatch: 500,
    // PGlite runs one transaction at a time; on PostgreSQL two overlap (one writing, one deciding).
    maxInFlight: options.db.engine === 'pglite' ? 1 : 2,
  };
  const credits = new CreditCoalescer(options.db, clock, groupCommit);
  const events = new EventCoalescer(options.db, clock, groupCommit);
  const importCommits = options.importCommits ?? new ImportCommitRunner(options.db, clock);
  // Closing stops each commit between two chunks; they stay `committing`, to be resumed.
  app.addHook('onClose', () => importCommits.stop());
  const deps: RouteDeps = {
    db,
    clock,
    auth,
    credits: auditedCredits(credits, db, clock),
    events: auditedEvents(events, db, clock),
    importCommits,
    send: commandSender(options.db, clock, db),
    secureCookies: options.secureCookies ?? secureCookiesFrom(process.env.JIFEN_INSECURE_COOKIES),
    loginAttemptsPerMinute: rateLimits.loginAttemptsPerMinute,
  };
  healthRoutes(app, deps);
  memberRoutes(app, deps);
  ledgerRoutes(app, deps);
  batchRoutes(app, deps);
  holdRoutes(app, deps);
  keyRoutes(app, deps);
  programRoutes(app, deps);
  programsAdminRoutes(app, deps);
  ruleRoutes(app, deps);
  eventRoutes(app, deps);
  importRoutes(app, deps);
  tierRoutes(app, deps);
  segmentRoutes(app, deps);
  rewardRoutes(app, deps);
  couponPoolRoutes(app, deps);
  checkoutRoutes(app, deps);
  drawRoutes(app, deps);
  webhookRoutes(app, deps);
  inboxRoutes(app, deps);
  notificationPreferenceRoutes(app, deps);
  notificationRoutes(app, deps);
  authRoutes(app, deps);
  staffRoutes(app, deps);
  approvalRoutes(app, deps);
  auditRoutes(app, deps);
  financeRoutes(app, deps);
  privacyRoutes(app, deps);
  docsRoutes(app);
  await consoleRoutes(app, options.consoleDir);
  await app.ready();
  return app;
}
