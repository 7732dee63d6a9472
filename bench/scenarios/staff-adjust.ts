// Scenario staff-adjust (issue 16): 8 staff sessions adjusting different members at once over HTTP
// on PostgreSQL, with the audit log and without it, in one run, alternating so that neither gets
// the warmer machine. The audit may cost at most 15%; the chain must not serialise the writers.
// "Without" is the app option `auditLog: false`, which only the bench sets: no CLI flag or
// environment variable reaches it, so each run's server is bench/staff-adjust-server.ts, in a
// process of its own (a run without the log never pays for what a run with it set up).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAudit } from '../../src/audit/verify-audit.ts';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { bootstrap } from '../../src/programs/bootstrap.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { addStaff } from '../../src/staff/staff-commands.ts';
import { type CpuFigures, cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres } from '../databases.ts';
import { closedLoop, type LoopResult, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type BenchContext, resultOf } from './common.ts';
import { Client, freePort } from './http.ts';

const STAFF = 8;
const PASSWORD = 'bench staff password';
/**
 * Off, on, on, off, off, on (ABBA, so that drift over the run favours neither): the figure of each
 * mode is the median of its three runs.
 */
const ROUNDS: readonly boolean[] = [false, true, true, false, false, true];

export function staffAdjustSteps(): {
  label: string;
  needsPostgres: true;
  run: (context: BenchContext) => Promise<ScenarioResult>;
}[] {
  let both: Promise<ScenarioResult[]> | null = null;
  const once = (context: BenchContext) => {
    both ??= runStaffAdjust(context);
    return both;
  };
  return [
    {
      label: 'staff-adjust-no-audit',
      needsPostgres: true,
      run: async (context) => (await once(context))[0]!,
    },
    { label: 'staff-adjust', needsPostgres: true, run: async (context) => (await once(context))[1]! },
  ];
}

async function runStaffAdjust(context: BenchContext): Promise<ScenarioResult[]> {
  const { options, log } = context;
  const database = await freshPostgres(options.databaseUrl, 'staff_adjust');
  const db = await openDatabase({ databaseUrl: database.url, maxConnections: 16 });
  try {
    await migrate(db);
    const created = await bootstrap(db, systemClock.now());
    if (!created) throw new Error('bootstrap did nothing on a fresh database');
    const logins: string[] = [];
    for (let index = 0; index < STAFF; index++) {
      const login = `cs${index}-${randomBytes(3).toString('hex')}@bench.example`;
      await addStaff(
        db,
        created.programId,
        { login, name: `cs ${index}`, role: 'customer_service', password: PASSWORD },
        'all',
        systemClock.now(),
      );
      logins.push(login);
    }
    const runs = new Map<boolean, Measured[]>([
      [false, []],
      [true, []],
    ]);
    for (const [round, audited] of ROUNDS.entries()) {
      const run = await measure(database.url, created.secret, logins, audited, round, context, () =>
        db.exec('vacuum (analyze)'),
      );
      const perSecond = Math.round(run.loop.primary.unitsPerSecond);
      log(
        `  ${audited ? 'with' : 'without'} the audit log: ${perSecond} adjustments/s; ${describeCpu(run.cpu)}`,
      );
      runs.get(audited)!.push(run);
    }
    const median = (measured: Measured[]) =>
      [...measured].sort((a, b) => a.loop.primary.unitsPerSecond - b.loop.primary.unitsPerSecond)[
        Math.floor(measured.length / 2)
      ]!;
    const best = new Map([
      [false, median(runs.get(false)!)],
      [true, median(runs.get(true)!)],
    ]);
    const reports = await verifyAudit(db, systemClock.now());
    const broken = reports.filter((report) => report.broken !== null);
    if (broken.length > 0)
      context.failures.push(`staff-adjust: audit chain broken: ${JSON.stringify(broken[0])}`);
    const without = best.get(false)!.loop;
    const withAudit = best.get(true)!.loop;
    const ratio = withAudit.primary.unitsPerSecond / without.primary.unitsPerSecond;
    const cost = `${((1 - ratio) * 100).toFixed(1)}%`;
    // The CPU an adjustment takes (bench + server + PostgreSQL, median of each mode's runs): a
    // steadier figure than throughput on a machine whose speed drifts between runs.
    const cpuPerAdjustment = (audited: boolean) => medianOf(runs.get(audited)!.map((run) => cpuMs(run.cpu)));
    const cpuCost = cpuPerAdjustment(true) / cpuPerAdjustment(false) - 1;
    log(
      `  the audit log costs ${cost} (with/without = ${ratio.toFixed(3)}); CPU per adjustment +${(cpuCost * 100).toFixed(1)}%; ${reports.length} chain(s) verify`,
    );
    if (ratio < 0.85) context.failures.push(`staff-adjust: the audit log costs ${cost}, more than 15%`);
    const base = {
      name: '8 staff sessions adjusting different members',
      engine: 'postgres' as const,
      unit: 'credits' as const,
      latencyOf: 'request' as const,
      clients: STAFF,
      batchSize: null,
    };
    const setup = { staff: STAFF, rounds: ROUNDS.length };
    return [
      resultOf({ ...base, id: 'staff-adjust-no-audit', name: `${base.name}, audit log off` }, without, {
        setup,
        verify: null,
        cpu: best.get(false)!.cpu,
        notes: ['buildApp({ auditLog: false }): the bench-only switch; median of three runs'],
      }),
      resultOf({ ...base, id: 'staff-adjust' }, withAudit, {
        setup: {
          ...setup,
          withAuditOverWithout: Number(ratio.toFixed(3)),
          auditCost: cost,
          cpuPerAdjustmentCost: `${(cpuCost * 100).toFixed(1)}%`,
        },
        verify: null,
        cpu: best.get(true)!.cpu,
        notes: [`with / without the audit log = ${ratio.toFixed(3)} (cost ${cost}; at most 15%)`],
      }),
    ];
  } finally {
    await db.close();
    await database.drop();
  }
}

/**
 * One closed loop: staff member i adjusts member i for --seconds, +1 then -1 point, so its lots stay
 * few (a member's lots are read under its lock); each round has fresh members, so no round starts
 * with more history than another.
 */
async function measure(
  databaseUrl: string,
  ownerKey: string,
  logins: readonly string[],
  audited: boolean,
  round: number,
  context: BenchContext,
  settle: () => Promise<unknown>,
): Promise<Measured> {
  const port = await freePort();
  const profileDir = context.options.profile
    ? join(tmpdir(), `jifen-bench-profile-staff-adjust-${round}-${audited ? 'on' : 'off'}-${Date.now()}`)
    : null;
  const server = await startAdjustServer(databaseUrl, port, audited, profileDir);
  try {
    const owner = new Client(port, ownerKey, 1);
    const clients: Client[] = [];
    for (const [index, login] of logins.entries()) {
      const put = await owner.send('PUT', `/v1/members/adj-${round}-${index}`, {});
      const seed = await owner.send('POST', `/v1/members/adj-${round}-${index}/credits`, {
        points: 1_000,
        reason: 'bench seed',
      });
      if (seed.status !== 201) throw new Error(`seed: ${seed.status} ${seed.text}`);
      if (put.status !== 200 && put.status !== 201) throw new Error(`member: ${put.status} ${put.text}`);
      const signedIn = await owner.send('POST', '/v1/auth/login', {
        login,
        password: PASSWORD,
        mode: 'token',
      });
      if (signedIn.status !== 201) throw new Error(`sign-in: ${signedIn.status} ${signedIn.text}`);
      clients.push(new Client(port, (JSON.parse(signedIn.text) as { token: string }).token, 1));
    }
    owner.close();
    // The previous round's updates would bring autovacuum onto whichever round comes next: each
    // round starts on a vacuumed, analyzed database instead.
    await settle();
    const unexpected: string[] = [];
    const sent = logins.map(() => 0);
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(context.options, STAFF),
      'adjustment',
      async (client, recorder) => {
        const startedAt = nowMs();
        sent[client] = (sent[client] ?? 0) + 1;
        const reply = await clients[client]!.send('POST', `/v1/members/adj-${round}-${client}/adjustments`, {
          points: sent[client] % 2 === 1 ? 1 : -1,
          reason: 'bench adjustment',
          operator: 'bench',
        });
        const ok = reply.status === 201;
        recorder.record('adjustment', startedAt, ok);
        if (!ok && unexpected.length < 3) unexpected.push(`${reply.status} ${reply.text}`);
      },
      () => {
        cpuStart = cpuSnapshot(server.pid);
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(server.pid), loop.primary.units, true);
    for (const client of clients) client.close();
    for (const message of unexpected) context.failures.push(`staff-adjust: unexpected answer ${message}`);
    return { loop, cpu };
  } finally {
    await server.stop();
    if (profileDir) context.log(`  server CPU profile written to ${profileDir}`);
  }
}

interface Measured {
  loop: LoopResult;
  cpu: CpuFigures | null;
}

/** CPU milliseconds per adjustment over the bench, the server and PostgreSQL (NaN without /proc). */
function cpuMs(cpu: CpuFigures | null): number {
  if (!cpu) return Number.NaN;
  return cpu.msPerUnit.bench + (cpu.msPerUnit.server ?? 0) + cpu.msPerUnit.postgres;
}

function medianOf(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const SERVER_SCRIPT = fileURLToPath(new URL('../staff-adjust-server.ts', import.meta.url));

async function startAdjustServer(
  databaseUrl: string,
  port: number,
  audited: boolean,
  profileDir: string | null,
): Promise<{ pid: number | undefined; stop(): Promise<void> }> {
  const profiling = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(
    process.execPath,
    [...profiling, '--import', 'tsx', SERVER_SCRIPT, databaseUrl, String(port), audited ? 'on' : 'off'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('ready')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', (code) => reject(new Error(`the bench server exited (${code}): ${output}`)));
  });
  return {
    pid: child.pid,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
