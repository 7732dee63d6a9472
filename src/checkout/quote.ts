import type { Program } from '../programs/program-types.ts';
import { JifenError } from '../shared/errors.ts';
import { type Cart, deductibleMinorOf } from './cart.ts';
import { type CheckoutSettings, SHARE_DENOMINATOR, shareInTenThousandths } from './checkout-settings.ts';

export type QuoteReasonCode =
  | 'disabled'
  | 'no_point_value'
  | 'no_deductible_amount'
  | 'non_deductible_items'
  | 'shipping_excluded'
  | 'share_of_order'
  | 'available_points'
  | 'step'
  | 'minimum';

export interface QuoteReason {
  code: QuoteReasonCode;
  zh: string;
  en: string;
}

export interface Quote {
  maxPoints: number;
  maxValueMinor: number;
  currency: string;
  pointValue: { points: number; amountMinor: number };
  availablePoints: number;
  deductibleMinor: number;
  minPoints: number;
  stepPoints: number;
  reasons: QuoteReason[];
}

/** The quote as the API shows it: each reason's text as `{ "zh-CN", "en" }`, like every text. */
export function quoteView(quote: Quote) {
  return {
    ...quote,
    reasons: quote.reasons.map(({ code, zh, en }) => ({ code, message: { 'zh-CN': zh, en } })),
  };
}

/** The money value of `points`, rounded down to a whole minor unit. */
export function valueOfPoints(points: number, pointValue: Program['pointValue']): number {
  return Number((BigInt(points) * BigInt(pointValue.amountMinor)) / BigInt(pointValue.points));
}

/**
 * How many points may pay for a cart: the deductible items (never shipping) × the maximum share,
 * converted at the program's point value and rounded down (all in integers), at most what the
 * member has, rounded down to the step, and none at all below the minimum.
 */
export function computeQuote(
  cart: Cart,
  settings: CheckoutSettings,
  program: Pick<Program, 'pointValue' | 'currency'>,
  availablePoints: number,
): Quote {
  const { pointValue } = program;
  const deductibleMinor = deductibleMinorOf(cart.items);
  const reasons: QuoteReason[] = [];
  const quote = (maxPoints: number): Quote => ({
    maxPoints,
    maxValueMinor: valueOfPoints(maxPoints, pointValue),
    currency: program.currency,
    pointValue: { ...pointValue },
    availablePoints,
    deductibleMinor,
    minPoints: settings.minPoints,
    stepPoints: settings.stepPoints,
    reasons,
  });
  if (cart.items.some((item) => item.deductible === false)) {
    reasons.push({
      code: 'non_deductible_items',
      zh: '部分商品不支持积分抵现',
      en: 'Some products cannot be paid for with points',
    });
  }
  if ((cart.shippingMinor ?? 0) > 0) {
    reasons.push({
      code: 'shipping_excluded',
      zh: '运费不可用积分抵扣',
      en: 'Shipping cannot be paid with points',
    });
  }
  if (!settings.enabled) {
    reasons.push({ code: 'disabled', zh: '本计划未开启积分抵现', en: 'Points as cash is turned off' });
    return quote(0);
  }
  if (pointValue.amountMinor === 0) {
    // The program values points at nothing: they cannot pay for anything (and nothing divides by 0).
    reasons.push({
      code: 'no_point_value',
      zh: '本计划的积分不具货币价值,不能抵现',
      en: 'Points have no money value in this program (pointValue.amountMinor is 0), so they cannot pay',
    });
    return quote(0);
  }
  if (deductibleMinor === 0) {
    reasons.push({
      code: 'no_deductible_amount',
      zh: '没有可用积分抵扣的金额',
      en: 'Nothing in the cart can be paid with points',
    });
    return quote(0);
  }
  const share = shareInTenThousandths(settings.maxShareOfOrder);
  const byShare = Number(
    (BigInt(deductibleMinor) * share * BigInt(pointValue.points)) /
      (SHARE_DENOMINATOR * BigInt(pointValue.amountMinor)),
  );
  const percent = Number(share) / 100;
  let points = byShare;
  const available = Math.max(availablePoints, 0);
  if (available < byShare) {
    points = available;
    reasons.push({
      code: 'available_points',
      zh: `会员可用积分仅 ${available}`,
      en: `The member has only ${available} points available`,
    });
  } else if (share < SHARE_DENOMINATOR) {
    reasons.push({
      code: 'share_of_order',
      zh: `积分最多抵扣可抵商品金额的 ${percent}%`,
      en: `Points may pay at most ${percent}% of the deductible items`,
    });
  }
  const stepped = points - (points % settings.stepPoints);
  if (stepped < points) {
    reasons.push({
      code: 'step',
      zh: `积分须按 ${settings.stepPoints} 的整数倍使用`,
      en: `Points are used in multiples of ${settings.stepPoints}`,
    });
  }
  if (stepped < settings.minPoints || stepped === 0) {
    if (settings.minPoints > 0 && stepped < settings.minPoints) {
      reasons.push({
        code: 'minimum',
        zh: `至少使用 ${settings.minPoints} 积分才能抵现`,
        en: `At least ${settings.minPoints} points must be used`,
      });
    }
    return quote(0);
  }
  return quote(stepped);
}

/** Reasons that leave a quote at zero on their own. */
const STOPPERS: ReadonlySet<QuoteReasonCode> = new Set([
  'disabled',
  'no_point_value',
  'no_deductible_amount',
  'available_points',
  'minimum',
]);

/** Refuses an amount the quote does not allow. */
export function assertPointsAllowed(quote: Quote, points: number): void {
  if (points > quote.maxPoints) {
    // With no points allowed at all, the first reason that stopped them says why.
    const why = quote.maxPoints === 0 ? quote.reasons.find((reason) => STOPPERS.has(reason.code)) : undefined;
    throw new JifenError('checkout_points_exceed_quote', {
      detail: `At most ${quote.maxPoints} points may pay for this cart${why ? ` (${why.en})` : ''}; ${points} were asked for.`,
      extensions: { maxPoints: quote.maxPoints, requestedPoints: points, reasons: quote.reasons },
    });
  }
  if (points < quote.minPoints || points % quote.stepPoints !== 0) {
    throw new JifenError('checkout_points_invalid', {
      detail: `Points are used from ${quote.minPoints} in multiples of ${quote.stepPoints}; ${points} is not allowed.`,
      extensions: { minPoints: quote.minPoints, stepPoints: quote.stepPoints, requestedPoints: points },
    });
  }
}
