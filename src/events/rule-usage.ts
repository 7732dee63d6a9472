import { createHash } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import type { ReadStatement, WriteStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { asMemberKey, type MemberKey } from '../members/member-key.ts';
import type { CompiledRule } from '../rules/compile-rule.ts';
import { NO_USAGE, type RuleAward, type RuleUsage } from '../rules/evaluate-rules.ts';
import type { LocalMoment } from '../rules/rule-facts.ts';

/**
 * The limits rules have used up, loaded under lock and kept in step as a batch decides: per-member
 * points per day / week / month / lifetime and once-per-object keys are read under the member's
 * row lock; a campaign budget row is locked itself (after the members, in rule id order), so two
 * transactions never both spend the last of a budget.
 */

export interface Periods {
  day: string;
  week: string;
  month: string;
  lifetime: string;
}

/** Period keys in the program's timezone: 'day:2026-11-23', 'week:2026-W48', 'month:2026-11'. */
export function periodsOf(time: LocalMoment): Periods {
  const date = Temporal.PlainDate.from(time.date);
  const week = String(date.weekOfYear).padStart(2, '0');
  return {
    day: `day:${time.date}`,
    week: `week:${date.yearOfWeek}-W${week}`,
    month: `month:${time.date.slice(0, 7)}`,
    lifetime: 'lifetime',
  };
}

/** What of the limits a batch can use, its members by key. */
export interface UsageScope {
  memberKeys: readonly MemberKey[];
  /** Every (member, rule, period) the batch's events may count against. */
  usageKeys: readonly { memberKey: MemberKey; ruleId: string; period: string }[];
  /** Objects events in the batch name, for rules with `oncePer`. */
  objectKeys: readonly string[];
  /** Event types in the batch: only budgets of rules they can trigger are locked. */
  eventTypes: ReadonlySet<string>;
}

interface OnceKeyRow {
  memberKey: MemberKey;
  ruleId: string;
  objectKey: string;
  eventId: string;
}

export class RuleUsageTracker {
  private readonly memberPoints = new Map<string, number>();
  private readonly memberDeltas = new Map<string, number>();
  private readonly onceKeys = new Set<string>();
  private readonly newOnceKeys: OnceKeyRow[] = [];
  private readonly budgets = new Map<string, number>();
  private readonly budgetDeltas = new Map<string, number>();

  private constructor(private readonly rules: ReadonlyMap<string, CompiledRule>) {}

  /** Starts from nothing used: back-tests count limits as they replay. */
  static empty(rules: readonly CompiledRule[]): RuleUsageTracker {
    return new RuleUsageTracker(new Map(rules.map((rule) => [rule.ruleId, rule])));
  }

  /**
   * Reads what the batch's members and rules have used as part of the batch's combined read, run
   * after the members are locked; the returned function makes the tracker once the read has run. A
   * budget is locked by that read too; one used for the first time has no row yet, which the
   * function then creates and locks (a statement more, once per budget).
   */
  static read(
    read: ReadStatement,
    rules: readonly CompiledRule[],
    scope: UsageScope,
  ): (tx: Queryable) => Promise<RuleUsageTracker> {
    const { param } = read;
    const limited = rules.filter((rule) => rule.definition.limits?.perMemberPoints).map((r) => r.ruleId);
    const once = rules.filter((rule) => rule.definition.limits?.oncePer).map((r) => r.ruleId);
    const budgeted = rules
      .filter((rule) => rule.definition.limits?.budgetPoints && scope.eventTypes.has(rule.definition.trigger))
      .map((rule) => rule.ruleId)
      .sort();
    const keys = scope.usageKeys.filter((key) => limited.includes(key.ruleId));
    // Exact keys, so each is one primary-key lookup however large the table grows.
    const usage =
      keys.length > 0
        ? read.add<{ member_key: string; rule_id: string; period: string; points: number }>(
            `select u.member_key, u.rule_id, u.period, u.points
               from unnest(${param(
                 keys.map((key) => key.memberKey),
                 'text[]',
               )}, ${param(
                 keys.map((key) => key.ruleId),
                 'text[]',
               )}, ${param(
                 keys.map((key) => key.period),
                 'text[]',
               )}) as k (member_key, rule_id, period)
               join rule_member_usage u on u.program_id = $1 and u.member_key = k.member_key
                                       and u.rule_id = k.rule_id and u.period = k.period`,
          )
        : () => [];
    const onceKeys =
      once.length > 0 && scope.objectKeys.length > 0
        ? read.add<{ member_key: string; rule_id: string; object_key: string }>(
            `select member_key, rule_id, object_key from rule_once_keys
              where program_id = $1 and member_key = any(${param(scope.memberKeys, 'text[]')})
                and rule_id = any(${param(once, 'text[]')}) and object_key = any(${param(scope.objectKeys, 'text[]')})`,
          )
        : () => [];
    const budgets =
      budgeted.length > 0 ? read.add<BudgetRow>(lockBudgetsSql(param(budgeted, 'text[]'))) : () => [];
    return async (tx) => {
      const tracker = new RuleUsageTracker(new Map(rules.map((rule) => [rule.ruleId, rule])));
      for (const row of usage()) {
        const key = usageKey(asMemberKey(row.member_key), row.rule_id, row.period);
        tracker.memberPoints.set(key, Number(row.points));
      }
      for (const row of onceKeys())
        tracker.onceKeys.add(usageKey(asMemberKey(row.member_key), row.rule_id, row.object_key));
      let budgetRows = budgets();
      if (budgetRows.length < budgeted.length) {
        const programId = read.params[0];
        await tx.query(
          `insert into rule_budgets (program_id, rule_id) select $1, unnest($2::text[])
           on conflict do nothing`,
          [programId, budgeted],
        );
        budgetRows = await tx.query<BudgetRow>(lockBudgetsSql('$2::text[]'), [programId, budgeted]);
      }
      for (const row of budgetRows) tracker.budgets.set(row.rule_id, Number(row.issued_points));
      return tracker;
    };
  }

  /**
   * The usage `evaluateRules` asks for, for one event of one member (asked once per rule; only the
   * periods a rule limits are looked up, the others are never read).
   */
  usageFor(memberKey: MemberKey, periods: Periods, attributes: Readonly<Record<string, unknown>>) {
    const asked = new Map<string, RuleUsage>();
    return (ruleId: string): RuleUsage => {
      const limits = this.rules.get(ruleId)?.definition.limits;
      if (!limits) return NO_USAGE;
      const known = asked.get(ruleId);
      if (known) return known;
      const perMember = limits.perMemberPoints;
      const used = (period: keyof Periods) =>
        perMember?.[period] === undefined
          ? 0
          : (this.memberPoints.get(usageKey(memberKey, ruleId, periods[period])) ?? 0);
      const object = limits.oncePer ? attributes[limits.oncePer] : undefined;
      const usage: RuleUsage = {
        memberPoints: {
          day: used('day'),
          week: used('week'),
          month: used('month'),
          lifetime: used('lifetime'),
        },
        issuedPoints: this.budgets.get(ruleId) ?? 0,
        awardedForObject:
          object !== undefined && this.onceKeys.has(usageKey(memberKey, ruleId, onceKeyOf(String(object)))),
      };
      asked.set(ruleId, usage);
      return usage;
    };
  }

  /** Counts an award that was credited against its rule's limits. */
  record(memberKey: MemberKey, periods: Periods, award: RuleAward, eventId: string): void {
    const limits = this.rules.get(award.ruleId)?.definition.limits;
    if (!limits) return;
    if (limits.perMemberPoints && award.points > 0) {
      for (const period of limitedPeriods(limits.perMemberPoints, periods)) {
        const key = usageKey(memberKey, award.ruleId, period);
        this.memberPoints.set(key, (this.memberPoints.get(key) ?? 0) + award.points);
        this.memberDeltas.set(key, (this.memberDeltas.get(key) ?? 0) + award.points);
      }
    }
    if (award.onceKey !== null) {
      const objectKey = onceKeyOf(award.onceKey);
      this.onceKeys.add(usageKey(memberKey, award.ruleId, objectKey));
      this.newOnceKeys.push({ memberKey, ruleId: award.ruleId, objectKey, eventId });
    }
    if (limits.budgetPoints && award.points > 0) {
      this.budgets.set(award.ruleId, (this.budgets.get(award.ruleId) ?? 0) + award.points);
      this.budgetDeltas.set(award.ruleId, (this.budgetDeltas.get(award.ruleId) ?? 0) + award.points);
    }
  }

  /**
   * What `record` counted since the last call, as part of the batch's write (the same statement as
   * its credits); counted as written from then on.
   */
  addWrites(statement: WriteStatement): void {
    const { param } = statement;
    if (this.memberDeltas.size > 0) {
      const keys = [...this.memberDeltas.keys()].map((key) => key.split('\u0000'));
      statement.add(
        `insert into rule_member_usage (program_id, member_key, rule_id, period, points)
         select $1, * from unnest(${param(
           keys.map((key) => key[0]),
           'text[]',
         )}, ${param(
           keys.map((key) => key[1]),
           'text[]',
         )}, ${param(
           keys.map((key) => key[2]),
           'text[]',
         )}, ${param([...this.memberDeltas.values()], 'int8[]')})
         on conflict (program_id, member_key, rule_id, period)
         do update set points = rule_member_usage.points + excluded.points`,
      );
    }
    if (this.newOnceKeys.length > 0) {
      const column = (get: (row: OnceKeyRow) => string) => param(this.newOnceKeys.map(get), 'text[]');
      statement.add(
        `insert into rule_once_keys (program_id, member_key, rule_id, object_key, event_id)
         select $1, * from unnest(${column((row) => row.memberKey)}, ${column((row) => row.ruleId)},
                                  ${column((row) => row.objectKey)}, ${column((row) => row.eventId)})`,
      );
    }
    if (this.budgetDeltas.size > 0) {
      statement.add(
        `update rule_budgets b set issued_points = b.issued_points + d.points
           from unnest(${param([...this.budgetDeltas.keys()], 'text[]')}, ${param([...this.budgetDeltas.values()], 'int8[]')})
                as d (rule_id, points)
          where b.program_id = $1 and b.rule_id = d.rule_id`,
      );
    }
    this.memberDeltas.clear();
    this.newOnceKeys.length = 0;
    this.budgetDeltas.clear();
  }
}

interface BudgetRow {
  rule_id: string;
  issued_points: number;
}

/** The budgets of these rules (`ids`: an SQL text array), locked in rule id order. */
function lockBudgetsSql(ids: string): string {
  return `select rule_id, issued_points from rule_budgets
           where program_id = $1 and rule_id = any(${ids}) order by rule_id for update`;
}

/**
 * How a `oncePer` object is stored: as itself when short, else as its SHA-256 (an index entry has a
 * size limit; a review id can be anything the integration sends).
 */
export function onceKeyOf(value: string): string {
  return value.length <= 200 ? value : `sha256:${createHash('sha256').update(value).digest('hex')}`;
}

/**
 * The periods a rule's per-member limits count in: only the ones it limits (a lifetime cap keeps one
 * row per member, not four). A limit added by a later version counts from when it was published.
 */
export function limitedPeriods(
  limits: { day?: number; week?: number; month?: number; lifetime?: number },
  periods: Periods,
): string[] {
  return (['day', 'week', 'month', 'lifetime'] as const).flatMap((period) =>
    limits[period] === undefined ? [] : [periods[period]],
  );
}

/** What the tracker counts under: a member (by key), a rule, and a period or an object. */
function usageKey(memberKey: MemberKey, ruleId: string, detail: string): string {
  return `${memberKey}\u0000${ruleId}\u0000${detail}`;
}
