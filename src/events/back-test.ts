import type { Queryable } from '../db/database.ts';
import { loadMemberFacts } from '../members/member-facts.ts';
import type { MemberKey } from '../members/member-key.ts';
import type { MemberFacts } from '../members/member-types.ts';
import { getProgram } from '../programs/program-store.ts';
import type { Program } from '../programs/program-types.ts';
import { type CompiledRule, compileRule } from '../rules/compile-rule.ts';
import { evaluateRules } from '../rules/evaluate-rules.ts';
import { compiledVersion } from '../rules/rule-cache.ts';
import { ruleFacts } from '../rules/rule-facts.ts';
import { draftRules, publishedRules } from '../rules/rule-store.ts';
import { tiersInForce } from '../tiers/member-tier.ts';
import type { EventOutcome } from './event-outcome.ts';
import { periodsOf, RuleUsageTracker } from './rule-usage.ts';

/**
 * Back-test (SPEC §3.2): replays the stored events of a date range through two rule sets — the
 * rules in force, and the same with each rule's draft standing in for it — and reports what each
 * would have issued, by day (in the program's timezone) and by rule, with its money cost at the
 * program's point value. Limits and budgets start unused at `from` and count up as events replay;
 * refunds take back each order's simulated points in proportion to the refunded amount. Nothing is
 * written. Events are read a page at a time, so the range can be long.
 */

export interface BackTestInput {
  from: Date;
  to: Date;
  /** When the back-test runs: members are judged by their profile and tier as of then. */
  now: Date;
}

export interface Totals {
  points: number;
  growth: number;
  /** Points taken back by refunds in the range. */
  pointsTakenBack: number;
  costMinor: number;
}

export interface ScenarioReport extends Totals {
  byDay: ({ date: string } & Totals)[];
  byRule: ({ ruleId: string; version: number; awards: number } & Omit<Totals, 'pointsTakenBack'>)[];
}

export interface BackTestReport {
  from: string;
  to: string;
  events: number;
  currency: string;
  inForce: ScenarioReport;
  proposed: ScenarioReport;
  /** Rules whose draft the proposed set uses. */
  drafts: { ruleId: string; version: number }[];
}

const PAGE = 5_000;

interface StoredRow {
  id: string;
  type: string;
  member_key: MemberKey;
  occurred_at: Date;
  attributes: Record<string, unknown>;
  order_id: string | null;
  outcome: Pick<EventOutcome, 'refund' | 'order'>;
}

export async function backTest(
  db: Queryable,
  programId: string,
  input: BackTestInput,
): Promise<BackTestReport> {
  const program = await getProgram(db, programId);
  const published = (await publishedRules(db, programId)).map((rule) => compiledVersion(programId, rule));
  const drafts = await draftRules(db, programId);
  const proposedById = new Map(published.map((rule) => [rule.ruleId, rule]));
  // Drafts change in place: compiled afresh, never cached.
  for (const draft of drafts) proposedById.set(draft.ruleId, compileRule(draft));
  const scenarios = {
    inForce: new Scenario(published, program),
    proposed: new Scenario([...proposedById.values()], program),
  };
  const members = new Map<MemberKey, MemberFacts>();
  let events = 0;
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows: StoredRow[] = await db.query<StoredRow>(
      `select e.id, e.type, e.member_key, e.occurred_at, e.attributes, e.order_id,
              jsonb_build_object('refund', e.outcome->'refund', 'order', e.outcome->'order') as outcome
         from events e
        where e.program_id = $1 and e.occurred_at >= $2 and e.occurred_at < $3
          and ($4::timestamptz is null or (e.occurred_at, e.id) > ($4::timestamptz, $5::text))
        order by e.occurred_at, e.id limit $6`,
      [
        programId,
        input.from.toISOString(),
        input.to.toISOString(),
        after?.at ?? null,
        after?.id ?? null,
        PAGE,
      ],
    );
    if (rows.length === 0) break;
    await loadMembers(db, programId, rows, members, input.now);
    for (const row of rows) {
      const member = members.get(row.member_key);
      if (!member) continue;
      for (const scenario of Object.values(scenarios)) scenario.replay(row, member);
    }
    events += rows.length;
    const last = rows.at(-1)!;
    after = { at: new Date(last.occurred_at).toISOString(), id: last.id };
    if (rows.length < PAGE) break;
  }
  return {
    from: input.from.toISOString(),
    to: input.to.toISOString(),
    events,
    currency: program.currency,
    inForce: scenarios.inForce.report(),
    proposed: scenarios.proposed.report(),
    drafts: drafts.map((draft) => ({ ruleId: draft.ruleId, version: draft.version })),
  };
}

/** One rule set replaying the events: its own limits, its own orders, its own sums. */
class Scenario {
  private readonly tracker: RuleUsageTracker;
  private readonly byDay = new Map<string, { points: number; growth: number; pointsTakenBack: number }>();
  private readonly byRule = new Map<
    string,
    { ruleId: string; version: number; awards: number; points: number; growth: number }
  >();
  /** Points each order earned in this scenario, and what its refunds took back so far. */
  private readonly orders = new Map<string, { points: number; takenBack: number }>();

  constructor(
    private readonly rules: readonly CompiledRule[],
    private readonly program: Program,
  ) {
    this.tracker = RuleUsageTracker.empty(rules);
  }

  replay(row: StoredRow, member: MemberFacts): void {
    const facts = ruleFacts(
      { id: row.id, type: row.type, occurredAt: new Date(row.occurred_at), attributes: row.attributes },
      member,
      this.program.timezone,
    );
    const day = this.day(facts.time.date);
    if (row.type === 'order.refunded' || row.type === 'order.cancelled') {
      day.pointsTakenBack += this.takeBack(row);
    }
    // Blocked members earn nothing, whatever the rules say (as at intake).
    if (member.status === 'blocked') return;
    const periods = periodsOf(facts.time);
    const { awards } = evaluateRules(this.rules, facts, {
      currency: this.program.currency,
      usage: this.tracker.usageFor(row.member_key, periods, facts.event.attributes),
    });
    let orderPoints = 0;
    for (const award of awards) {
      this.tracker.record(row.member_key, periods, award, row.id);
      day.points += award.points;
      day.growth += award.growth;
      orderPoints += award.points;
      const key = `${award.ruleId}@${award.version}`;
      const rule = this.byRule.get(key) ?? {
        ruleId: award.ruleId,
        version: award.version,
        awards: 0,
        points: 0,
        growth: 0,
      };
      rule.awards += 1;
      rule.points += award.points;
      rule.growth += award.growth;
      this.byRule.set(key, rule);
    }
    if (row.type === 'order.paid' && row.order_id !== null) {
      this.orders.set(row.order_id, { points: orderPoints, takenBack: 0 });
    }
  }

  /**
   * What a stored refund takes back of this scenario's points for the order: cumulative, like
   * intake (`decideRefund`), from the order's state after the refund as it happened.
   */
  private takeBack(row: StoredRow): number {
    const { refund, order } = row.outcome;
    const simulated = row.order_id === null ? undefined : this.orders.get(row.order_id);
    if (!refund || !order || !simulated) return 0;
    const complete = order.status !== 'paid' || order.refundedMinor >= order.amountMinor;
    const target = complete
      ? simulated.points
      : Math.floor((simulated.points * order.refundedMinor) / order.amountMinor + 0.5);
    const take = Math.max(target - simulated.takenBack, 0);
    simulated.takenBack += take;
    return take;
  }

  report(): ScenarioReport {
    const cost = (points: number) => this.costMinor(points);
    const byDay = [...this.byDay]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, day]) => ({ date, ...day, costMinor: cost(day.points - day.pointsTakenBack) }));
    const sum = (pick: (day: (typeof byDay)[number]) => number) =>
      byDay.reduce((total, day) => total + pick(day), 0);
    const points = sum((day) => day.points);
    const pointsTakenBack = sum((day) => day.pointsTakenBack);
    return {
      points,
      growth: sum((day) => day.growth),
      pointsTakenBack,
      costMinor: cost(points - pointsTakenBack),
      byDay,
      byRule: [...this.byRule.values()]
        .sort((a, b) => b.points - a.points || (a.ruleId < b.ruleId ? -1 : 1))
        .map((rule) => ({ ...rule, costMinor: cost(rule.points) })),
    };
  }

  private day(date: string) {
    let day = this.byDay.get(date);
    if (!day) {
      day = { points: 0, growth: 0, pointsTakenBack: 0 };
      this.byDay.set(date, day);
    }
    return day;
  }

  /** The money the points stand for at the program's point value, rounded to a minor unit. */
  private costMinor(points: number): number {
    const { points: per, amountMinor } = this.program.pointValue;
    return Math.round((points * amountMinor) / per);
  }
}

async function loadMembers(
  db: Queryable,
  programId: string,
  rows: readonly StoredRow[],
  members: Map<MemberKey, MemberFacts>,
  now: Date,
): Promise<void> {
  const missing = [...new Set(rows.map((row) => row.member_key))].filter(
    (memberKey) => !members.has(memberKey),
  );
  const tiers = await tiersInForce(db, programId, missing, now);
  for (const [memberKey, facts] of await loadMemberFacts(db, programId, missing))
    members.set(memberKey, { ...facts, tier: tiers.get(memberKey) ?? null });
}
