// Scenario redeem-hot (issue 5): redemptions of one hot reward everybody wants, over HTTP against
// the real server on PostgreSQL, --clients closed-loop clients each sending POST /v1/redemptions
// with its own Idempotency-Key for a random funded member. Every redemption locks its member and
// then the reward row, so the reward row is the contention point being measured.
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/db/open-database.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { cpuBetween, cpuSnapshot, describeCpu } from '../cpu.ts';
import { freshPostgres } from '../databases.ts';
import { closedLoop, limitsFrom } from '../loop.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type BenchContext, resultOf, seconds } from './common.ts';
import { Client, freePort, pool, startServer } from './http.ts';

const MEMBERS = 2_000;
const PRICE = 100;

export async function runHotRedemptions(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const database = await freshPostgres(options.databaseUrl, 'rewards');
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  try {
    let started = nowMs();
    const server = await startServer(['--database-url', database.url], key, port, null);
    const client = new Client(port, key, options.clients);
    const created = await client.send('POST', '/v1/rewards', {
      type: 'privilege',
      name: { 'zh-CN': '限量咖啡券', en: 'Limited coffee' },
      pricePoints: PRICE,
      stock: 100_000_000,
    });
    if (created.status !== 201) throw new Error(`reward: ${created.status} ${created.text}`);
    const rewardId = (JSON.parse(created.text) as { id: string }).id;
    const live = await client.send('PATCH', `/v1/rewards/${rewardId}`, { status: 'live' });
    if (live.status !== 200) throw new Error(`reward live: ${live.status} ${live.text}`);
    // Members funded through the batch credits endpoint (setup, not measured).
    const memberIds = Array.from({ length: MEMBERS }, (_, index) => `hot-${index}`);
    await pool(MEMBERS / 500, 2, async (page) => {
      const ids = memberIds.slice(page * 500, (page + 1) * 500);
      for (const memberId of ids) {
        const put = await client.send('PUT', `/v1/members/${memberId}`, {});
        if (put.status !== 201) throw new Error(`member: ${put.status} ${put.text}`);
      }
      const items = ids.map((memberId) => ({
        idempotencyKey: `seed-${memberId}`,
        memberId,
        points: 100_000_000,
        reason: 'bench seed',
      }));
      const seeded = await client.send('POST', '/v1/credits/batch', { items });
      if (seeded.status !== 200) throw new Error(`seed: ${seeded.status} ${seeded.text}`);
    });
    const setupSeconds = seconds(nowMs() - started);
    log(
      `  server, one hot reward and ${MEMBERS} funded members in ${setupSeconds}s; ${options.clients} clients`,
    );

    const run = randomBytes(4).toString('hex');
    let sequence = 0;
    let redeemed = 0;
    const unexpected: string[] = [];
    let cpuStart: ReturnType<typeof cpuSnapshot> = null;
    const loop = await closedLoop(
      limitsFrom(options, options.clients),
      'redemption',
      async (_client, recorder) => {
        const memberId = memberIds[Math.floor(Math.random() * MEMBERS)]!;
        const startedAt = nowMs();
        const reply = await client.send(
          'POST',
          '/v1/redemptions',
          { memberId, rewardId, quantity: 1 },
          { 'idempotency-key': `redeem-${run}-${++sequence}` },
        );
        const ok = reply.status === 201;
        recorder.record('redemption', startedAt, ok);
        if (ok) redeemed++;
        else if (unexpected.length < 5) unexpected.push(`${reply.status} ${reply.text}`);
      },
      async () => {
        await database.analyze();
        cpuStart = cpuSnapshot(server.child.pid);
      },
    );
    const cpu = cpuBetween(cpuStart, cpuSnapshot(server.child.pid), loop.primary.units, true);
    log(`  ${describeCpu(cpu)}`);
    client.close();
    await server.stop();
    for (const message of unexpected) log(`  unexpected answer: ${message}`);
    if (unexpected.length > 0) context.failures.push(`redeem-hot: unexpected answers, e.g. ${unexpected[0]}`);

    started = nowMs();
    const db = await openDatabase({ databaseUrl: database.url });
    let verify = null;
    try {
      const { checks, violations } = await verifyLedger(db);
      const [row] = await db.query<{ redeemed: string; redemptions: string }>(
        `select (select redeemed_quantity from rewards where id = $1)::int8 as redeemed,
                (select count(*) from redemptions where reward_id = $1)::int8 as redemptions`,
        [rewardId],
      );
      // Warm-up redemptions count in the store too: every redemption is one unit of stock.
      if (violations.length > 0 || Number(row?.redeemed) !== Number(row?.redemptions)) {
        context.failures.push(
          `redeem-hot: ${violations.length} ledger violation(s); stock taken ${row?.redeemed} for ${row?.redemptions} redemptions`,
        );
      }
      verify = {
        checks,
        violations: violations.length,
        expectedPoints: Number(row?.redemptions) * PRICE,
        storedPoints: Number(row?.redeemed) * PRICE,
        seconds: seconds(nowMs() - started),
      };
    } finally {
      await db.close();
    }
    return resultOf(
      {
        id: 'redeem-hot',
        name: 'redemptions of one hot reward',
        engine: 'postgres',
        unit: 'redemptions',
        latencyOf: 'request',
        clients: options.clients,
        batchSize: null,
      },
      loop,
      {
        setup: { members: MEMBERS, setupSeconds, measuredRedemptions: redeemed },
        verify,
        cpu,
        notes: [
          'POST /v1/redemptions for random members of one reward: member lock, then the reward row lock',
        ],
      },
    );
  } finally {
    await database.drop();
  }
}
