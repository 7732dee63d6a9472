import { JifenError } from '../shared/errors.ts';
import type { MemberAccount } from './ledger-types.ts';

/** Frozen members cannot spend or transfer; blocked members can neither earn nor spend. */
export function assertCanEarn(account: MemberAccount): void {
  if (account.status === 'blocked') {
    throw new JifenError('member_blocked', {
      detail: `Member "${account.memberId}" is blocked and cannot earn points.`,
      extensions: { memberId: account.memberId },
    });
  }
}

export function assertCanSpend(account: MemberAccount): void {
  if (account.status === 'blocked') {
    throw new JifenError('member_blocked', {
      detail: `Member "${account.memberId}" is blocked and cannot spend points.`,
      extensions: { memberId: account.memberId },
    });
  }
  if (account.status === 'frozen') {
    throw new JifenError('member_frozen', {
      detail: `Member "${account.memberId}" is frozen and cannot spend or transfer points.`,
      extensions: { memberId: account.memberId },
    });
  }
}
