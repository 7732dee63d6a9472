import type { Queryable } from '../db/database.ts';
import type { CommandContext, CommandResult } from '../ledger/commands/command-context.ts';
import { decideDebit } from '../ledger/commands/debit.ts';
import { growthInWindow } from '../ledger/ledger-queries.ts';
import { loadForUpdate, loadMemberDraft } from '../ledger/ledger-store.ts';
import { entryView } from '../ledger/ledger-views.ts';
import type { MemberKey } from '../members/member-key.ts';
import { getMember } from '../members/member-store.ts';
import { getProgram } from '../programs/program-store.ts';
import { JifenError } from '../shared/errors.ts';
import { DAY_MS } from '../shared/time-units.ts';
import {
  evaluateTier,
  evaluationWindowStart,
  periodKey,
  rankOf,
  tierByCode,
  windowStart,
} from './tier-decisions.ts';
import { tierReasons } from './tier-reasons.ts';
import {
  currentTierConfig,
  insertTierHistory,
  loadMemberTiers,
  type MemberTier,
  readTierConfig,
  saveMemberTiers,
} from './tier-store.ts';
import type { Tier, TierConfig, TierConfigVersion } from './tier-types.ts';

/**
 * A member's tier as the member page shows it (SPEC §3.3), an operator's manual assignment, and
 * keeping a tier with points (用积分保级).
 */

async function configOrThrow(
  db: Queryable,
  programId: string,
  forWriting = false,
): Promise<TierConfigVersion> {
  const current = forWriting ? await readTierConfig(db, programId) : await currentTierConfig(db, programId);
  if (!current) throw new JifenError('tiers_not_configured', { detail: 'This program has no tiers yet.' });
  return current;
}

/** A member who never left the first tier has held it since joining. */
function blankRow(memberKey: MemberKey, config: TierConfig, joinedAt: Date): MemberTier {
  return {
    memberKey,
    earnedTier: config.tiers[0]!.code,
    since: joinedAt,
    floorTier: config.tiers[0]!.code,
    manualTier: null,
    manualUntil: null,
    retainedFor: null,
    nextEvaluationAt: null,
  };
}

/** The tier in force: an operator's assignment while it lasts, else the tier growth earned. */
export function effectiveTier(row: MemberTier, now: Date): string {
  return row.manualTier && row.manualUntil && row.manualUntil > now ? row.manualTier : row.earnedTier;
}

/**
 * The member's tier in force: an operator's assignment while it lasts, else the tier growth
 * earned; a member without a tier row is in the first tier; null when the program has no tiers.
 */
export async function tierInForce(
  db: Queryable,
  programId: string,
  memberKey: MemberKey,
  now: Date,
): Promise<string | null> {
  return (await tiersInForce(db, programId, [memberKey], now)).get(memberKey) ?? null;
}

/** `tierInForce` of many members at once, by key (members of no tier row: the first tier). */
export async function tiersInForce(
  db: Queryable,
  programId: string,
  memberKeys: readonly MemberKey[],
  now: Date,
): Promise<Map<MemberKey, string | null>> {
  const config = await currentTierConfig(db, programId);
  const first = config?.config.tiers[0]?.code ?? null;
  const rows: Map<MemberKey, MemberTier> =
    config && memberKeys.length > 0 ? await loadMemberTiers(db, programId, memberKeys) : new Map();
  return new Map(
    memberKeys.map((memberKey) => {
      const row = rows.get(memberKey);
      return [memberKey, row ? effectiveTier(row, now) : first];
    }),
  );
}

/**
 * A condition on a member's key, for the members' listing: "the tier in force is `tier`" — the
 * rule of `tiersInForce` (an assignment while it lasts, else the tier earned, else the first tier)
 * as SQL the members area puts in its own statement. Nothing matches in a program without tiers.
 */
export async function inTierCondition(
  db: Queryable,
  programId: string,
  tier: string,
  now: Date,
): Promise<{ sql: (keyColumn: string, firstParam: number) => string; params: unknown[] }> {
  const inForce = await tierInForceSql(db, programId, now);
  if (inForce === null) return { sql: () => 'false', params: [] };
  return {
    sql: (keyColumn, n) => `${inForce.sql(keyColumn, n)} = $${n + inForce.params.length}::text`,
    params: [...inForce.params, tier],
  };
}

/**
 * The tier in force of the member whose key is in `keyColumn`, as an SQL expression (its params
 * from `$firstParam`): an assignment while it lasts, else the tier earned, else the first tier —
 * the rule of `tiersInForce`. Null in a program without tiers.
 */
export async function tierInForceSql(
  db: Queryable,
  programId: string,
  now: Date,
): Promise<{ sql: (keyColumn: string, firstParam: number) => string; params: unknown[] } | null> {
  const config = await currentTierConfig(db, programId);
  const first = config?.config.tiers[0]?.code ?? null;
  if (first === null) return null;
  return {
    sql: (keyColumn, n) => `coalesce(
        (select case when in_tier.manual_tier is not null and in_tier.manual_until > $${n + 1}::timestamptz
                     then in_tier.manual_tier else in_tier.earned_tier end
           from member_tiers in_tier
          where in_tier.program_id = $${n}::text and in_tier.member_key = ${keyColumn}),
        $${n + 2}::text)`,
    params: [programId, now.toISOString(), first],
  };
}

const tierView = (tier: Tier) => ({ code: tier.code, name: tier.name, benefits: tier.benefits ?? {} });

export async function memberTierStatus(db: Queryable, programId: string, memberId: string, now: Date) {
  const member = await getMember(db, programId, memberId);
  const { memberKey } = member;
  const { config, version } = await configOrThrow(db, programId);
  const { timezone } = await getProgram(db, programId);
  const row =
    (await loadMemberTiers(db, programId, [memberKey])).get(memberKey) ??
    blankRow(memberKey, config, new Date(member.joinedAt));
  const from = windowStart(config, now, timezone);
  const growth = (await growthInWindow(db, programId, [memberKey], from, new Date(now.getTime() + 1))).get(
    memberKey,
  )!;
  const earned = tierByCode(config, row.earnedTier);
  const next = config.tiers[rankOf(config, earned.code) + 1];
  let projected: { tier: ReturnType<typeof tierView>; growthInWindow: number } | null = null;
  if (row.nextEvaluationAt) {
    // What the next evaluation would decide if nothing more were earned before it.
    const windowThen = evaluationWindowStart(config, row.nextEvaluationAt, timezone);
    const counted = (
      await growthInWindow(db, programId, [memberKey], windowThen, new Date(now.getTime() + 1))
    ).get(memberKey)!;
    const retained = row.retainedFor === periodKey(row.nextEvaluationAt, timezone);
    projected = {
      tier: tierView(evaluateTier(config, earned.code, counted, retained).tier),
      growthInWindow: counted,
    };
  }
  const manualActive = row.manualTier && row.manualUntil && row.manualUntil > now;
  return {
    memberId,
    configVersion: version,
    tier: tierView(tierByCode(config, effectiveTier(row, now))),
    earnedTier: earned.code,
    since: row.since.toISOString(),
    manual: manualActive ? { tier: row.manualTier!, until: row.manualUntil!.toISOString() } : null,
    growthInWindow: growth,
    window: { from: from.toISOString(), to: now.toISOString() },
    nextTier: next
      ? {
          ...tierView(next),
          entryGrowth: next.entryGrowth,
          growthNeeded: Math.max(next.entryGrowth - growth, 0),
        }
      : null,
    nextEvaluationAt: row.nextEvaluationAt?.toISOString() ?? null,
    projectedTier: projected,
    retainedWithPoints:
      row.nextEvaluationAt !== null && row.retainedFor === periodKey(row.nextEvaluationAt, timezone),
  };
}

/** A manual tier is never a silent permanent floor: it ends within this many years. */
const MAX_ASSIGNMENT_YEARS = 5;

export interface ManualAssignment {
  tier: string;
  until: Date;
  reason: string;
}

/** An operator sets a member's tier until a date, with a reason; audited in tier history. */
export async function assignTier(
  tx: Queryable,
  context: CommandContext,
  memberId: string,
  input: ManualAssignment,
): Promise<CommandResult> {
  // Members first, then the configuration lock: the order credits take them in.
  const { accounts } = await loadForUpdate(tx, { programId: context.programId, memberIds: [memberId] });
  const { memberKey } = accounts[0]!;
  const { config, version } = await configOrThrow(tx, context.programId, true);
  const to = config.tiers.find((tier) => tier.code === input.tier);
  if (!to) {
    throw new JifenError('tier_not_found', {
      detail: `There is no tier "${input.tier}"; the tiers are ${config.tiers.map((tier) => tier.code).join(', ')}.`,
      extensions: { tier: input.tier },
    });
  }
  const latest = context.now.getTime() + MAX_ASSIGNMENT_YEARS * 366 * DAY_MS;
  if (!(input.until > context.now) || input.until.getTime() > latest) {
    const message = `must be in the future, at most ${MAX_ASSIGNMENT_YEARS} years ahead`;
    throw new JifenError('validation_failed', {
      detail: `body/until ${message}`,
      extensions: { errors: [{ field: 'body/until', message }] },
    });
  }
  const row =
    (await loadMemberTiers(tx, context.programId, [memberKey])).get(memberKey) ??
    blankRow(memberKey, config, new Date((await getMember(tx, context.programId, memberId)).joinedAt));
  const from = effectiveTier(row, context.now);
  row.manualTier = to.code;
  row.manualUntil = input.until;
  await saveMemberTiers(tx, context.programId, [row], context.now);
  await insertTierHistory(
    tx,
    context.programId,
    [
      {
        memberId,
        memberKey,
        kind: 'manual',
        fromTier: from,
        toTier: to.code,
        growthInWindow: null,
        period: null,
        configVersion: version,
        reason: tierReasons.manual(to, input.until, input.reason),
        actor: String(context.source.apiKeyId ?? context.source.kind),
      },
    ],
    context.now,
    { config },
  );
  return { status: 200, body: await memberTierStatus(tx, context.programId, memberId, context.now) };
}

/**
 * 用积分保级: spend the tier's `retainWithPoints` now to keep the tier at the next evaluation even
 * if growth falls short. Once per evaluation.
 */
export async function retainTierWithPoints(
  tx: Queryable,
  context: CommandContext,
  memberId: string,
): Promise<CommandResult> {
  const { config } = await configOrThrow(tx, context.programId);
  const draft = await loadMemberDraft(tx, context, memberId);
  const memberKey = draft.keyOf(memberId);
  const row = (await loadMemberTiers(tx, context.programId, [memberKey])).get(memberKey);
  const tier = tierByCode(config, row?.earnedTier ?? config.tiers[0]!.code);
  const cost = tier.benefits?.retainWithPoints;
  if (row?.nextEvaluationAt && row.nextEvaluationAt <= context.now) {
    throw new JifenError('tier_retention_unavailable', {
      detail: `The evaluation of ${row.nextEvaluationAt.toISOString()} has fallen due: it is too late to keep the tier for it.`,
      extensions: { tier: tier.code },
    });
  }
  if (!row?.nextEvaluationAt || !cost) {
    throw new JifenError('tier_retention_unavailable', {
      detail: `${tier.name.en} cannot be kept with points${row?.nextEvaluationAt ? '' : ': the member has no evaluation ahead'}.`,
      extensions: { tier: tier.code },
    });
  }
  const period = periodKey(row.nextEvaluationAt, draft.settings.timezone);
  if (row.retainedFor === period) {
    throw new JifenError('tier_retention_unavailable', {
      detail: `${tier.name.en} is already kept for the evaluation on ${period}.`,
      extensions: { tier: tier.code, evaluation: period },
    });
  }
  const entry = decideDebit(
    draft,
    {
      memberId,
      points: cost,
      reason: {
        zh: `积分保级:保持${tier.name['zh-CN']}至 ${period} 定级`,
        en: `Kept ${tier.name.en} with points for the evaluation on ${period}`,
      },
    },
    context,
  );
  row.retainedFor = period;
  await saveMemberTiers(tx, context.programId, [row], context.now);
  return { status: 201, body: { evaluation: period, entry: entryView(entry) }, draft };
}
