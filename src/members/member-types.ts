import type { MemberStatus } from '../ledger/ledger-types.ts';

/** What a merchant tells Jifen about a member; every field optional on update. */
export interface MemberProfileInput {
  status?: MemberStatus;
  birthday?: string | null;
  joinedAt?: string;
  channel?: string | null;
  store?: string | null;
  tags?: string[];
  attributes?: Record<string, unknown>;
}
