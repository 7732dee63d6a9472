import type { Queryable } from '../db/database.ts';
import type { Periods } from '../events/rule-usage.ts';
import { spendablePointsOf } from '../ledger/ledger-queries.ts';
import type { MemberStatus } from '../ledger/ledger-types.ts';
import type { MemberKey } from '../members/member-key.ts';
import { getMember } from '../members/member-store.ts';
import { getProgram } from '../programs/program-store.ts';
import { tierInForce } from '../tiers/member-tier.ts';
import type { Reward } from './reward-types.ts';
import { loadRewardUsage } from './reward-usage.ts';

/**
 * The member as the catalogue listing judges it (no lock: redeeming re-checks under one): its
 * status, the points it can spend now (not those past expiry awaiting the sweep), its timezone.
 */
export async function memberForListing(
  db: Queryable,
  programId: string,
  memberId: string,
  now: Date,
): Promise<{ memberKey: MemberKey; status: MemberStatus; availablePoints: number; timezone: string }> {
  const member = await getMember(db, programId, memberId);
  const availablePoints = await spendablePointsOf(db, programId, memberId, now);
  const { timezone } = await getProgram(db, programId);
  return { memberKey: member.memberKey, status: member.status, availablePoints, timezone };
}

/** Tier and usage of the member for one reward, read under the member's lock. */
export async function redeemerFactsUnderLock(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
  reward: Reward,
  periods: Periods,
  now: Date,
): Promise<{ tierCode: string | null; usedByPeriod: ReadonlyMap<string, number> }> {
  const tierCode = reward.eligibleTiers.length > 0 ? await tierInForce(tx, programId, memberKey, now) : null;
  const usage = await loadRewardUsage(tx, programId, memberKey, periods, [reward.id]);
  return { tierCode, usedByPeriod: usage.get(reward.id) ?? new Map() };
}
