import { JifenError } from '../shared/errors.ts';
import { isStorableDate, NOT_STORABLE_DATE } from '../shared/storable-dates.ts';

/** Field errors the schema cannot find, shared by the catalogue of rewards and of draws. */

export interface FieldError {
  field: string;
  message: string;
}

export interface WindowInput {
  availableFrom?: string | null | undefined;
  availableUntil?: string | null | undefined;
}

/** Dates the schema lets through but no database stores (leap seconds, year 0, year 10000). */
export function storableDateErrors(
  part: 'body' | 'querystring',
  fields: Record<string, string | null | undefined>,
): FieldError[] {
  return Object.entries(fields)
    .filter(([, value]) => typeof value === 'string' && !isStorableDate(value))
    .map(([name]) => ({ field: `${part}/${name}`, message: NOT_STORABLE_DATE }));
}

/** A catalogue entry's window dates, as the body gives them. */
export function windowDateErrors(input: WindowInput): FieldError[] {
  return storableDateErrors('body', {
    availableFrom: input.availableFrom,
    availableUntil: input.availableUntil,
  });
}

/** A window that ends before it starts, judged only when both dates are valid. */
export function windowOrderErrors(
  window: { availableFrom: Date | null; availableUntil: Date | null },
  errors: readonly FieldError[],
): FieldError[] {
  const { availableFrom, availableUntil } = window;
  if (errors.some((error) => error.field.startsWith('body/available'))) return [];
  if (availableFrom && availableUntil && availableFrom >= availableUntil)
    return [{ field: 'body/availableUntil', message: 'must be later than availableFrom' }];
  return [];
}

export function throwFieldErrors(errors: readonly FieldError[]): void {
  if (errors.length === 0) return;
  throw new JifenError('validation_failed', {
    detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
    extensions: { errors },
  });
}
