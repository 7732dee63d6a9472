import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';

/** A program's rules for paying with points at checkout (积分抵现). */
export interface CheckoutSettings {
  /** Off until the merchant turns it on. */
  enabled: boolean;
  /** At most this share (0..1, at most 4 decimal places) of the deductible items may be paid in points. */
  maxShareOfOrder: number;
  /** Fewer points than this cannot be used at all. */
  minPoints: number;
  /** Points are used in multiples of this. */
  stepPoints: number;
}

export const DEFAULT_CHECKOUT_SETTINGS: CheckoutSettings = {
  enabled: false,
  maxShareOfOrder: 0.5,
  minPoints: 0,
  stepPoints: 1,
};

const SHARE_SCALE = 10_000;

/** The share as an exact number of ten-thousandths; floats never reach the arithmetic. */
export function shareInTenThousandths(share: number): bigint {
  return BigInt(Math.round(share * SHARE_SCALE));
}

export const SHARE_DENOMINATOR = BigInt(SHARE_SCALE);

function assertValid(settings: CheckoutSettings): void {
  const scaled = settings.maxShareOfOrder * SHARE_SCALE;
  if (Math.abs(scaled - Math.round(scaled)) > 1e-6) {
    const message = 'must have at most 4 decimal places';
    throw new JifenError('validation_failed', {
      detail: `body/maxShareOfOrder ${message}`,
      extensions: { errors: [{ field: 'body/maxShareOfOrder', message }] },
    });
  }
}

export async function getCheckoutSettings(db: Queryable, programId: string): Promise<CheckoutSettings> {
  const [row] = await db.query<{ settings: Partial<CheckoutSettings> }>(
    'select settings from checkout_settings where program_id = $1',
    [programId],
  );
  return { ...DEFAULT_CHECKOUT_SETTINGS, ...(row?.settings ?? {}) };
}

/** Replaces the settings; fields left out take their defaults. */
export async function putCheckoutSettings(
  db: Queryable,
  programId: string,
  input: Partial<CheckoutSettings>,
  now: Date,
): Promise<CheckoutSettings> {
  const settings = { ...DEFAULT_CHECKOUT_SETTINGS, ...input };
  assertValid(settings);
  await db.query(
    `insert into checkout_settings (program_id, settings, updated_at) values ($1, $2::jsonb, $3)
     on conflict (program_id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
    [programId, JSON.stringify(settings), now.toISOString()],
  );
  return settings;
}
