import { randomBytes } from 'node:crypto';
// Where event intake spends its time, for `--cpu-prof` and for counting statements: event batches
// (the events-batch workload: order.paid events judged by the ten bench rules, new members created
// by their first event) ingested in process on a fresh PostgreSQL schema, with every statement's
// count and total time printed at the end. Usage:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/intake-profile.ts [--batches 40] [--size 250]
//     [--engine pglite]   (in memory; PostgreSQL by default)
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Database, Queryable } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { openPostgres } from '../src/db/postgres-database.ts';
import type { EventInput } from '../src/events/event-input.ts';
import { ingestEvents } from '../src/events/ingest-events.ts';
import { bootstrap } from '../src/programs/bootstrap.ts';
import { createRule, publishDraft } from '../src/rules/rule-store.ts';
import type { RuleDefinition } from '../src/rules/rule-types.ts';
import { masterKeysFrom } from '../src/vault/master-key.ts';
import { adoptMasterKeysForFreshDatabases } from '../src/vault/vault-keys.ts';
import { wireAreas } from '../src/wiring.ts';
import { BENCH_RULES } from './scenarios/bench-rules.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string' },
    size: { type: 'string' },
    'database-url': { type: 'string' },
    engine: { type: 'string' },
  },
});
const batches = Number(values.batches ?? 40);
const size = Number(values.size ?? 250);
const url =
  values['database-url'] ?? process.env.JIFEN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `intake_profile_${process.pid}`;

wireAreas();
// A fresh database of its own: its outbox rows are sealed with a key made for this run.
adoptMasterKeysForFreshDatabases(
  masterKeysFrom({ JIFEN_MASTER_KEY: randomBytes(32).toString('base64'), ...process.env }, null),
);
// PGlite (in memory) with --engine pglite: the embedded engine's intake, Node CPU only.
const pglite = values.engine === 'pglite';
const admin = pglite ? null : openPostgres({ connectionString: url, maxConnections: 1 });
await admin?.query(`create schema ${schema}`);
const db: Database = pglite
  ? await openPglite()
  : openPostgres({ connectionString: url, schema, maxConnections: 1 });
await migrate(db);
const now = new Date();
const { programId } = (await bootstrap(db, now))!;
for (const definition of BENCH_RULES) {
  const rule = await createRule(db, programId, definition as RuleDefinition, now);
  await publishDraft(db, programId, rule.ruleId, now);
}

// Every statement's count and time, keyed by its first words.
const statements = new Map<string, { count: number; ms: number; bytes: number }>();
const paramBytes = (params?: unknown[]) =>
  (params ?? []).reduce<number>(
    (total, param) =>
      total +
      (param === null || param === undefined
        ? 0
        : Buffer.byteLength(typeof param === 'string' ? param : JSON.stringify(param))),
    0,
  );
const counted = (inner: Queryable): Queryable =>
  new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'query') return value;
      return async (sql: string, params?: unknown[]) => {
        const started = performance.now();
        try {
          return await (value as Queryable['query']).call(target, sql, params);
        } finally {
          const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
          const entry = statements.get(key) ?? { count: 0, ms: 0, bytes: 0 };
          entry.count += 1;
          entry.ms += performance.now() - started;
          entry.bytes += paramBytes(params);
          statements.set(key, entry);
        }
      };
    },
  });
const measured: Database = new Proxy(db, {
  get(target, property, receiver) {
    const value = Reflect.get(target, property, receiver);
    if (property === 'transaction') {
      return (work: (tx: Queryable) => Promise<unknown>) =>
        (value as Database['transaction']).call(target, (tx) => work(counted(tx)));
    }
    if (property === 'query') return counted(target).query;
    return value;
  },
});

let sequence = 0;
const event = (): EventInput => {
  const n = ++sequence;
  const amountMinor = 1_000 + ((n * 7919) % 90_000);
  return {
    id: `ev-${n}`,
    type: 'order.paid',
    memberId: `m-${n % 5000}`,
    attributes: {
      orderId: `o-${n}`,
      amountMinor,
      currency: 'CNY',
      channel: ['app', 'store', 'web'][n % 3],
      items: [
        {
          sku: `sku-${n % 97}`,
          category: n % 3 === 0 ? 'gift' : 'home',
          quantity: 1,
          unitPriceMinor: amountMinor,
        },
      ],
    },
  };
};

// One connection, so the PostgreSQL backend's own CPU time can be read from /proc.
const [{ pid }] = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')) as [{ pid: number }];
const backendCpuMs = () => {
  if (pglite) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const ingestBatch = async () => {
  const events = Array.from({ length: size }, event);
  const results = await ingestEvents(
    measured,
    { programId, now: new Date(), source: { kind: 'event', apiKeyId: 'bench' } },
    events,
  );
  const refused = results.filter((result) => result.status >= 400);
  if (refused.length > 0) throw new Error(JSON.stringify(refused[0]));
};
// Warm-up, then statistics, as a database running longer than this has them (see
// FreshDatabase.analyze): only this schema's tables, so other schemas' size does not count.
for (let batch = 0; batch < 2; batch++) await ingestBatch();
const tables = await db.query<{ name: string }>(
  `select tablename as name from pg_tables where schemaname = '${pglite ? 'public' : schema}'`,
);
for (const { name } of tables) await db.query(`analyze ${pglite ? 'public' : schema}.${name}`);
statements.clear();
const started = performance.now();
const cpuBefore = process.cpuUsage();
const backendBefore = backendCpuMs();
for (let batch = 0; batch < batches; batch++) await ingestBatch();
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const backendMs = backendCpuMs() - backendBefore;
const total = batches * size;
console.log(
  `${total} events in ${(elapsed / 1000).toFixed(1)} s: ${Math.round(total / (elapsed / 1000))} events/s; node CPU ${((cpu.user + cpu.system) / 1000 / total).toFixed(3)} ms/event; PostgreSQL backend CPU ${(backendMs / total).toFixed(3)} ms/event`,
);
console.log('statements (count, total ms, ms per batch, parameter bytes per event):');
for (const [sql, { count, ms, bytes }] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(
    `${String(count).padStart(6)} ${ms.toFixed(0).padStart(7)} ms ${(ms / batches).toFixed(1).padStart(7)} ${String(Math.round(bytes / total)).padStart(6)} B  ${sql}`,
  );
}
const [rows] = await db.query<Record<string, number>>(
  `select (select count(*)::int from entries) as entries, (select count(*)::int from lots) as lots,
          (select count(*)::int from outbox) as outbox, (select count(*)::int from events) as events,
          (select count(*)::int from orders) as orders, (select count(*)::int from rule_member_usage) as usage,
          (select coalesce(avg(pg_column_size(outcome)), 0)::int from events) as outcome_bytes`,
);
console.log(
  `rows per event: ${Object.entries(rows!)
    .map(
      ([table, count]) =>
        `${table} ${table === 'outcome_bytes' ? count : (count / ((batches + 2) * size)).toFixed(2)}`,
    )
    .join(', ')}`,
);
await db.close();
await admin?.query(`drop schema ${schema} cascade`);
await admin?.close();
