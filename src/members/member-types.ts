import type { MemberStatus } from '../ledger/ledger-types.ts';

/** What a merchant tells Jifen about a member; every field optional on update. */
export interface MemberProfileInput {
  status?: MemberStatus;
  /** The member's name (for staff); sealed at rest. */
  name?: string | null;
  /** What leaderboards and the member page show; sealed at rest. */
  nickname?: string | null;
  birthday?: string | null;
  joinedAt?: string;
  channel?: string | null;
  store?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
}

/** What rules may look at about a member (`loadMemberFacts`): plain data. */
export interface MemberFacts {
  status: 'active' | 'frozen' | 'blocked';
  tags: readonly string[];
  /** The tier in force (set by those who judge by tiers; see `loadMemberFacts`). */
  tier: string | null;
  /** The segments the member is in, lifecycle stage included (`stage_active`), as last computed. */
  segments: readonly string[];
  joinedAt: Date;
  /** YYYY-MM-DD, or MM-DD when the year is unknown. */
  birthday: string | null;
  attributes: Readonly<Record<string, unknown>>;
}
