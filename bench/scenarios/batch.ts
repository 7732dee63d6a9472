// Scenarios (b) and (c-batch): credits through the ledger's batch path, creditBatch() in process
// (the path event batches use), on a fresh PostgreSQL database or a PGlite data directory.
import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/database.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { requestHash } from '../../src/idempotency/request-hash.ts';
import { type BatchCreditItem, creditBatch } from '../../src/ledger/commands/credit-batch.ts';
import { newMemberKey } from '../../src/members/member-key.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { verifyStore } from '../check.ts';
import { cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres, freshTempDir } from '../databases.ts';
import { closedLoop, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { Workload } from '../workload.ts';
import { type BenchContext, resultOf, seconds } from './common.ts';

const MEMBERS_PER_STATEMENT = 5000;

/**
 * Creates members 0..count-1 with a set-based insert (setup, not measured; the HTTP scenarios
 * create theirs through PUT /v1/members). Only the columns without defaults are given.
 */
export async function createMembers(
  db: Database,
  programId: string,
  workload: Workload,
  count: number,
): Promise<number> {
  const started = nowMs();
  const now = new Date().toISOString();
  for (let first = 0; first < count; first += MEMBERS_PER_STATEMENT) {
    const ids = Array.from({ length: Math.min(MEMBERS_PER_STATEMENT, count - first) }, (_, i) =>
      workload.memberId(first + i),
    );
    await db.query(
      `insert into members (program_id, member_id, member_key, joined_at, created_at, updated_at)
       select $1, unnest($2::text[]), unnest($3::text[]), $4, $4, $4`,
      [programId, ids, ids.map(() => newMemberKey()), now],
    );
  }
  return seconds(nowMs() - started);
}

export async function runBatch(
  context: BenchContext,
  engine: 'postgres' | 'pglite',
): Promise<ScenarioResult> {
  const { options, data, log } = context;
  const id = engine === 'postgres' ? 'b' : 'c-batch';
  const database = engine === 'postgres' ? await freshPostgres(options.databaseUrl, 'batch') : null;
  const dataDir = engine === 'pglite' ? freshTempDir('batch') : null;
  let db: Database | null = null;
  try {
    db = await openDatabase(
      database
        ? { databaseUrl: database.url, maxConnections: options.batchClients + 2 }
        : { dataDir: dataDir!.path },
    );
    await migrate(db);
    const boot = await bootstrap(db, new Date());
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    const workload = new Workload(data, options);
    const membersSeconds = await createMembers(db, boot.programId, workload, options.members);
    log(
      `  ${options.members} members in ${membersSeconds}s; ${options.batchClients} batch client(s), ${options.batchSize} credits a batch`,
    );

    const run = randomBytes(4).toString('hex');
    let sequence = 0;
    let creditedPoints = 0;
    const unexpected: string[] = [];
    const store = db;
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(options, options.batchClients),
      'batch',
      async (_client, recorder) => {
        const draws = Array.from({ length: options.batchSize }, () => workload.next());
        const startedAt = nowMs();
        // Inside the timing: what a batch route does per item besides the ledger work.
        const items: BatchCreditItem[] = draws.map((draw) => {
          const input = {
            memberId: workload.memberId(draw.member),
            points: draw.points,
            reason: `retail invoice ${draw.invoiceNo}`,
          };
          const item: BatchCreditItem = {
            idempotency: { key: `bench-${run}-${++sequence}`, requestHash: requestHash('credit', input) },
            memberId: input.memberId,
            points: input.points,
            reason: { zh: input.reason, en: input.reason },
          };
          return item;
        });
        const results = await creditBatch(
          store,
          { programId: boot.programId, now: new Date(), source: { kind: 'api', apiKeyId: boot.keyId } },
          items,
        );
        let ok = 0;
        results.forEach((result, index) => {
          if (result.status === 201) {
            ok++;
            creditedPoints += items[index]!.points;
          } else if (unexpected.length < 5)
            unexpected.push(`${result.status} ${JSON.stringify(result.body)}`);
        });
        recorder.record('batch', startedAt, ok === items.length, ok);
      },
      async () => {
        await database?.analyze();
        cpuStart = cpuSnapshot();
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(), loop.primary.units, false);
    log(`  ${describeCpu(cpu)}`);
    for (const message of unexpected) log(`  unexpected item answer: ${message}`);
    if (unexpected.length > 0) context.failures.push(`${id}: unexpected item answers, e.g. ${unexpected[0]}`);

    let verify = null;
    if (options.verify) {
      const checked = await verifyStore(db, id, creditedPoints);
      verify = checked.figures;
      if (checked.failure) context.failures.push(checked.failure);
    }
    return resultOf(
      {
        id,
        name: 'batch-path credits',
        engine,
        unit: 'credits',
        latencyOf: 'batch',
        clients: options.batchClients,
        batchSize: options.batchSize,
      },
      loop,
      {
        setup: { members: options.members, membersSeconds },
        verify,
        cpu,
        notes: [
          `creditBatch() in process, ${engine === 'postgres' ? 'fresh PostgreSQL database' : 'PGlite in a temp data directory'}; latency is per batch of ${options.batchSize}`,
        ],
      },
    );
  } finally {
    await db?.close();
    await database?.drop();
    await dataDir?.remove();
  }
}
