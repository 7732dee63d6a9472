import type { Reason } from '../ledger/ledger-types.ts';

/** The reasons entries of redemptions carry, shown to the member in both languages. */
export const redemptionReasons = {
  redeemed: (name: Reason, quantity: number): Reason => ({
    zh: `兑换 ${name.zh} ×${quantity}`,
    en: `Redeemed ${name.en} ×${quantity}`,
  }),
  cancelled: (name: Reason, quantity: number, why: string | null): Reason => ({
    zh: `取消兑换 ${name.zh} ×${quantity},积分退回${why ? `(${why})` : ''}`,
    en: `Cancelled redemption of ${name.en} ×${quantity}: points returned${why ? ` (${why})` : ''}`,
  }),
};
