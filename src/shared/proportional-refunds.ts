/**
 * What refunds of orders (events) and of checkout payments share: exact proportional shares, and
 * returned units spread over the lines of a SKU.
 */

/** round(total × part / whole), half up, exact for any amounts (products pass 2^53). */
export function shareOf(total: number, part: number, whole: number): number {
  const [t, p, w] = [BigInt(total), BigInt(part), BigInt(whole)];
  return Number((2n * t * p + w) / (2n * w));
}

export interface RefundableLine {
  sku: string;
  quantity: number;
  refundedQuantity: number;
}

/**
 * Marks the requested units of each SKU refunded on its lines, in order (a SKU may be on several
 * lines), and returns how many units each touched line gave. `refuse` makes the error for a SKU the
 * lines do not have, or have fewer units of than asked.
 */
export function spreadRefundedUnits<T extends RefundableLine>(
  lines: T[],
  requested: readonly { sku: string; quantity: number }[],
  refuse: (why: string) => Error,
): { line: T; units: number }[] {
  const touched: { line: T; units: number }[] = [];
  for (const { sku, quantity } of requested) {
    const matching = lines.filter((line) => line.sku === sku);
    const refundable = matching.reduce((sum, line) => sum + line.quantity - line.refundedQuantity, 0);
    if (refundable < quantity) {
      throw refuse(
        matching.length > 0
          ? `${quantity} of ${sku} is more than the ${refundable} left to refund`
          : `the order has no item ${sku}`,
      );
    }
    let remaining = quantity;
    for (const line of matching) {
      const units = Math.min(remaining, line.quantity - line.refundedQuantity);
      if (units === 0) continue;
      line.refundedQuantity += units;
      remaining -= units;
      touched.push({ line, units });
    }
  }
  return touched;
}
