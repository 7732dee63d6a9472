// Event scenarios (issue 3): order.paid events from the retail data judged by ten published rules.
//   events-batch, events-batch-pglite: POST /v1/events/batch against the real server;
//   events-single: POST /v1/events, one event a request, --clients closed-loop clients;
//   rule-eval: evaluateRules() in process (no database): rule evaluations per second;
//   back-test: the whole retail year stored as events on PGlite, then a back-test under 5 rules.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { backTest } from '../../src/events/back-test.ts';
import type { EventInput } from '../../src/events/event-input.ts';
import { ingestEvents } from '../../src/events/ingest-events.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { compileRule } from '../../src/rules/compile-rule.ts';
import { evaluateRules } from '../../src/rules/evaluate-rules.ts';
import { ruleFacts } from '../../src/rules/rule-facts.ts';
import { createRule, publishDraft } from '../../src/rules/rule-store.ts';
import type { RuleDefinition } from '../../src/rules/rule-types.ts';
import { verifyStore } from '../check.ts';
import { cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres, freshTempDir } from '../databases.ts';
import { closedLoop, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type Draw, Workload } from '../workload.ts';
import { BENCH_RULES } from './bench-rules.ts';
import { type BenchContext, resultOf, seconds } from './common.ts';
import { Client, freePort, startServer } from './http.ts';

const CHANNELS = ['app', 'store', 'web'];

/** An order.paid event for a draw: two line items, one of them a gift on every third order. */
function orderEvent(run: string, sequence: number, draw: Draw, memberId: string): EventInput {
  const first = Math.ceil(draw.amountMinor / 2);
  return {
    id: `ev-${run}-${sequence}`,
    type: 'order.paid',
    memberId,
    attributes: {
      orderId: `o-${run}-${sequence}`,
      amountMinor: draw.amountMinor,
      currency: 'GBP',
      channel: CHANNELS[sequence % CHANNELS.length],
      items: [
        {
          sku: `sku-${sequence % 97}`,
          category: sequence % 3 === 0 ? 'gift' : 'home',
          quantity: 1,
          unitPriceMinor: first,
        },
        {
          sku: `sku-${sequence % 89}`,
          category: 'home',
          quantity: 1,
          unitPriceMinor: draw.amountMinor - first,
        },
      ],
    },
  };
}

interface EventServerRun {
  id: 'events-batch' | 'events-batch-pglite' | 'events-single';
  engine: 'postgres' | 'pglite';
  batched: boolean;
}

export async function runEventIntake(context: BenchContext, run: EventServerRun): Promise<ScenarioResult> {
  const { options, data, log } = context;
  const database = run.engine === 'postgres' ? await freshPostgres(options.databaseUrl, 'events') : null;
  const dataDir = run.engine === 'pglite' ? freshTempDir('events') : null;
  const location = database ? ['--database-url', database.url] : ['--data', dataDir!.path];
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const clients = run.batched ? options.batchClients : options.clients;
  try {
    let started = nowMs();
    const profileDir = options.profile ? join(tmpdir(), `jifen-bench-profile-${run.id}-${Date.now()}`) : null;
    const server = await startServer([...location, ...(context.serverArgs ?? [])], key, port, profileDir);
    const startSeconds = seconds(nowMs() - started);
    const client = new Client(port, key, clients);
    started = nowMs();
    for (const definition of BENCH_RULES) {
      const created = await client.send('POST', '/v1/rules', definition);
      if (created.status !== 201) throw new Error(`rule: ${created.status} ${created.text}`);
      const ruleId = (JSON.parse(created.text) as { id: string }).id;
      const published = await client.send('POST', `/v1/rules/${ruleId}/publish`, {});
      if (published.status !== 200) throw new Error(`publish: ${published.status} ${published.text}`);
    }
    const rulesSeconds = seconds(nowMs() - started);
    log(
      `  server up in ${startSeconds}s (${run.engine}); ${BENCH_RULES.length} rules published; members are created by their first event; ${clients} client(s)${run.batched ? `, ${options.batchSize} events a batch` : ''}`,
    );

    const workload = new Workload(data, options);
    const runId = randomBytes(4).toString('hex');
    let sequence = 0;
    let issuedPoints = 0;
    const unexpected: string[] = [];
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(options, clients),
      run.batched ? 'batch' : 'event',
      async (_client, recorder) => {
        const count = run.batched ? options.batchSize : 1;
        const events = Array.from({ length: count }, () => {
          const draw = workload.next();
          return orderEvent(runId, ++sequence, draw, workload.memberId(draw.member));
        });
        const startedAt = nowMs();
        if (run.batched) {
          const reply = await client.send('POST', '/v1/events/batch', { events });
          const results =
            reply.status === 200
              ? (JSON.parse(reply.text) as { results: { status: number; body: { points: number } }[] })
                  .results
              : [];
          let ok = 0;
          for (const result of results) {
            if (result.status === 201) {
              ok++;
              issuedPoints += result.body.points;
            } else if (unexpected.length < 5)
              unexpected.push(`${result.status} ${JSON.stringify(result.body)}`);
          }
          if (reply.status !== 200 && unexpected.length < 5) unexpected.push(`${reply.status} ${reply.text}`);
          recorder.record('batch', startedAt, ok === events.length, ok);
          return;
        }
        const reply = await client.send('POST', '/v1/events', events[0]);
        const ok = reply.status === 201;
        recorder.record('event', startedAt, ok);
        if (ok) issuedPoints += (JSON.parse(reply.text) as { points: number }).points;
        else if (unexpected.length < 5) unexpected.push(`${reply.status} ${reply.text}`);
      },
      async () => {
        await database?.analyze();
        cpuStart = cpuSnapshot(server.child.pid);
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(server.child.pid), loop.primary.units, true);
    log(`  ${describeCpu(cpu)}`);
    client.close();
    for (const message of unexpected) log(`  unexpected answer: ${message}`);
    if (unexpected.length > 0) context.failures.push(`${run.id}: unexpected answers, e.g. ${unexpected[0]}`);
    await server.stop();
    if (profileDir) log(`  server CPU profile written to ${profileDir}`);

    let verify = null;
    if (options.verify) {
      const db = await openDatabase(database ? { databaseUrl: database.url } : { dataDir: dataDir!.path });
      try {
        const checked = await verifyStore(db, run.id, issuedPoints);
        verify = checked.figures;
        if (checked.failure) context.failures.push(checked.failure);
      } finally {
        await db.close();
      }
    }
    return resultOf(
      {
        id: run.id,
        name: run.batched ? 'batched order.paid events over HTTP' : 'single order.paid events over HTTP',
        engine: run.engine,
        unit: 'events',
        latencyOf: run.batched ? 'batch' : 'request',
        clients,
        batchSize: run.batched ? options.batchSize : null,
      },
      loop,
      {
        setup: { serverStartSeconds: startSeconds, rules: BENCH_RULES.length, rulesSeconds },
        verify,
        cpu,
        notes: [
          `node bin/jifen.js serve on ${run.engine}; ${BENCH_RULES.length} published rules (bench/scenarios/bench-rules.ts); unknown members created on first sight`,
          ...(profileDir ? [`server CPU profile in ${profileDir}`] : []),
        ],
      },
    );
  } finally {
    await database?.drop();
    await dataDir?.remove();
  }
}

/** In-process rule evaluation: each event against the ten rules, as the intake's decide step runs it. */
export async function runRuleEvaluation(context: BenchContext): Promise<ScenarioResult> {
  const { options, data } = context;
  const rules = BENCH_RULES.map((definition, index) =>
    compileRule({ ruleId: `rul_bench${index}`, version: 1, definition: definition as RuleDefinition }),
  );
  const workload = new Workload(data, options);
  const member = {
    status: 'active' as const,
    tags: [],
    tier: null,
    segments: [],
    joinedAt: new Date('2024-01-01T00:00:00Z'),
    birthday: null,
    attributes: {},
  };
  const facts = Array.from({ length: 4096 }, (_, index) => {
    const draw = workload.next();
    const event = orderEvent('eval', index, draw, workload.memberId(draw.member));
    const at = data.invoices[index % data.invoices.length]!.at;
    return ruleFacts(
      { id: event.id, type: event.type, occurredAt: new Date(at), attributes: event.attributes! },
      member,
      'Asia/Shanghai',
    );
  });
  let next = 0;
  const loop = await closedLoop(
    limitsFrom({ ...options, ops: null }, 1),
    'evaluation',
    async (_client, recorder) => {
      // 1,000 events an operation keep the timer overhead out of the figure.
      const startedAt = nowMs();
      for (let i = 0; i < 1000; i++) evaluateRules(rules, facts[next++ % facts.length]!, { currency: 'GBP' });
      recorder.record('evaluation', startedAt, true, 1000 * rules.length);
      await new Promise((resolve) => setImmediate(resolve));
    },
  );
  return resultOf(
    {
      id: 'rule-eval',
      name: 'rule evaluations in process',
      engine: 'pglite',
      unit: 'evaluations',
      latencyOf: 'batch',
      clients: 1,
      batchSize: 1000,
    },
    loop,
    {
      setup: { rules: rules.length },
      verify: null,
      cpu: null,
      notes: [
        'evaluateRules() over 10 compiled rules; one unit = one rule judged against one event; no database',
      ],
    },
  );
}

/** The whole retail year as stored events on PGlite, then one back-test of it under five rules. */
export async function runBackTest(context: BenchContext): Promise<ScenarioResult> {
  const { data, log } = context;
  const dataDir = freshTempDir('backtest');
  let db: Database | null = null;
  try {
    db = await openDatabase({ dataDir: dataDir.path });
    await migrate(db);
    const boot = await bootstrap(db, new Date());
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    const now = new Date();
    for (const definition of BENCH_RULES.slice(0, 5)) {
      const { ruleId } = await createRule(db, boot.programId, definition as RuleDefinition, now);
      await publishDraft(db, boot.programId, ruleId, now);
    }
    let started = nowMs();
    const events = data.invoices.map((invoice, index) => ({
      ...orderEvent(
        'bt',
        index,
        {
          member: invoice.customer,
          points: invoice.points,
          amountMinor: invoice.amountMinor,
          invoiceNo: invoice.invoiceNo,
        },
        `c${data.customers[invoice.customer]}`,
      ),
      occurredAt: invoice.at,
    }));
    for (let first = 0; first < events.length; first += 1000) {
      const batch = events.slice(first, first + 1000);
      const results = await ingestEvents(
        db,
        { programId: boot.programId, now, source: { kind: 'api' } },
        batch,
      );
      // The back-test must judge the whole year: an event refused here is a failure, not a gap.
      const refused = results.find((result) => result.status >= 400);
      if (refused) throw new Error(`back-test load: an event was refused: ${JSON.stringify(refused.body)}`);
    }
    const loadSeconds = seconds(nowMs() - started);
    log(`  ${events.length} events of the retail year stored in ${loadSeconds}s; back-testing under 5 rules`);
    const from = new Date(data.invoices[0]!.at);
    const to = new Date(new Date(data.invoices.at(-1)!.at).getTime() + 60_000);
    const store = db;
    let report: Awaited<ReturnType<typeof backTest>> | null = null;
    started = nowMs();
    const loop = await closedLoop(
      { clients: 1, warmupMs: 0, durationMs: 0, maxUnits: 1, hardCapMs: 600_000 },
      'back-test',
      async (_client, recorder) => {
        const startedAt = nowMs();
        report = await backTest(store, boot.programId, { from, to, now: new Date() });
        if (report.events !== events.length)
          throw new Error(`back-test judged ${report.events} of the ${events.length} stored events`);
        recorder.record('back-test', startedAt, true, report.events);
      },
    );
    const backTestSeconds = seconds(nowMs() - started);
    const result = report as Awaited<ReturnType<typeof backTest>> | null;
    if (!result || result.events !== events.length)
      context.failures.push(`back-test: replayed ${result?.events} of ${events.length} events`);
    return resultOf(
      {
        id: 'back-test',
        name: 'back-test of the retail year, 5 rules',
        engine: 'pglite',
        unit: 'events',
        latencyOf: 'batch',
        clients: 1,
        batchSize: null,
      },
      loop,
      {
        setup: { events: events.length, loadSeconds, backTestSeconds },
        verify: null,
        cpu: null,
        notes: [
          `backTest() over ${events.length} stored events (in force and proposed: each event judged twice); ${backTestSeconds}s in all`,
        ],
      },
    );
  } finally {
    await db?.close();
    await dataDir.remove();
  }
}
