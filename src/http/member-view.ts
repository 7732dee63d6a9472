import type { Queryable } from '../db/database.ts';
import { expiredUnsweptPoints, expiredUnsweptPointsOf } from '../ledger/ledger-queries.ts';
import type { MemberRecord } from '../members/member-store.ts';
import { getMember } from '../members/member-store.ts';
import { tierInForce, tiersInForce } from '../tiers/member-tier.ts';

/**
 * A member as the API shows it, composed from the areas that own each part: the profile and stored
 * balances (members), points past their expiry that the sweep has not removed yet (ledger: never
 * spendable, so not `available`), and the tier in force (tiers; null when the program has none).
 * The member's key, which the ledger and the tiers are read by, is never shown.
 */
export async function memberView(db: Queryable, programId: string, memberId: string, now: Date) {
  return viewOf(db, programId, await getMember(db, programId, memberId), now);
}

export async function viewOf(db: Queryable, programId: string, record: MemberRecord, now: Date) {
  const expired = await expiredUnsweptPoints(db, programId, record.memberKey, now);
  const tier = await tierInForce(db, programId, record.memberKey, now);
  const { balances, memberKey: _key, ...profile } = record;
  return { ...profile, tier, balances: { ...balances, available: balances.available - expired } };
}

/** Members of a listing, in its order, as `viewOf` shows each: one read of tiers, one of expired points. */
export async function viewsOf(db: Queryable, programId: string, records: readonly MemberRecord[], now: Date) {
  const memberKeys = records.map((record) => record.memberKey);
  const [tiers, expired] = await Promise.all([
    tiersInForce(db, programId, memberKeys, now),
    expiredUnsweptPointsOf(db, programId, memberKeys, now),
  ]);
  return records.map((record) => {
    const { balances, memberKey, ...profile } = record;
    return {
      ...profile,
      tier: tiers.get(memberKey) ?? null,
      balances: { ...balances, available: balances.available - (expired.get(memberKey) ?? 0) },
    };
  });
}

export type MemberView = Awaited<ReturnType<typeof memberView>>;
