import type { JsonSchema, SchemaResolver } from './openapi-operations.ts';

/**
 * Walking a request schema: a valid example of any part of it, every place a value can go
 * ("sites"), and putting a value at a site of an otherwise valid body.
 */

export type Key = string | number;

export interface Site {
  /** Where the value goes in the body; [] is the body itself. */
  path: Key[];
  /** The concrete (branch-chosen) schema of the container at each step of the path. */
  containers: JsonSchema[];
  /** The schema of the value at the site (may be a union). */
  schema: JsonSchema;
  /** A key the schema does not declare. */
  unknown?: boolean;
}

const MAX_SITE_DEPTH = 7;

export function branchesOf(schema: JsonSchema, resolver: SchemaResolver): JsonSchema[] {
  const resolved = resolver.resolve(schema);
  const union = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined;
  if (!union) return [resolved];
  return union.flatMap((branch) => branchesOf(branch, resolver));
}

/** Every site of a schema: each declared property (at any depth), array items, unknown keys. */
export function sitesOf(schema: JsonSchema, resolver: SchemaResolver): Site[] {
  const sites: Site[] = [];
  const visit = (node: JsonSchema, path: Key[], containers: JsonSchema[], refs: string[]) => {
    sites.push({ path, containers, schema: node });
    if (path.length >= MAX_SITE_DEPTH) return;
    const ref = typeof node.$ref === 'string' ? node.$ref : null;
    // A recursive schema (rule conditions) is walked through twice, not forever.
    if (ref && refs.filter((seen) => seen === ref).length >= 2) return;
    const nextRefs = ref ? [...refs, ref] : refs;
    for (const branch of branchesOf(node, resolver)) {
      if (branch.type === 'object') {
        const properties = (branch.properties ?? {}) as Record<string, JsonSchema>;
        for (const [name, child] of Object.entries(properties)) {
          visit(child, [...path, name], [...containers, branch], nextRefs);
        }
        const extra = branch.additionalProperties;
        const extraSchema = typeof extra === 'object' && extra !== null ? (extra as JsonSchema) : {};
        sites.push({
          path: [...path, extra === false ? 'unknownField' : 'extraField'],
          containers: [...containers, branch],
          schema: extraSchema,
          unknown: extra === false,
        });
      } else if (branch.type === 'array' && branch.items) {
        visit(branch.items as JsonSchema, [...path, 0], [...containers, branch], nextRefs);
      }
    }
  };
  visit(schema, [], [], []);
  return sites;
}

const PATTERN_CANDIDATES = ['a', 'CNY', 'AAA', 'ABCD-1234', 'abcd', 'a.b', '10:00', 'Aa1-'];

function exampleString(schema: JsonSchema): string {
  switch (schema.format) {
    case 'date-time':
      return '2026-06-01T00:00:00.000Z';
    case 'date':
      return '2026-06-01';
    case 'uri':
      return 'https://example.com/image.png';
    case 'email':
      return 'member@example.com';
  }
  const minLength = (schema.minLength as number | undefined) ?? 1;
  const maxLength = (schema.maxLength as number | undefined) ?? 1_000;
  const fits = (text: string) =>
    text.length >= minLength &&
    text.length <= maxLength &&
    (typeof schema.pattern !== 'string' || new RegExp(schema.pattern, 'u').test(text));
  return PATTERN_CANDIDATES.find(fits) ?? 'a'.repeat(Math.max(minLength, 1));
}

function exampleNumber(schema: JsonSchema): number {
  const exclusive = schema.exclusiveMinimum as number | undefined;
  let value =
    (schema.minimum as number | undefined) ?? (exclusive !== undefined ? Math.floor(exclusive) + 1 : 1);
  if (value < 1 && ((schema.maximum as number | undefined) ?? 1) >= 1) value = 1;
  const excluded = ((schema.not as JsonSchema | undefined)?.enum ?? []) as unknown[];
  while (excluded.includes(value)) value += 1;
  return value;
}

class TooDeep extends Error {}

/** A small value the schema accepts (shape only: what the data means is the fixtures' job). */
export function exampleOf(schema: JsonSchema, resolver: SchemaResolver, depth = 0): unknown {
  if (depth > 12) throw new TooDeep();
  const resolved = resolver.resolve(schema);
  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum)) return resolved.enum[0];
  if ('default' in resolved) return resolved.default;
  const union = (resolved.anyOf ?? resolved.oneOf) as JsonSchema[] | undefined;
  if (union) {
    // Prefer a branch that ends (a recursive union's first branch may not).
    for (const branch of [...union].sort(
      (a, b) => Number(resolver.resolve(a).type === 'null') - Number(resolver.resolve(b).type === 'null'),
    )) {
      try {
        return exampleOf(branch, resolver, depth + 4);
      } catch (error) {
        if (!(error instanceof TooDeep)) throw error;
      }
    }
    throw new TooDeep();
  }
  switch (resolved.type) {
    case 'object': {
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
      const required = (resolved.required ?? []) as string[];
      return Object.fromEntries(
        required.map((name) => [name, exampleOf(properties[name] ?? {}, resolver, depth + 1)]),
      );
    }
    case 'array': {
      const count = (resolved.minItems as number | undefined) ?? 0;
      const item = resolved.items as JsonSchema | undefined;
      return Array.from({ length: count }, () => (item ? exampleOf(item, resolver, depth + 1) : null));
    }
    case 'string':
      return exampleString(resolved);
    case 'integer':
    case 'number':
      return exampleNumber(resolved);
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'x';
  }
}

/** Whether `value` has the shape of a container schema (for unions: its discriminating constants). */
function fitsContainer(value: unknown, container: JsonSchema): boolean {
  if (container.type === 'array') return Array.isArray(value);
  if (container.type !== 'object') return false;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const properties = (container.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, property] of Object.entries(properties)) {
    const only = Array.isArray(property.enum) && property.enum.length === 1 ? property.enum[0] : undefined;
    if (only !== undefined && (value as Record<string, unknown>)[name] !== only) return false;
  }
  return true;
}

/**
 * A copy of `body` with `value` at the site; containers on the way that are missing or of another
 * union branch are replaced by an example of the site's branch.
 */
export function withValueAt(body: unknown, site: Site, value: unknown, resolver: SchemaResolver): unknown {
  if (site.path.length === 0) return value;
  const root = structuredClone(body);
  const first = site.containers[0]!;
  const top = fitsContainer(root, first) ? root : exampleOf(first, resolver);
  let cursor = top as Record<Key, unknown>;
  site.path.forEach((key, index) => {
    if (index === site.path.length - 1) {
      cursor[key] = value;
      return;
    }
    const container = site.containers[index + 1]!;
    let child = cursor[key];
    if (!fitsContainer(child, container)) child = exampleOf(container, resolver);
    if (Array.isArray(child) && child.length === 0 && container.items) {
      child.push(exampleOf(container.items as JsonSchema, resolver));
    }
    cursor[key] = child;
    cursor = child as Record<Key, unknown>;
  });
  return top;
}
