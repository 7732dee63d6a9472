import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EventCoalescer } from '../../src/events/event-coalescer.ts';
import type { EventInput } from '../../src/events/event-input.ts';
import { ingestEvents } from '../../src/events/ingest-events.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { historyLines, join, programWith } from '../tiers/tier-scenario-kit.ts';
import { name, paid, publish, refunded, sendBatch } from './event-test-kit.ts';

/**
 * The rule of event intake: the result of a batch equals the result of its events sent one at a
 * time, in order. Three programs, configured alike, get the same generated events: one by one over
 * `POST /v1/events`, in batches of random sizes over `POST /v1/events/batch`, and as singles
 * submitted all at once to the group commit (which shares transactions between them). Every
 * event's answer, every member's balances, tier and tier history must be the same in all three.
 *
 * The rules make order matter: tier multipliers (an order that lifts a member to a tier earns
 * the next order more), refunds that may downgrade, a first-order bonus (lifetime limit), a daily
 * limit and a campaign budget shared by all members.
 * JIFEN_PROPERTY_RUNS / JIFEN_PROPERTY_SEED as in the other property tests.
 */

const RUNS = Number(process.env.JIFEN_PROPERTY_RUNS ?? 20);
const SEED =
  process.env.JIFEN_PROPERTY_SEED === undefined ? undefined : Number(process.env.JIFEN_PROPERTY_SEED);
const MEMBERS = ['m0', 'm1', 'm2'] as const;

const TIERS = {
  tiers: [
    { code: 'normal', name: name('普通', 'Member'), entryGrowth: 0, retainGrowth: 0 },
    {
      code: 'silver',
      name: name('银卡', 'Silver'),
      entryGrowth: 100,
      retainGrowth: 80,
      benefits: { earnMultiplier: 1.5 },
    },
    {
      code: 'gold',
      name: name('金卡', 'Gold'),
      entryGrowth: 300,
      retainGrowth: 250,
      benefits: { earnMultiplier: 2 },
    },
  ],
  window: { kind: 'calendar_year' },
  evaluation: { kind: 'period_end', every: 'year' },
  downgrade: 'one_step',
};

const RULES = [
  {
    name: name('消费积分', 'Purchase points'),
    trigger: 'order.paid',
    reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    target: { points: 1, growth: 1 },
  },
  {
    name: name('首单奖励', 'First order bonus'),
    trigger: 'order.paid',
    reward: { kind: 'fixed', points: 50 },
    limits: { perMemberPoints: { lifetime: 50 } },
  },
  {
    name: name('每日上限', 'Daily capped'),
    trigger: 'order.paid',
    reward: { kind: 'fixed', points: 20 },
    limits: { perMemberPoints: { day: 30 } },
  },
  {
    name: name('活动预算', 'Campaign budget'),
    trigger: 'order.paid',
    reward: { kind: 'fixed', points: 30 },
    limits: { budgetPoints: 70 },
  },
];

type Step =
  | { kind: 'pay'; member: number; yuan: number }
  | { kind: 'refund'; member: number; order: number; yuan: number | null }
  | { kind: 'cancel'; member: number; order: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('pay' as const),
      member: fc.nat(2),
      yuan: fc.integer({ min: 1, max: 260 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      member: fc.nat(2),
      order: fc.nat(9),
      yuan: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('cancel' as const), member: fc.nat(2), order: fc.nat(9) }),
  },
);

/** The events of a sequence: refunds and cancellations name the n-th order paid so far (any member's). */
function eventsOf(steps: readonly Step[]): EventInput[] {
  const orders: string[] = [];
  return steps.map((step, index) => {
    const id = `e${index}`;
    const memberId = MEMBERS[step.member]!;
    if (step.kind === 'pay') {
      const orderId = `o${index}`;
      orders.push(orderId);
      return paid(id, memberId, orderId, step.yuan * 100) as EventInput;
    }
    const orderId = orders.length > 0 ? orders[step.order % orders.length]! : 'o-none';
    if (step.kind === 'cancel') return { id, type: 'order.cancelled', memberId, attributes: { orderId } };
    return refunded(
      id,
      memberId,
      orderId,
      step.yuan === null ? {} : { amountMinor: step.yuan * 100 },
    ) as EventInput;
  });
}

interface Program {
  api: TestApi;
  /** Rule id → the rule's place in RULES, so answers of different programs compare. */
  ruleNames: Map<string, string>;
}

async function programFor(api: TestApi, refundsCanDowngrade: boolean): Promise<Program> {
  const scoped = await programWith(api, { ...TIERS, refundsCanDowngrade });
  const ruleNames = new Map<string, string>();
  for (const [index, rule] of RULES.entries()) ruleNames.set(await publish(scoped, rule), `rule${index}`);
  for (const memberId of MEMBERS) await join(scoped, memberId);
  return { api: scoped, ruleNames };
}

/** An answer without what differs between programs by construction (ids, entry ids). */
function comparable(program: Program, status: number, body: unknown): unknown {
  const text = JSON.stringify({ status, body }, (key, value) => {
    if (key === 'entryIds' || key === 'instance' || key === 'receivedAt') return undefined;
    if (key === 'ruleId' && typeof value === 'string') return program.ruleNames.get(value) ?? value;
    return value;
  });
  return JSON.parse(text);
}

async function state(program: Program) {
  const members: Record<string, unknown> = {};
  for (const memberId of MEMBERS) {
    const member = (await program.api.call('GET', `/v1/members/${memberId}`)).body;
    const tier = (await program.api.call('GET', `/v1/members/${memberId}/tier`)).body;
    members[memberId] = {
      balances: member.balances,
      tier: tier.tier.code,
      earnedTier: tier.earnedTier,
      growthInWindow: tier.growthInWindow,
      history: await historyLines(program.api, memberId),
    };
  }
  return members;
}

async function oneByOne(program: Program, events: readonly EventInput[]) {
  const answers: unknown[] = [];
  for (const event of events) {
    const reply = await program.api.call('POST', '/v1/events', event);
    answers.push(comparable(program, reply.status, reply.body));
  }
  return answers;
}

async function inBatches(program: Program, events: readonly EventInput[], cuts: readonly number[]) {
  const answers: unknown[] = [];
  let start = 0;
  for (const cut of [...cuts.map((c) => c % (events.length + 1)).sort((a, b) => a - b), events.length]) {
    if (cut <= start) continue;
    for (const result of await sendBatch(program.api, events.slice(start, cut))) {
      answers.push(comparable(program, result.status, result.body));
    }
    start = cut;
  }
  return answers;
}

/** All events submitted at once to the group commit: they share one or a few transactions. */
async function coalesced(program: Program, events: readonly EventInput[], maxBatch: number) {
  const coalescer = new EventCoalescer(program.api.db, program.api.clock, { maxBatch, maxInFlight: 1 });
  const results = await Promise.all(
    events.map((event) => coalescer.send(program.api.programId, { apiKeyId: 'key' }, event)),
  );
  return results.map((result) => comparable(program, result.status, result.body));
}

/** All events as one batch whose decisions are written in parts of `writeEvery` while the rest are decided. */
async function writtenInParts(program: Program, events: readonly EventInput[], writeEvery: number) {
  const context = {
    programId: program.api.programId,
    now: program.api.clock.now(),
    source: { kind: 'event', apiKeyId: 'key' },
  } as const;
  const results = await ingestEvents(program.api.db, context, events, { writeEvery });
  return results.map((result) => comparable(program, result.status, result.body));
}

describe.each(ENGINES)('a batch decides like its events one at a time (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-11T08:00:00Z');
  });
  afterAll(async () => {
    await api.close();
  });

  test('the reproduction: an order that lifts a member to gold makes the next order of the batch earn ×2', async () => {
    const [single, batch] = [await programFor(api, true), await programFor(api, true)];
    const events = [paid('r1', 'm0', 'ro1', 30_000), paid('r2', 'm0', 'ro2', 10_000)] as EventInput[];
    const alone = await oneByOne(single, events);
    const together = await inBatches(batch, events, []);
    expect(together).toEqual(alone);
    // 300 growth reaches gold (×2): the second order's 100 points become 200.
    const second = (alone[1] as { body: { awards: { ruleId: string; points: number }[] } }).body.awards;
    expect(second.find((award) => award.ruleId === 'rule0')!.points).toBe(200);
    expect(await state(batch)).toEqual(await state(single));
    expect((await state(batch)).m0).toMatchObject({ tier: 'gold', history: ['upgrade normal→gold'] });
  });

  test('a batch written in parts stays one transaction: a refund in a later part updates the order an earlier part inserted', async () => {
    const [single, parts] = [await programFor(api, true), await programFor(api, true)];
    const events = eventsOf([
      { kind: 'pay', member: 0, yuan: 300 },
      { kind: 'pay', member: 1, yuan: 50 },
      { kind: 'refund', member: 0, order: 0, yuan: 100 },
      { kind: 'refund', member: 0, order: 0, yuan: null },
    ]);
    const alone = await oneByOne(single, events);
    let transactions = 0;
    const db = parts.api.db;
    const counting = new Proxy(db, {
      get(target, property, receiver) {
        if (property === 'transaction') transactions++;
        return Reflect.get(target, property, receiver);
      },
    });
    const results = await ingestEvents(
      counting,
      {
        programId: parts.api.programId,
        now: parts.api.clock.now(),
        source: { kind: 'event', apiKeyId: 'key' },
      },
      events,
      { writeEvery: 1 },
    );
    expect(results.map((result) => comparable(parts, result.status, result.body))).toEqual(alone);
    // Not redone event by event after a failed write (which would answer the same).
    expect(transactions).toBe(1);
    expect(await state(parts)).toEqual(await state(single));
  });

  test('property: one by one, in batches, coalesced and written in parts, the same answers, balances, tiers and history', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 14 }),
        fc.array(fc.nat(14), { maxLength: 3 }),
        fc.integer({ min: 2, max: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 3 }),
        async (steps, cuts, maxBatch, refundsCanDowngrade, writeEvery) => {
          const events = eventsOf(steps);
          const programs = [
            await programFor(api, refundsCanDowngrade),
            await programFor(api, refundsCanDowngrade),
            await programFor(api, refundsCanDowngrade),
            await programFor(api, refundsCanDowngrade),
          ] as const;
          const alone = await oneByOne(programs[0], events);
          expect(await inBatches(programs[1], events, cuts)).toEqual(alone);
          expect(await coalesced(programs[2], events, maxBatch)).toEqual(alone);
          expect(await writtenInParts(programs[3], events, writeEvery)).toEqual(alone);
          const expected = await state(programs[0]);
          expect(await state(programs[1])).toEqual(expected);
          expect(await state(programs[2])).toEqual(expected);
          expect(await state(programs[3])).toEqual(expected);
        },
      ),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
