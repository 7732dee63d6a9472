import {
  type Comparison,
  type Condition,
  type FieldSpec,
  isMoneyField,
  OPERATORS_BY_TYPE,
  type Operator,
  type Scalar,
  valueShape,
} from './condition-types.ts';

/**
 * What the builder edits: a tree of groups and comparisons as a person sees them (a field, its
 * window, an operator, values in yuan), turned into the API's condition only when complete. Pure
 * functions, so the JSON the builder makes is tested without a browser.
 */
export type GroupMode = 'all' | 'any' | 'none' | 'notAll';

export interface GroupDraft {
  kind: 'group';
  key: string;
  /** all: every line holds; any: one does; none: no line holds; notAll: not every line holds. */
  mode: GroupMode;
  children: NodeDraft[];
}

export interface ComparisonDraft {
  kind: 'comparison';
  key: string;
  /** The field as listed (`activity.orders`), without its window or free key. */
  field?: string;
  /** For a windowed field: `30d`, `all`. */
  window: string;
  /** For a field with a free key (`member.attributes.<key>`): the key. */
  freeKey: string;
  op?: Operator;
  /** In the units people use (yuan for money). */
  value?: Scalar;
  range: [Scalar | undefined, Scalar | undefined];
  list: Scalar[];
}

export type NodeDraft = GroupDraft | ComparisonDraft;

export const DEFAULT_WINDOW = '30d';
const WINDOW = /^(?:([1-9]\d{0,3})d|all)$/;
const FREE_KEY = '.<key>';

let counter = 0;
const nextKey = () => `n${++counter}`;

export function emptyComparison(): ComparisonDraft {
  return {
    kind: 'comparison',
    key: nextKey(),
    window: DEFAULT_WINDOW,
    freeKey: '',
    range: [undefined, undefined],
    list: [],
  };
}

export function emptyGroup(mode: GroupMode = 'all'): GroupDraft {
  return { kind: 'group', key: nextKey(), mode, children: [emptyComparison()] };
}

/** A window is `<N>d` with N from 1 to 3650, or `all`. */
export function isWindow(window: string): boolean {
  const match = WINDOW.exec(window);
  return match !== null && (match[1] === undefined || Number(match[1]) <= 3650);
}

/** A listed field whose last part is a free key (`member.attributes.<key>`): what comes before it. */
export function freeKeyPrefix(spec: FieldSpec): string | null {
  return spec.field.endsWith(FREE_KEY) ? spec.field.slice(0, -FREE_KEY.length) : null;
}

/** The path a comparison reads: the field, with its window or free key. */
export function fieldPath(draft: ComparisonDraft, spec: FieldSpec | undefined): string | null {
  if (!draft.field) return null;
  if (!spec) return draft.field;
  const prefix = freeKeyPrefix(spec);
  if (prefix !== null) return /^[A-Za-z0-9_-]+$/.test(draft.freeKey) ? `${prefix}.${draft.freeKey}` : null;
  if (spec.windowed) return isWindow(draft.window) ? `${spec.field}.${draft.window}` : null;
  return spec.field;
}

/** Which listed field a path reads, and its window or free key. */
export function parseFieldPath(
  path: string,
  specs: readonly FieldSpec[],
): { spec?: FieldSpec; field: string; window: string; freeKey: string } {
  for (const spec of specs) {
    if (path === spec.field) return { spec, field: spec.field, window: DEFAULT_WINDOW, freeKey: '' };
    const prefix = freeKeyPrefix(spec);
    if (prefix !== null && path.startsWith(`${prefix}.`))
      return { spec, field: spec.field, window: DEFAULT_WINDOW, freeKey: path.slice(prefix.length + 1) };
    if (spec.windowed && path.startsWith(`${spec.field}.`) && isWindow(path.slice(spec.field.length + 1)))
      return { spec, field: spec.field, window: path.slice(spec.field.length + 1), freeKey: '' };
  }
  return { field: path, window: DEFAULT_WINDOW, freeKey: '' };
}

export function specOf(specs: readonly FieldSpec[], field: string | undefined): FieldSpec | undefined {
  return field === undefined ? undefined : specs.find((spec) => spec.field === field);
}

/** The operators a comparison may use: those of its field's type (all of them for an unlisted field). */
export function operatorsFor(spec: FieldSpec | undefined): readonly Operator[] {
  return spec ? OPERATORS_BY_TYPE[spec.type] : OPERATORS_BY_TYPE.string;
}

const toMinor = (yuan: number) => Math.round(yuan * 100);
const toYuan = (minor: number) => minor / 100;

/** A value as the API wants it: numbers for number fields (minor units for money), text otherwise. */
function apiScalar(value: Scalar | undefined, spec: FieldSpec | undefined, path: string): Scalar | null {
  if (value === undefined || value === '') return null;
  if (spec?.type !== 'number') return typeof value === 'string' ? value.trim() || null : value;
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(number)) return null;
  return isMoneyField(path) ? toMinor(number) : number;
}

function shownScalar(value: Scalar, spec: FieldSpec | undefined, path: string): Scalar {
  return spec?.type === 'number' && typeof value === 'number' && isMoneyField(path) ? toYuan(value) : value;
}

/** A comparison as the API wants it, or null while something is missing. */
export function comparisonOf(draft: ComparisonDraft, specs: readonly FieldSpec[]): Comparison | null {
  const spec = specOf(specs, draft.field);
  const path = fieldPath(draft, spec);
  if (path === null || draft.op === undefined) return null;
  const op = draft.op;
  switch (valueShape(op)) {
    case 'none':
      return { field: path, op };
    case 'one': {
      const value = apiScalar(draft.value, spec, path);
      return value === null ? null : { field: path, op, value };
    }
    case 'range': {
      const low = apiScalar(draft.range[0], spec, path);
      const high = apiScalar(draft.range[1], spec, path);
      return low === null || high === null ? null : { field: path, op, value: [low, high] };
    }
    case 'list': {
      const values = draft.list.map((value) => apiScalar(value, spec, path));
      if (values.length === 0 || values.some((value) => value === null)) return null;
      return { field: path, op, value: values as Scalar[] };
    }
  }
}

/** The condition a draft makes, or null while a line is incomplete or a group is empty. */
export function conditionOf(draft: NodeDraft, specs: readonly FieldSpec[]): Condition | null {
  if (draft.kind === 'comparison') return comparisonOf(draft, specs);
  if (draft.children.length === 0) return null;
  const children: Condition[] = [];
  for (const child of draft.children) {
    const condition = conditionOf(child, specs);
    if (condition === null) return null;
    children.push(condition);
  }
  switch (draft.mode) {
    case 'all':
      return { all: children };
    case 'any':
      return { any: children };
    case 'none':
      return { not: children.length === 1 ? (children[0] as Condition) : { any: children } };
    case 'notAll':
      return { not: children.length === 1 ? (children[0] as Condition) : { all: children } };
  }
}

/** A condition as the builder shows it (the root is always a group). */
export function draftOf(condition: Condition, specs: readonly FieldSpec[]): GroupDraft {
  const node = nodeOf(condition, specs);
  return node.kind === 'group' ? node : { kind: 'group', key: nextKey(), mode: 'all', children: [node] };
}

function nodeOf(condition: Condition, specs: readonly FieldSpec[]): NodeDraft {
  if ('all' in condition) return group('all', condition.all, specs);
  if ('any' in condition) return group('any', condition.any, specs);
  if ('not' in condition) {
    const inner = condition.not;
    if ('all' in inner) return group('notAll', inner.all, specs);
    if ('any' in inner) return group('none', inner.any, specs);
    return group('none', [inner], specs);
  }
  return comparisonDraftOf(condition, specs);
}

function group(mode: GroupMode, children: Condition[], specs: readonly FieldSpec[]): GroupDraft {
  return { kind: 'group', key: nextKey(), mode, children: children.map((child) => nodeOf(child, specs)) };
}

function comparisonDraftOf(comparison: Comparison, specs: readonly FieldSpec[]): ComparisonDraft {
  const { spec, field, window, freeKey } = parseFieldPath(comparison.field, specs);
  const draft: ComparisonDraft = { ...emptyComparison(), field, window, freeKey, op: comparison.op };
  const shown = (value: Scalar) => shownScalar(value, spec, comparison.field);
  const { value } = comparison;
  if (Array.isArray(value)) {
    if (comparison.op === 'between')
      draft.range = [value[0], value[1]].map((v) =>
        v === undefined ? v : shown(v),
      ) as ComparisonDraft['range'];
    else draft.list = value.map(shown);
  } else if (value !== undefined) draft.value = shown(value);
  return draft;
}

/** The draft with one node replaced (found by key), for immutable updates from the builder's lines. */
export function replaceNode(root: GroupDraft, key: string, next: NodeDraft | null): GroupDraft {
  const children: NodeDraft[] = [];
  for (const child of root.children) {
    if (child.key === key) {
      if (next) children.push(next);
    } else children.push(child.kind === 'group' ? replaceNode(child, key, next) : child);
  }
  return { ...root, children };
}

/** A comparison after its field changed: its window kept, the operator the field's first, no values. */
export function withField(
  draft: ComparisonDraft,
  spec: FieldSpec | undefined,
  field: string,
): ComparisonDraft {
  return {
    ...draft,
    field,
    freeKey: '',
    op: operatorsFor(spec)[0],
    value: undefined,
    range: [undefined, undefined],
    list: [],
  };
}
