// `npm run bench` (and `jifen bench`): a harness shaped like TigerBeetle's `benchmark`. Runs the
// scenarios, prints a table, writes every figure with its configuration and the machine to
// bench/results/<date>-<scenario>.json and bench/results/latest.json. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { masterKeysFrom } from '../src/vault/master-key.ts';
import { adoptMasterKeysForFreshDatabases } from '../src/vault/vault-keys.ts';
import { wireAreas } from '../src/wiring.ts';
import { cleanupAll, postgresVersion } from './databases.ts';
import { type BenchOptions, BenchUsageError, parseBenchArgs, USAGE } from './options.ts';
import { machineInfo, type ScenarioResult, settle, table, writeResults } from './report.ts';
import { runBaselineFunction, runBaselinePerOp, runBaselineUnnest } from './scenarios/baseline.ts';
import { runBatch } from './scenarios/batch.ts';
import type { BenchContext } from './scenarios/common.ts';
import { runConsoleLoad } from './scenarios/console-load.ts';
import { runDemo } from './scenarios/demo.ts';
import { runBackTest, runEventIntake, runRuleEvaluation } from './scenarios/events.ts';
import { runHttp, takeServersPeakRssMb } from './scenarios/http.ts';
import { importSteps } from './scenarios/import.ts';
import { runJournalExport } from './scenarios/journal-export.ts';
import { runDispatchLag, runDispatchThroughput } from './scenarios/notifications.ts';
import { describeCosts, observabilityCosts, observabilitySteps } from './scenarios/observability.ts';
import { runHotRedemptions } from './scenarios/rewards.ts';
import { runSegments } from './scenarios/segments.ts';
import { staffAdjustSteps } from './scenarios/staff-adjust.ts';
import { runTierEvaluation } from './scenarios/tiers.ts';
import { nowMs } from './stats.ts';
import { findRetailCsv, loadRetail } from './workload.ts';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

// Scenarios that write in process (batches, the back-test's load) commit drafts like the server does.
wireAreas();
// The servers a run starts on PostgreSQL need a master key for personal data (its databases are
// dropped at the end, so a key per run will do).
process.env.JIFEN_MASTER_KEY ??= randomBytes(32).toString('base64');
// The in-process scenarios write fresh databases of their own: the same key seals their outbox rows.
adoptMasterKeysForFreshDatabases(masterKeysFrom(process.env, null));

interface Step {
  label: string;
  needsPostgres: boolean;
  run: (context: BenchContext) => Promise<ScenarioResult>;
}

function plan(options: BenchOptions): Step[] {
  const engines: Array<'postgres' | 'pglite'> =
    options.engine === 'both' ? ['postgres', 'pglite'] : [options.engine];
  const wants = (
    scenario:
      | 'http'
      | 'batch'
      | 'baseline'
      | 'events'
      | 'tiers'
      | 'segments'
      | 'journal-export'
      | 'rewards'
      | 'notifications'
      | 'demo'
      | 'import'
      | 'staff-adjust',
  ) => options.scenario === 'all' || options.scenario === scenario;
  const steps: Step[] = [];
  // Baselines first, so a figure's ratio is known as soon as it is measured.
  const perOp =
    wants('baseline') ||
    (options.baseline && (wants('http') || wants('events') || wants('rewards') || wants('notifications')));
  const unnest =
    wants('baseline') ||
    (options.baseline &&
      (wants('batch') ||
        wants('events') ||
        wants('tiers') ||
        wants('notifications') ||
        options.scenario === 'events-batch'));
  const perOpAlone = options.baseline && options.scenario === 'events-single';
  if (perOp || perOpAlone) steps.push({ label: 'd-per-op', needsPostgres: true, run: runBaselinePerOp });
  if (perOp) steps.push({ label: 'd-function', needsPostgres: true, run: runBaselineFunction });
  if (unnest) steps.push({ label: 'd-unnest', needsPostgres: true, run: runBaselineUnnest });
  for (const engine of engines) {
    const pgNeeded = engine === 'postgres';
    if (wants('batch'))
      steps.push({
        label: engine === 'postgres' ? 'b' : 'c-batch',
        needsPostgres: pgNeeded,
        run: (c) => runBatch(c, engine),
      });
    if (wants('http'))
      steps.push({
        label: engine === 'postgres' ? 'a' : 'c-http',
        needsPostgres: pgNeeded,
        run: (c) => runHttp(c, engine),
      });
  }
  if (options.scenario === 'events-batch' || options.scenario === 'events-single') {
    // One intake benchmark alone, e.g. events-batch with --ops 1000000 for the million-event replay.
    const id = options.scenario;
    steps.push({
      label: id,
      needsPostgres: true,
      run: (c) => runEventIntake(c, { id, engine: 'postgres', batched: id === 'events-batch' }),
    });
  }
  if (wants('events')) {
    if (engines.includes('postgres')) {
      steps.push({
        label: 'events-batch',
        needsPostgres: true,
        run: (c) => runEventIntake(c, { id: 'events-batch', engine: 'postgres', batched: true }),
      });
      steps.push({
        label: 'events-single',
        needsPostgres: true,
        run: (c) => runEventIntake(c, { id: 'events-single', engine: 'postgres', batched: false }),
      });
    }
    if (engines.includes('pglite')) {
      steps.push({
        label: 'events-batch-pglite',
        needsPostgres: false,
        run: (c) => runEventIntake(c, { id: 'events-batch-pglite', engine: 'pglite', batched: true }),
      });
      steps.push({ label: 'back-test', needsPostgres: false, run: runBackTest });
    }
    steps.push({ label: 'rule-eval', needsPostgres: false, run: runRuleEvaluation });
  }
  if (wants('tiers')) steps.push({ label: 'tier-eval', needsPostgres: true, run: runTierEvaluation });
  if (wants('segments')) steps.push({ label: 'segments', needsPostgres: true, run: runSegments });
  if (wants('journal-export'))
    steps.push({ label: 'journal-export', needsPostgres: true, run: runJournalExport });
  if (wants('rewards')) steps.push({ label: 'redeem-hot', needsPostgres: true, run: runHotRedemptions });
  if (options.scenario === 'observability') steps.push(...observabilitySteps(options));
  if (wants('import')) steps.push(...importSteps());
  if (wants('staff-adjust')) steps.push(...staffAdjustSteps());
  if (wants('demo') && engines.includes('pglite'))
    steps.push({ label: 'demo', needsPostgres: false, run: runDemo });
  // Needs Chromium and the built console: only when named (`--scenario console-load`), never by all.
  if (options.scenario === 'console-load')
    steps.push({ label: 'console-load', needsPostgres: false, run: runConsoleLoad });
  if (wants('notifications')) {
    steps.push({ label: 'dispatch', needsPostgres: true, run: runDispatchThroughput });
    steps.push({ label: 'dispatch-lag', needsPostgres: true, run: runDispatchLag });
  }
  return steps;
}

export async function benchMain(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(argv, RESULTS_DIR);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    console.error(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const startedAt = new Date();
  const started = nowMs();
  const log = (message: string) =>
    console.log(`[bench ${((nowMs() - started) / 1000).toFixed(1)}s] ${message}`);
  const csv = findRetailCsv(options.csv);
  const data = loadRetail(csv);
  log(
    `retail data: ${data.invoices.length} invoices (${data.skipped} cancellations, guest orders and non-positive amounts skipped), ${data.customers.length} customers, from ${csv}`,
  );
  const pgVersion = await postgresVersion(options.databaseUrl);
  const context: BenchContext = { options, data, failures: [], log };
  const results: ScenarioResult[] = [];
  const onSignal = () => {
    console.error('bench: interrupted, cleaning up');
    void cleanupAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const step of plan(options)) {
      if (step.needsPostgres && !pgVersion) {
        log(`${step.label}: skipped, PostgreSQL at ${options.databaseUrl} is not reachable`);
        context.failures.push(`${step.label}: PostgreSQL not reachable`);
        continue;
      }
      log(`${step.label}: starting`);
      try {
        const result = await step.run(context);
        const peakRss = takeServersPeakRssMb();
        if (peakRss !== null) result.setup.serverPeakRssMb = peakRss;
        results.push(result);
        log(
          `${step.label}: ${Math.round(result.perSecond)} ${result.unit}/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms${result.verify ? `, verify ok (${result.verify.checks} checks, ${result.verify.seconds}s)` : ''}`,
        );
      } catch (error) {
        context.failures.push(`${step.label}: ${(error as Error).stack ?? String(error)}`);
        log(`${step.label}: FAILED ${(error as Error).message}`);
      }
    }
  } finally {
    await cleanupAll();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  settle(results);
  console.log(`\n${table(results)}\n`);
  const costs = observabilityCosts(results);
  if (costs.length > 0)
    console.log(`cost of logs and metrics (medians of alternating off/on runs):\n${describeCosts(costs)}\n`);
  console.log(
    'ratio = throughput / its raw PostgreSQL baseline on this machine (a, c-http, events-single vs d-per-op; the rest vs d-unnest)',
  );
  const files = writeResults(options.out, options.scenario, {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    config: { ...options, csv, csvRows: data.invoices.length, csvCustomers: data.customers.length },
    machine: machineInfo(pgVersion),
    results,
    ...(costs.length > 0 && { observability: costs }),
    failures: context.failures,
  });
  console.log(`results: ${files.join(', ')}`);
  const busy = results.filter((r) => r.cpu && r.cpu.otherShare > 0.1).map((r) => r.id);
  if (busy.length > 0)
    console.log(
      `warning: other processes used over 10% of the machine during ${busy.join(', ')} (column other%): those figures understate what this machine can do`,
    );
  const missed = results.filter((r) => r.targetOutcome === 'missed').map((r) => r.id);
  if (missed.length > 0) console.log(`targets missed (explain each with a profile): ${missed.join(', ')}`);
  const belowFloor = results.filter((r) => r.targetOutcome === 'below floor').map((r) => r.id);
  if (belowFloor.length > 0) console.log(`BELOW THE FLOOR (blocks): ${belowFloor.join(', ')}`);
  if (context.failures.length > 0) {
    console.error(`\nbench FAILED:\n${context.failures.map((f) => `  - ${f}`).join('\n')}`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const code = await benchMain(process.argv.slice(2));
  // Keep-alive sockets or pools must not keep the process alive once the figures are out.
  process.exit(code);
}
