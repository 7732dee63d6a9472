// Scenario (d): what plain PostgreSQL does on this machine with the same load, no Jifen in the way.
//   d-per-op: per operation `begin; insert one journal row; update one balance row; commit`, with
//             --clients connections (the same count as the HTTP clients), over node-postgres.
//   d-unnest: per batch `begin; insert ... select * from unnest(...); update ... from unnest(...);
//             commit`, --batch-size rows a batch, --batch-clients connections.
//   d-function: per operation one call of a PL/pgSQL function that locks the balance row, inserts
//             the journal row and updates the balance (the design of pure-SQL ledgers such as
//             pgledger), --clients connections, one round trip and one implicit transaction each.
// The journal row is as wide as a Jifen entry (same column types, a similar jsonb payload, a primary
// key and a by-member index), so the ratio shows what the ledger's own work costs over raw SQL.
import pg from 'pg';
import { cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres } from '../databases.ts';
import { closedLoop, type LoopResult, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { Workload } from '../workload.ts';
import { type BenchContext, resultOf, seconds } from './common.ts';

const SCHEMA = `
create table balances (
  program_id text not null,
  member_id text not null,
  available_points bigint not null default 0,
  updated_at timestamptz not null,
  primary key (program_id, member_id)
);
create table journal (
  program_id text not null,
  id text not null,
  txn_id text not null,
  member_id text not null,
  type text not null,
  available_delta bigint not null,
  contra_account text not null,
  contra_delta bigint not null,
  available_after bigint not null,
  lots jsonb not null,
  source jsonb not null,
  reason_zh text not null,
  reason_en text not null,
  created_at timestamptz not null,
  primary key (program_id, id)
);
create index journal_by_member on journal (program_id, member_id, id);
create function credit(p_program text, p_member text, p_id text, p_txn text, p_points bigint,
                       p_lots jsonb, p_source jsonb, p_reason text, p_at timestamptz)
returns bigint language plpgsql as $$
declare
  balance bigint;
begin
  select available_points into balance from balances
   where program_id = p_program and member_id = p_member for update;
  if not found then raise exception 'no member %', p_member; end if;
  balance := balance + p_points;
  insert into journal (program_id, id, txn_id, member_id, type, available_delta, contra_account,
                       contra_delta, available_after, lots, source, reason_zh, reason_en, created_at)
  values (p_program, p_id, p_txn, p_member, 'earn', p_points, 'issued', -p_points, balance, p_lots,
          p_source, p_reason, p_reason, p_at);
  update balances set available_points = balance, updated_at = p_at
   where program_id = p_program and member_id = p_member;
  return balance;
end $$;
`;

const PROGRAM = 'prg_bench';
const COLUMNS =
  'program_id, id, txn_id, member_id, type, available_delta, contra_account, contra_delta, available_after, lots, source, reason_zh, reason_en, created_at';

let idCounter = 0;
/** 26-character ids, like the ULIDs Jifen uses. */
const nextId = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}${(++idCounter).toString(36).padStart(16, '0')}`;

function journalRow(memberId: string, points: number, invoiceNo: string, now: string) {
  const id = nextId('ent');
  return [
    id,
    nextId('txn'),
    memberId,
    'earn',
    points,
    'issued',
    -points,
    points,
    JSON.stringify([{ lotId: nextId('lot'), points }]),
    JSON.stringify({ kind: 'api', apiKeyId: 'key_01bench0000000000000000' }),
    `retail invoice ${invoiceNo}`,
    `retail invoice ${invoiceNo}`,
    now,
  ];
}

async function prepare(context: BenchContext, workload: Workload) {
  const { options } = context;
  const database = await freshPostgres(options.databaseUrl, 'baseline');
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  const started = nowMs();
  try {
    await admin.query(SCHEMA);
    const ids = Array.from({ length: options.members }, (_, k) => workload.memberId(k));
    await admin.query(
      'insert into balances (program_id, member_id, updated_at) select $1, unnest($2::text[]), now()',
      [PROGRAM, ids],
    );
  } finally {
    await admin.end();
  }
  return { database, membersSeconds: seconds(nowMs() - started) };
}

async function connectAll(url: string, count: number): Promise<pg.Client[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
}

interface PerOperation {
  id: 'd-per-op' | 'd-function';
  name: string;
  describe: string;
  note: string;
  /** One credit on its own connection; true when it changed one balance. */
  credit(client: pg.Client, memberId: string, points: number, invoiceNo: string): Promise<boolean>;
}

/** `--clients` connections, each crediting in a closed loop, one durable transaction per credit. */
async function runPerOperation(context: BenchContext, spec: PerOperation): Promise<ScenarioResult> {
  const { options, data, log } = context;
  const workload = new Workload(data, options);
  const { database, membersSeconds } = await prepare(context, workload);
  const clients = await connectAll(database.url, options.clients);
  try {
    log(`  ${options.clients} connections, ${spec.describe}`);
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop: LoopResult = await closedLoop(
      limitsFrom(options, options.clients),
      'op',
      async (index, recorder) => {
        const draw = workload.next();
        const startedAt = nowMs();
        const ok = await spec.credit(
          clients[index]!,
          workload.memberId(draw.member),
          draw.points,
          draw.invoiceNo,
        );
        recorder.record('op', startedAt, ok);
      },
      async () => {
        await database.analyze();
        cpuStart = cpuSnapshot();
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(), loop.primary.units, false);
    log(`  ${describeCpu(cpu)}`);
    return resultOf(
      {
        id: spec.id,
        name: spec.name,
        engine: 'postgres',
        unit: 'rows',
        latencyOf: 'transaction',
        clients: options.clients,
        batchSize: null,
      },
      loop,
      { setup: { members: options.members, membersSeconds }, verify: null, cpu, notes: [spec.note] },
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
    await database.drop();
  }
}

const INSERT_JOURNAL = `insert into journal (${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`;
const UPDATE_BALANCE = `update balances set available_points = available_points + $3, updated_at = $4
                         where program_id = $1 and member_id = $2 returning available_points`;

export function runBaselinePerOp(context: BenchContext): Promise<ScenarioResult> {
  return runPerOperation(context, {
    id: 'd-per-op',
    name: 'raw pg insert+update per op',
    describe: 'one insert + update transaction per op',
    note: 'node-postgres, prepared statements, one connection per client, no HTTP',
    async credit(client, memberId, points, invoiceNo) {
      const now = new Date().toISOString();
      await client.query('begin');
      await client.query({
        name: 'journal',
        text: INSERT_JOURNAL,
        values: [PROGRAM, ...journalRow(memberId, points, invoiceNo, now)],
      });
      const updated = await client.query({
        name: 'balance',
        text: UPDATE_BALANCE,
        values: [PROGRAM, memberId, points, now],
      });
      await client.query('commit');
      return updated.rowCount === 1;
    },
  });
}

export function runBaselineFunction(context: BenchContext): Promise<ScenarioResult> {
  return runPerOperation(context, {
    id: 'd-function',
    name: 'raw pg PL/pgSQL credit() per op',
    describe: 'one credit() function call per op',
    note: 'one function call per credit: row lock, journal insert, balance update; no HTTP',
    async credit(client, memberId, points, invoiceNo) {
      const row = journalRow(memberId, points, invoiceNo, new Date().toISOString());
      const result = await client.query({
        name: 'credit',
        text: 'select credit($1, $2, $3, $4, $5, $6, $7, $8, $9) as balance',
        // id, txn, points, lots, source, reason, at
        values: [PROGRAM, memberId, row[0], row[1], points, row[8], row[9], row[10], row[12]],
      });
      return result.rowCount === 1;
    },
  });
}

export async function runBaselineUnnest(context: BenchContext): Promise<ScenarioResult> {
  const { options, data, log } = context;
  const workload = new Workload(data, options);
  const { database, membersSeconds } = await prepare(context, workload);
  const clients = await connectAll(database.url, options.batchClients);
  try {
    log(`  ${options.batchClients} connection(s), ${options.batchSize} rows a set-based transaction`);
    const casts = [
      'text',
      'text',
      'text',
      'text',
      'int8',
      'text',
      'int8',
      'int8',
      'jsonb',
      'jsonb',
      'text',
      'text',
      'timestamptz',
    ];
    const insert = `insert into journal (${COLUMNS})
      select $1, * from unnest(${casts.map((cast, i) => `$${i + 2}::${cast}[]`).join(', ')})`;
    // With several batch clients, lock the balance rows in member order first (as the ledger does)
    // so that two batches never deadlock.
    const lock = `select 1 from balances where program_id = $1 and member_id = any($2::text[])
                   order by member_id for update`;
    const update = `update balances b set available_points = b.available_points + u.delta, updated_at = $4
                      from (select member_id, sum(delta) as delta from unnest($2::text[], $3::int8[]) as t(member_id, delta)
                             group by member_id) u
                     where b.program_id = $1 and b.member_id = u.member_id`;
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(options, options.batchClients),
      'batch',
      async (index, recorder) => {
        const client = clients[index]!;
        const draws = Array.from({ length: options.batchSize }, () => workload.next());
        const startedAt = nowMs();
        const now = new Date().toISOString();
        const columns: unknown[][] = casts.map(() => []);
        const memberIds: string[] = [];
        const deltas: number[] = [];
        for (const draw of draws) {
          const memberId = workload.memberId(draw.member);
          memberIds.push(memberId);
          deltas.push(draw.points);
          const row = journalRow(memberId, draw.points, draw.invoiceNo, now);
          for (let i = 0; i < row.length; i++) columns[i]!.push(row[i]);
        }
        await client.query('begin');
        if (options.batchClients > 1) await client.query(lock, [PROGRAM, memberIds]);
        const inserted = await client.query(insert, [PROGRAM, ...columns]);
        await client.query(update, [PROGRAM, memberIds, deltas, now]);
        await client.query('commit');
        recorder.record('batch', startedAt, inserted.rowCount === draws.length, inserted.rowCount ?? 0);
      },
      async () => {
        await database.analyze();
        cpuStart = cpuSnapshot();
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(), loop.primary.units, false);
    log(`  ${describeCpu(cpu)}`);
    return resultOf(
      {
        id: 'd-unnest',
        name: 'raw pg unnest insert+update',
        engine: 'postgres',
        unit: 'rows',
        latencyOf: 'batch',
        clients: options.batchClients,
        batchSize: options.batchSize,
      },
      loop,
      {
        setup: { members: options.members, membersSeconds },
        verify: null,
        cpu,
        notes: [
          `node-postgres; latency is per transaction of ${options.batchSize} rows${options.batchClients > 1 ? '; balance rows locked in member order first' : ''}`,
        ],
      },
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
    await database.drop();
  }
}
