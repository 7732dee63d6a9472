import type { Reason } from './ledger-types.ts';

const POINTS = new Intl.NumberFormat('en-US');

function formatPoints(points: number): string {
  return POINTS.format(points);
}

/** Plain-language reasons for the entries Jifen writes on its own. */
export const systemReasons = {
  expired: (points: number): Reason => ({
    zh: `${formatPoints(points)} 积分已过期`,
    en: `${formatPoints(points)} points expired`,
  }),
  pendingReleased: (points: number): Reason => ({
    zh: `${formatPoints(points)} 积分待发放期结束,已到账`,
    en: `${formatPoints(points)} pending points became available`,
  }),
  holdTimedOut: (points: number): Reason => ({
    zh: `冻结超时,${formatPoints(points)} 积分已退回`,
    en: `Hold timed out; ${formatPoints(points)} points returned`,
  }),
  holdVoided: (points: number, reason: Reason): Reason => ({
    zh: `撤销冻结,${formatPoints(points)} 积分已退回(${reason.zh})`,
    en: `Hold voided; ${formatPoints(points)} points returned (${reason.en})`,
  }),
  holdRemainderReleased: (points: number): Reason => ({
    zh: `部分扣除后,剩余 ${formatPoints(points)} 积分已退回`,
    en: `Captured part of the hold; the other ${formatPoints(points)} points returned`,
  }),
  reversal: (original: Reason, why: Reason | null): Reason => ({
    zh: `冲正:${original.zh}${why ? `(${why.zh})` : ''}`,
    en: `Reversal: ${original.en}${why ? ` (${why.en})` : ''}`,
  }),
  transferOut: (toMemberId: string, reason: Reason): Reason => ({
    zh: `转赠给会员 ${toMemberId}:${reason.zh}`,
    en: `Transferred to member ${toMemberId}: ${reason.en}`,
  }),
  transferIn: (fromMemberId: string, reason: Reason): Reason => ({
    zh: `收到会员 ${fromMemberId} 的转赠:${reason.zh}`,
    en: `Received from member ${fromMemberId}: ${reason.en}`,
  }),
};

/** Several reasons as one, each said once, in order: the reason of an entry that sums several. */
export function joinReasons(reasons: readonly Reason[]): Reason {
  if (reasons.length === 1) return reasons[0]!;
  const unique = (texts: string[]) => [...new Set(texts)];
  return {
    zh: unique(reasons.map((reason) => reason.zh)).join(';'),
    en: unique(reasons.map((reason) => reason.en)).join('; '),
  };
}
