import type { Reason } from '../ledger/ledger-types.ts';
import { DAY_MS } from '../shared/time-units.ts';
import { itemAmountMinor, type LineItem, type RuleFacts } from './rule-facts.ts';
import type { Comparison, Condition, Operator } from './rule-types.ts';

/**
 * Turns a condition (JSON the console builds) into a plain function, once per rule version. No
 * text is ever evaluated as code: fields are looked up by name and operators are a fixed table.
 * A failing condition says why, in both languages, for previews ("why did this rule not fire?").
 *
 * A comparison on an absent field is false, whatever the operator, except `not_exists`: a rule
 * about `event.channel` never fires for an event that does not say its channel. Ordering
 * operators compare numbers with numbers and strings with strings (e.g. YYYY-MM-DD dates), never
 * one with the other.
 */

export interface Verdict {
  ok: boolean;
  /** When not ok: what failed, for operators. */
  why?: Reason;
}

export type CompiledCondition = (facts: RuleFacts, item?: LineItem) => Verdict;

/** A mistake in a rule, named by its place in the request body. */
export interface RuleProblem {
  field: string;
  message: string;
}

const PASS: Verdict = { ok: true };

const MEMBER_FIELDS = new Set(['status', 'tags', 'tier', 'segments', 'joinedDays', 'birthday']);
const TIME_FIELDS = new Set(['date', 'month', 'monthDay', 'weekday', 'hour', 'minute']);
const ITEM_FIELDS = new Set(['sku', 'category', 'quantity', 'unitPriceMinor', 'amountMinor']);

const OP_TEXT: Record<Operator, Reason> = {
  eq: { zh: '等于', en: 'equal to' },
  ne: { zh: '不等于', en: 'not equal to' },
  gt: { zh: '大于', en: 'greater than' },
  gte: { zh: '大于等于', en: 'at least' },
  lt: { zh: '小于', en: 'less than' },
  lte: { zh: '小于等于', en: 'at most' },
  in: { zh: '属于', en: 'one of' },
  not_in: { zh: '不属于', en: 'none of' },
  contains: { zh: '包含', en: 'containing' },
  starts_with: { zh: '开头为', en: 'starting with' },
  between: { zh: '介于', en: 'between' },
  exists: { zh: '存在', en: 'present' },
  not_exists: { zh: '不存在', en: 'absent' },
};

export function compileCondition(
  condition: Condition,
  at: string,
  problems: RuleProblem[],
  inItems = false,
): CompiledCondition {
  type Leaf = Extract<Condition, { items: unknown }> | Comparison;
  return compileLogic<RuleFacts, LineItem | undefined, Leaf>(condition, at, problems, (leaf, leafAt) =>
    'items' in leaf
      ? compileItemsCondition(leaf.items, `${leafAt}/items`, problems)
      : compileComparison(
          leaf,
          leafAt,
          problems,
          compileField(leaf.field, `${leafAt}/field`, problems, inItems),
        ),
  );
}

/** A condition's all / any / not, over whatever facts its leaves read: rules' and segments' alike. */
export type LogicCondition<Leaf> =
  | { all: LogicCondition<Leaf>[] }
  | { any: LogicCondition<Leaf>[] }
  | { not: LogicCondition<Leaf> }
  | Leaf;

export type Judge<F, X = undefined> = (facts: F, extra: X) => Verdict;

/**
 * Compiles the logic of a condition (all / any / not) and its leaves with `leaf`: the one place
 * that says how conditions combine and why one failed.
 */
export function compileLogic<F, X, Leaf extends object = object>(
  condition: LogicCondition<Leaf>,
  at: string,
  problems: RuleProblem[],
  leaf: (leaf: Leaf, at: string) => Judge<F, X>,
): Judge<F, X> {
  if ('all' in condition) {
    const parts = condition.all.map((part, index) =>
      compileLogic(part, `${at}/all/${index}`, problems, leaf),
    );
    return (facts, extra) => {
      for (const part of parts) {
        const verdict = part(facts, extra);
        if (!verdict.ok) return verdict;
      }
      return PASS;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((part, index) =>
      compileLogic(part, `${at}/any/${index}`, problems, leaf),
    );
    return (facts, extra) => {
      const failures: Verdict[] = [];
      for (const part of parts) {
        const verdict = part(facts, extra);
        if (verdict.ok) return PASS;
        failures.push(verdict);
      }
      return {
        ok: false,
        why: {
          zh: failures.map((failure) => failure.why?.zh).join(';且'),
          en: failures.map((failure) => failure.why?.en).join('; and '),
        },
      };
    };
  }
  if ('not' in condition) {
    const inner = compileLogic(condition.not as LogicCondition<Leaf>, `${at}/not`, problems, leaf);
    return (facts, extra) =>
      inner(facts, extra).ok
        ? { ok: false, why: { zh: '排除条件成立', en: 'an excluding condition holds' } }
        : PASS;
  }
  return leaf(condition as Leaf, at);
}

/** Line items that match `where` (all of them without it). */
export function compileItemFilter(
  where: Condition | undefined,
  at: string,
  problems: RuleProblem[],
): (facts: RuleFacts) => LineItem[] {
  if (!where) return (facts) => [...facts.items];
  const matches = compileCondition(where, at, problems, true);
  return (facts) => facts.items.filter((item) => matches(facts, item).ok);
}

function compileItemsCondition(
  spec: Extract<Condition, { items: unknown }>['items'],
  at: string,
  problems: RuleProblem[],
): CompiledCondition {
  const select = compileItemFilter(spec.where, `${at}/where`, problems);
  const { count = 1, quantity, amountMinor } = spec.atLeast ?? {};
  return (facts) => {
    const items = select(facts);
    const totalQuantity = items.reduce((sum, item) => sum + item.quantity, 0);
    const totalAmount = items.reduce((sum, item) => sum + itemAmountMinor(item), 0);
    if (items.length < count) {
      return fail(
        `匹配的商品行为 ${items.length} 行,少于 ${count} 行`,
        `${items.length} matching line items, fewer than ${count}`,
      );
    }
    if (quantity !== undefined && totalQuantity < quantity) {
      return fail(
        `匹配商品共 ${totalQuantity} 件,少于 ${quantity} 件`,
        `${totalQuantity} matching units, fewer than ${quantity}`,
      );
    }
    if (amountMinor !== undefined && totalAmount < amountMinor) {
      return fail(
        `匹配商品金额 ${totalAmount},少于 ${amountMinor}`,
        `matching items amount to ${totalAmount}, less than ${amountMinor}`,
      );
    }
    return PASS;
  };
}

/** One comparison of a field `read` from the facts with the condition's value, saying why it failed. */
export function compileComparison<F, X>(
  comparison: { field: string; op: Operator; value?: unknown },
  at: string,
  problems: RuleProblem[],
  read: (facts: F, extra: X) => unknown,
): Judge<F, X> {
  const { field, op, value } = comparison;
  checkValue(op, value, `${at}/value`, problems);
  const test = OPERATIONS[op];
  return (facts, extra) => {
    const actual = read(facts, extra);
    if (test(actual, value)) return PASS;
    const shown = actual === undefined ? '(none)' : JSON.stringify(actual);
    const expected = value === undefined ? '' : ` ${JSON.stringify(value)}`;
    return fail(
      `${field} 为 ${shown},不${OP_TEXT[op].zh}${expected}`,
      `${field} is ${shown}, not ${OP_TEXT[op].en}${expected}`,
    );
  };
}

/** Whether `actual` satisfies `op` with `value` (the comparison's test alone). */
export function satisfies(op: Operator, actual: unknown, value: unknown): boolean {
  return OPERATIONS[op](actual, value);
}

function fail(zh: string, en: string): Verdict {
  return { ok: false, why: { zh: zh, en } };
}

type Reader = (facts: RuleFacts, item?: LineItem) => unknown;

function compileField(path: string, at: string, problems: RuleProblem[], inItems: boolean): Reader {
  const [scope, name, ...rest] = path.split('.') as [string, string, ...string[]];
  switch (scope) {
    case 'event':
      if (name === 'type' && rest.length === 0) return (facts) => facts.event.type;
      return (facts) => dig(facts.event.attributes, [name, ...rest]);
    case 'member':
      if (name === 'attributes' && rest.length > 0) return (facts) => dig(facts.member.attributes, rest);
      if (!MEMBER_FIELDS.has(name) || rest.length > 0) {
        problems.push({
          field: at,
          message: `unknown member field "${path}"; use ${[...MEMBER_FIELDS, 'attributes.<key>'].map((f) => `member.${f}`).join(', ')}`,
        });
        return () => undefined;
      }
      return memberReader(name);
    case 'time':
      if (!TIME_FIELDS.has(name) || rest.length > 0) {
        problems.push({
          field: at,
          message: `unknown time field "${path}"; use ${[...TIME_FIELDS].map((f) => `time.${f}`).join(', ')}`,
        });
        return () => undefined;
      }
      return (facts) => facts.time[name as keyof RuleFacts['time']];
    default:
      if (!inItems) {
        problems.push({ field: at, message: `"${path}" reads a line item: use it inside items.where` });
        return () => undefined;
      }
      if (!ITEM_FIELDS.has(name) || rest.length > 0) {
        problems.push({
          field: at,
          message: `unknown item field "${path}"; use ${[...ITEM_FIELDS].map((f) => `item.${f}`).join(', ')}`,
        });
        return () => undefined;
      }
      return (_facts, item) =>
        item === undefined
          ? undefined
          : name === 'amountMinor'
            ? itemAmountMinor(item)
            : item[name as keyof LineItem];
  }
}

function memberReader(name: string): Reader {
  if (name === 'joinedDays') {
    return (facts) =>
      Math.floor((facts.event.occurredAt.getTime() - facts.member.joinedAt.getTime()) / DAY_MS);
  }
  if (name === 'birthday') return (facts) => facts.member.birthday?.slice(-5) ?? undefined;
  return (facts) => facts.member[name as 'status' | 'tags' | 'tier' | 'segments'] ?? undefined;
}

/** The value at `path` inside `value` (own keys only), or undefined. */
export function dig(value: unknown, path: readonly string[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function checkValue(op: Operator, value: unknown, at: string, problems: RuleProblem[]): void {
  const problem = valueProblem(op, value);
  if (problem) problems.push({ field: at, message: `operator "${op}" ${problem}` });
}

/** What is wrong with an operator's value, or null. */
function valueProblem(op: Operator, value: unknown): string | null {
  switch (op) {
    case 'exists':
    case 'not_exists':
      return value === undefined ? null : 'takes no value';
    case 'in':
    case 'not_in':
      return Array.isArray(value) && value.length > 0 ? null : 'needs a non-empty list';
    case 'between':
      return Array.isArray(value) &&
        value.length === 2 &&
        sameKind(value[0], value[1]) &&
        typeof value[0] !== 'boolean'
        ? null
        : 'needs a list of two numbers or two strings: [low, high]';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof value === 'number' || typeof value === 'string' ? null : 'needs a number or a string';
    case 'starts_with':
      return typeof value === 'string' ? null : 'needs a string';
    default:
      return value !== undefined && !Array.isArray(value) ? null : 'needs one value';
  }
}

function sameKind(a: unknown, b: unknown): boolean {
  return typeof a === typeof b;
}

function ordered(actual: unknown, expected: unknown): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'string' && typeof expected === 'string')
    return actual < expected ? -1 : actual > expected ? 1 : 0;
  return undefined;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

const OPERATIONS: Record<Operator, (actual: unknown, expected: unknown) => boolean> = {
  eq: (actual, expected) => actual === expected,
  ne: (actual, expected) => isPresent(actual) && actual !== expected,
  gt: (actual, expected) => (ordered(actual, expected) ?? 0) > 0,
  gte: (actual, expected) => (ordered(actual, expected) ?? -1) >= 0,
  lt: (actual, expected) => (ordered(actual, expected) ?? 0) < 0,
  lte: (actual, expected) => (ordered(actual, expected) ?? 1) <= 0,
  in: (actual, expected) =>
    Array.isArray(actual)
      ? actual.some((one) => (expected as unknown[]).includes(one))
      : (expected as unknown[]).includes(actual),
  not_in: (actual, expected) =>
    Array.isArray(actual)
      ? !actual.some((one) => (expected as unknown[]).includes(one))
      : isPresent(actual) && !(expected as unknown[]).includes(actual),
  contains: (actual, expected) =>
    Array.isArray(actual)
      ? actual.includes(expected)
      : typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected),
  starts_with: (actual, expected) =>
    typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected),
  between: (actual, expected) => {
    const [low, high] = expected as [unknown, unknown];
    return (ordered(actual, low) ?? -1) >= 0 && (ordered(actual, high) ?? 1) <= 0;
  },
  exists: (actual) => isPresent(actual),
  not_exists: (actual) => !isPresent(actual),
};
