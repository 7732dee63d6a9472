import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, test } from 'vitest';
import { processStoreForSuite, runJifen, startServer } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

/**
 * A client streams idempotent writes at a real `jifen serve`, which is killed with SIGKILL in the
 * middle; the client restarts it on the same data and resends every request with the same keys and
 * bodies, as a client whose requests timed out would. Each write must count once, answered the same
 * way before and after the crash, and the ledger must verify.
 */

const KEY = 'jf_crash_test_owner_key_0123456789abcdef';
const STREAMS = 4;
const MEMBERS_PER_STREAM = 3;
const OPS_PER_STREAM = 100;
const KILL_AFTER_ANSWERS = 140;
const PHASE_DEADLINE_MS = 40_000;

type Op =
  | { kind: 'credit'; key: string; memberId: string; points: number }
  | { kind: 'debit'; key: string; memberId: string; points: number }
  | { kind: 'transfer'; key: string; from: string; to: string; points: number };

interface Planned {
  op: Op;
  /** What a sequential, exactly-once execution answers. */
  expectedStatus: 201 | 422;
}

/** A small deterministic PRNG, so a failure can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Each stream owns its members, so running the streams at the same time cannot change any answer:
 * within a stream the requests are sequential, and the model replays them in order.
 */
function planStream(stream: number, runId: string, balances: Map<string, number>): Planned[] {
  const random = prng(1_000 + stream);
  const int = (max: number) => 1 + Math.floor(random() * max);
  const members = Array.from({ length: MEMBERS_PER_STREAM }, (_, i) => `s${stream}-m${i}`);
  for (const memberId of members) balances.set(memberId, 0);
  const plan: Planned[] = [];
  for (let i = 0; i < OPS_PER_STREAM; i++) {
    const key = `${runId}-s${stream}-op${i}`;
    const roll = random();
    const memberId = members[Math.floor(random() * members.length)]!;
    let op: Op;
    if (i < members.length || roll < 0.3) {
      op = { kind: 'credit', key, memberId: i < members.length ? members[i]! : memberId, points: int(50) };
    } else if (roll < 0.65) {
      op = { kind: 'debit', key, memberId, points: int(60) };
    } else {
      const to = members.filter((other) => other !== memberId)[Math.floor(random() * (members.length - 1))]!;
      op = { kind: 'transfer', key, from: memberId, to, points: int(40) };
    }
    let expectedStatus: 201 | 422 = 201;
    if (op.kind === 'credit') balances.set(op.memberId, balances.get(op.memberId)! + op.points);
    if (op.kind === 'debit') {
      if (balances.get(op.memberId)! < op.points) expectedStatus = 422;
      else balances.set(op.memberId, balances.get(op.memberId)! - op.points);
    }
    if (op.kind === 'transfer') {
      if (balances.get(op.from)! < op.points) expectedStatus = 422;
      else {
        balances.set(op.from, balances.get(op.from)! - op.points);
        balances.set(op.to, balances.get(op.to)! + op.points);
      }
    }
    plan.push({ op, expectedStatus });
  }
  return plan;
}

function requestOf(op: Op): { path: string; body: object } {
  if (op.kind === 'credit') {
    return {
      path: `/v1/members/${op.memberId}/credits`,
      body: { points: op.points, reason: `credit ${op.key}` },
    };
  }
  if (op.kind === 'debit') {
    return {
      path: `/v1/members/${op.memberId}/debits`,
      body: { points: op.points, reason: `debit ${op.key}` },
    };
  }
  return {
    path: '/v1/transfers',
    body: { fromMemberId: op.from, toMemberId: op.to, points: op.points, reason: `gift ${op.key}` },
  };
}

interface Answer {
  status: number;
  body: unknown;
  replayed: boolean;
}

async function send(baseUrl: string, op: Op): Promise<Answer> {
  const { path, body } = requestOf(op);
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEY}`,
      'content-type': 'application/json',
      'idempotency-key': op.key,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  return {
    status: response.status,
    body: await response.json(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

async function api<T = unknown>(baseUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as T };
}

describe.each(ENGINES)(
  'kill -9 in the middle of idempotent writes, then retry everything (%s)',
  (engine: Engine) => {
    const suite = processStoreForSuite(engine);

    test('every write counts once and the ledger verifies', async () => {
      const env = { JIFEN_BOOTSTRAP_KEY: KEY };
      suite.server = await startServer(suite.args, { env });
      const runId = `crash-${Date.now().toString(36)}`;
      const model = new Map<string, number>();
      const plans = Array.from({ length: STREAMS }, (_, stream) => planStream(stream, runId, model));
      for (const memberId of model.keys()) {
        expect((await api(suite.server.url, 'PUT', `/v1/members/${memberId}`, {})).status).toBe(201);
      }

      // Phase 1: the streams run until the server dies under them.
      const first: (Answer | undefined)[][] = plans.map(() => []);
      let answered = 0;
      let killed = false;
      const victim = suite.server;
      const phaseEnd = Date.now() + PHASE_DEADLINE_MS;
      const kill = () => {
        if (!killed) {
          killed = true;
          victim.child.kill('SIGKILL');
        }
      };
      await Promise.all(
        plans.map(async (plan, stream) => {
          for (const [index, { op }] of plan.entries()) {
            if (killed || Date.now() > phaseEnd) return;
            try {
              first[stream]![index] = await send(victim.url, op);
            } catch {
              return; // the connection died with the server: this request's fate is unknown
            }
            if (++answered >= KILL_AFTER_ANSWERS) kill();
          }
        }),
      );
      kill();
      const death = await victim.exited;
      expect(death.signal).toBe('SIGKILL');
      const answeredBefore = first.flat().filter(Boolean).length;
      expect(answeredBefore).toBeGreaterThanOrEqual(KILL_AFTER_ANSWERS);
      expect(answeredBefore).toBeLessThan(STREAMS * OPS_PER_STREAM);
      if (engine === 'pglite') {
        // The dead server's lock is still there; the restart must take it over.
        const lockPath = join(suite.args[1]!, 'jifen.lock');
        expect(existsSync(lockPath)).toBe(true);
        expect(readFileSync(lockPath, 'utf8').trim()).toBe(String(victim.pid));
      }

      // Phase 2: restart on the same data and resend every request of every stream, in order.
      suite.server = await startServer(suite.args, { env });
      const restarted = suite.server;
      const mismatches: string[] = [];
      const phase2End = Date.now() + PHASE_DEADLINE_MS;
      await Promise.all(
        plans.map(async (plan, stream) => {
          for (const [index, { op, expectedStatus }] of plan.entries()) {
            if (Date.now() > phase2End) throw new Error('phase 2 took too long');
            const answer = await send(restarted.url, op);
            const before = first[stream]![index];
            const where = `stream ${stream} op ${index} (${op.kind} ${op.key})`;
            if (answer.status !== expectedStatus) {
              mismatches.push(
                `${where}: status ${answer.status}, model ${expectedStatus}: ${JSON.stringify(answer.body)}`,
              );
            }
            if (before) {
              if (before.status !== expectedStatus) {
                mismatches.push(`${where}: first answer ${before.status}, model ${expectedStatus}`);
              }
              if (!answer.replayed) mismatches.push(`${where}: answered before the crash but not replayed`);
              if (!isDeepStrictEqual(answer.body, before.body)) {
                mismatches.push(`${where}: replay differs from the first answer`);
              }
            }
          }
        }),
      );
      expect(mismatches).toEqual([]);

      // Balances and entry counts equal the exactly-once model.
      for (const [memberId, available] of model) {
        const member = await api<{ balances: Record<string, number> }>(
          restarted.url,
          'GET',
          `/v1/members/${memberId}`,
        );
        expect({ memberId, ...member.body.balances }).toMatchObject({
          memberId,
          available,
          pending: 0,
          held: 0,
        });
      }
      const entryTypes = new Map<string, number>();
      for (const memberId of model.keys()) {
        let cursor: string | null = null;
        for (let page = 0; page < 20; page++) {
          const query: string = `limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const { body } = await api<{ data: { type: string }[]; nextCursor: string | null }>(
            restarted.url,
            'GET',
            `/v1/members/${memberId}/entries?${query}`,
          );
          for (const entry of body.data) {
            entryTypes.set(entry.type, (entryTypes.get(entry.type) ?? 0) + 1);
          }
          cursor = body.nextCursor;
          if (!cursor) break;
        }
      }
      const succeeded = (kind: Op['kind']) =>
        plans.flat().filter((planned) => planned.op.kind === kind && planned.expectedStatus === 201).length;
      expect(Object.fromEntries(entryTypes)).toEqual({
        earn: succeeded('credit'),
        spend: succeeded('debit'),
        transfer_out: succeeded('transfer'),
        transfer_in: succeeded('transfer'),
      });

      // A clean stop, then `jifen verify` on the same data.
      expect((await restarted.stop('SIGTERM')).code).toBe(0);
      suite.server = undefined;
      const verify = await runJifen(['verify', ...suite.args]);
      expect(verify.stderr).toBe('');
      expect(verify.code).toBe(0);
      expect(verify.stdout).toMatch(/all \d+ invariants hold/);
    }, 110_000);
  },
);
