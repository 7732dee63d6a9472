/**
 * The condition language the API accepts for segments (and earning rules): all / any / not over
 * comparisons of a field with a value. The builder makes these; it never shows them as JSON.
 */
export const OPERATORS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'between',
  'exists',
  'not_exists',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number | boolean;

export interface Comparison {
  field: string;
  op: Operator;
  value?: Scalar | Scalar[];
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | Comparison;

/** A field a condition may read, as the API lists it (GET /v1/segments/fields). */
export interface FieldSpec {
  field: string;
  type: 'number' | 'string' | 'list' | 'date';
  /** Written with a window suffix: `activity.orders.30d`, `activity.orders.all`. */
  windowed: boolean;
  description: { 'zh-CN': string; en: string };
}

/** The operators that make sense for a field of each type, in the order the picker offers them. */
export const OPERATORS_BY_TYPE: Record<FieldSpec['type'], readonly Operator[]> = {
  number: ['gte', 'gt', 'lte', 'lt', 'eq', 'ne', 'between', 'in', 'not_in', 'exists', 'not_exists'],
  string: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'exists', 'not_exists'],
  list: ['contains', 'in', 'not_in', 'exists', 'not_exists'],
  date: ['eq', 'ne', 'gte', 'gt', 'lte', 'lt', 'between', 'exists', 'not_exists'],
};

/** How many values an operator takes: none, one, two (low and high), or a list. */
export function valueShape(op: Operator): 'none' | 'one' | 'range' | 'list' {
  if (op === 'exists' || op === 'not_exists') return 'none';
  if (op === 'between') return 'range';
  if (op === 'in' || op === 'not_in') return 'list';
  return 'one';
}

/** Money fields hold minor units (fen); people read and type yuan. */
export function isMoneyField(field: string): boolean {
  return field.split('.').some((part) => part.endsWith('Minor'));
}
