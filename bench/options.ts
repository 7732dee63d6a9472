import { parseArgs } from 'node:util';
import type { Distribution } from './workload.ts';

export type Scenario =
  | 'all'
  | 'http'
  | 'batch'
  | 'baseline'
  | 'events'
  | 'events-batch'
  | 'events-single'
  | 'tiers'
  | 'segments'
  | 'rewards'
  | 'notifications'
  | 'observability'
  | 'demo'
  | 'import'
  | 'staff-adjust'
  | 'console-load'
  | 'journal-export';
export type EngineChoice = 'postgres' | 'pglite' | 'both';

export interface BenchOptions {
  scenario: Scenario;
  engine: EngineChoice;
  members: number;
  distribution: Distribution;
  hotShare: number;
  hotMembers: number;
  batchSize: number;
  /** Concurrent batch submitters on the batch path and the unnest baseline. */
  batchClients: number;
  holds: boolean;
  /** With --holds: share of HTTP operations that are an authorize + capture pair instead of a credit. */
  holdShare: number;
  clients: number;
  /** Measured operations (credits / rows) per scenario; overrides --seconds when given. */
  ops: number | null;
  seconds: number;
  warmup: number;
  databaseUrl: string;
  verify: boolean;
  /** Run the baselines a figure is compared with even when --scenario names another scenario. */
  baseline: boolean;
  seed: number;
  profile: boolean;
  csv: string | undefined;
  out: string;
  /** Members the tier evaluation scenario evaluates. */
  tierMembers: number;
  /** Members the segments scenario recomputes. */
  segmentMembers: number;
  /** Rows of each file the import scenario imports. */
  importRows: number;
  /** Off/on pairs of the observability scenario. */
  pairs: number;
  /** Entries of the generated program the journal-export scenario exports. */
  journalEntries: number;
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const USAGE = `Usage: npm run bench -- [flags]      (or: jifen bench [flags])

  --scenario all|http|batch|baseline|events|events-batch|events-single|tiers|segments|rewards|notifications|observability|demo|import|staff-adjust|console-load|journal-export
                                       what to run (default all; events =
                                       intake, rule evaluation and back-test; events-batch = batched
                                       intake on PostgreSQL alone; events-single = one event a
                                       request on PostgreSQL alone (with d-per-op); tiers = the evaluation sweep;
                                       segments = recomputing every member's stage, RFM and
                                       segments, twice, and one member's segments read;
                                       rewards = redemptions of one hot reward;
                                       notifications = webhook dispatch throughput and commit-to-delivery lag;
                                       observability = a and events-batch with logs + metrics off, then
                                       on, --pairs times alternating, and the cost of having them on;
                                       staff-adjust = 8 staff sessions adjusting at once, with and
                                       without the audit log, and what the log costs;
                                       console-load = 5 cold loads of the console's members list in
                                       headless Chromium to its first row, median under 2 s; run
                                       only when named, not by all);
                                       journal-export = GET /v1/finance/journal of a generated
                                       program (CSV, then JSON lines), ≥ 100,000 entries/s, server
                                       under 250 MB
  --pairs N                            off/on pairs of the observability scenario (default 3)
  --tier-members N                     members the tier evaluation evaluates (default 1000000)
  --segment-members N                  members the segments scenario recomputes (default 1000000)
  --import-rows N                      rows of each file the import scenario imports (default 100000)
  --journal-entries N                  entries of the program journal-export exports (default 1000000)
  --engine postgres|pglite|both        stores for http and batch (default both)
  --members N                          members created before the load (default 10000)
  --distribution uniform|zipfian|retail  how members are picked (default uniform; retail = the
                                       invoice's own customer, the real skew of the data)
  --hot-share 0..1 --hot-members N     share of operations sent to members 0..N-1 (default 0, 100)
  --batch-size N                       credits per batch on the batch path (default 1000)
  --batch-clients N                    concurrent batches (default 1)
  --holds [--hold-share 0..1]          mix authorize + capture pairs into the HTTP load (default 0.2)
  --clients N                          concurrent HTTP / per-op clients (default 8)
  --seconds S --warmup S               measured and warm-up time per scenario (default 10, 2)
  --ops N                              measured credits per scenario instead of --seconds
  --database-url URL                   PostgreSQL used to CREATE (and at the end DROP) fresh
                                       databases jifen_bench_* (default ${DEFAULT_DATABASE_URL})
  --no-verify                          skip \`verify\` and the balance check at the end
  --no-baseline                        with --scenario http|batch, do not run the baseline too
  --seed N                             workload seed (default 42)
  --profile                            run the HTTP server under --cpu-prof (profiles go to a temp dir);
                                       segments: EXPLAIN ANALYZE of the facts statement
  --csv PATH                           retail invoices (default ../shared/data/ beside the repository)
  --out DIR                            results directory (default bench/results)
`;

export class BenchUsageError extends Error {}

function choice<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new BenchUsageError(`--${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function number(
  value: string | undefined,
  flag: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true } = {},
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min || parsed > max || (integer && !Number.isInteger(parsed)))
    throw new BenchUsageError(
      `--${flag} must be ${integer ? 'a whole number' : 'a number'} in ${min}..${max}, got "${value}"`,
    );
  return parsed;
}

export function parseBenchArgs(argv: string[], defaultOut: string): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        engine: { type: 'string' },
        members: { type: 'string' },
        distribution: { type: 'string' },
        'hot-share': { type: 'string' },
        'hot-members': { type: 'string' },
        'batch-size': { type: 'string' },
        'batch-clients': { type: 'string' },
        holds: { type: 'boolean' },
        'hold-share': { type: 'string' },
        clients: { type: 'string' },
        ops: { type: 'string' },
        seconds: { type: 'string' },
        warmup: { type: 'string' },
        'database-url': { type: 'string' },
        verify: { type: 'boolean' },
        'no-verify': { type: 'boolean' },
        'no-baseline': { type: 'boolean' },
        seed: { type: 'string' },
        profile: { type: 'boolean' },
        csv: { type: 'string' },
        out: { type: 'string' },
        'tier-members': { type: 'string' },
        'segment-members': { type: 'string' },
        'import-rows': { type: 'string' },
        pairs: { type: 'string' },
        'journal-entries': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new BenchUsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const str = (name: string) => values[name] as string | undefined;
  return {
    scenario: choice(
      str('scenario'),
      [
        'all',
        'http',
        'batch',
        'baseline',
        'events',
        'events-batch',
        'events-single',
        'tiers',
        'segments',
        'rewards',
        'notifications',
        'observability',
        'demo',
        'import',
        'staff-adjust',
        'console-load',
        'journal-export',
      ] as const,
      'scenario',
      'all',
    ),
    engine: choice(str('engine'), ['postgres', 'pglite', 'both'] as const, 'engine', 'both'),
    members: number(str('members'), 'members', 10_000, { min: 1, max: 10_000_000 }),
    distribution: choice(
      str('distribution'),
      ['uniform', 'zipfian', 'retail'] as const,
      'distribution',
      'uniform',
    ),
    hotShare: number(str('hot-share'), 'hot-share', 0, { max: 1, integer: false }),
    hotMembers: number(str('hot-members'), 'hot-members', 100, { min: 1 }),
    batchSize: number(str('batch-size'), 'batch-size', 1000, { min: 1, max: 100_000 }),
    batchClients: number(str('batch-clients'), 'batch-clients', 1, { min: 1, max: 64 }),
    holds: values.holds === true,
    holdShare: number(str('hold-share'), 'hold-share', 0.2, { max: 1, integer: false }),
    clients: number(str('clients'), 'clients', 8, { min: 1, max: 512 }),
    ops: str('ops') === undefined ? null : number(str('ops'), 'ops', 0, { min: 1 }),
    seconds: number(str('seconds'), 'seconds', 10, { min: 0.1, max: 3600, integer: false }),
    warmup: number(str('warmup'), 'warmup', 2, { max: 600, integer: false }),
    databaseUrl: str('database-url') ?? DEFAULT_DATABASE_URL,
    verify: values['no-verify'] !== true,
    baseline: values['no-baseline'] !== true,
    seed: number(str('seed'), 'seed', 42),
    profile: values.profile === true,
    csv: str('csv'),
    out: str('out') ?? defaultOut,
    tierMembers: number(str('tier-members'), 'tier-members', 1_000_000, { min: 1, max: 100_000_000 }),
    segmentMembers: number(str('segment-members'), 'segment-members', 1_000_000, {
      min: 1,
      max: 100_000_000,
    }),
    importRows: number(str('import-rows'), 'import-rows', 100_000, { min: 1, max: 10_000_000 }),
    pairs: number(str('pairs'), 'pairs', 3, { min: 1, max: 50 }),
    journalEntries: number(str('journal-entries'), 'journal-entries', 1_000_000, {
      min: 1,
      max: 100_000_000,
    }),
  };
}
