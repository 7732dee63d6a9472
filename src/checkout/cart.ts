import { JifenError } from '../shared/errors.ts';

export interface CartItem {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  /** Whether points may pay for this product (default true). */
  deductible?: boolean;
}

export interface Cart {
  currency: string;
  items: CartItem[];
  /** Shipping is never paid with points. */
  shippingMinor?: number;
}

/** The value of the items points may pay for, in minor units; shipping is never part of it. */
export function deductibleMinorOf(items: readonly CartItem[]): number {
  const total = items.reduce(
    (sum, item) =>
      item.deductible === false ? sum : sum + BigInt(item.unitPriceMinor) * BigInt(item.quantity),
    0n,
  );
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    const message = 'the deductible items add up to more than Jifen keeps exactly';
    throw new JifenError('validation_failed', {
      detail: `body/items ${message}`,
      extensions: { errors: [{ field: 'body/items', message }] },
    });
  }
  return Number(total);
}

export function itemValueMinor(item: CartItem, quantity: number): number {
  return Number(BigInt(item.unitPriceMinor) * BigInt(quantity));
}

export function assertCurrency(cart: Cart, programCurrency: string): void {
  if (cart.currency !== programCurrency) {
    throw new JifenError('checkout_currency_mismatch', {
      detail: `The cart is in ${cart.currency}; the program's points are valued in ${programCurrency}.`,
      extensions: { currency: cart.currency, programCurrency },
    });
  }
}
