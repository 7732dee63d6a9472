import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

/**
 * The shape of the code, checked on every run (ARCHITECTURE.md, "Layers"): areas are layered, a
 * file imports only from its own layer or the layers below, and no files import each other in a
 * cycle. The ledger knows nothing of tiers, notifications, events or HTTP: what those areas do with
 * a ledger draft is wired in by the composition root (`src/wiring.ts`).
 */

const LAYERS: readonly (readonly string[])[] = [
  ['shared', 'db', 'vault'],
  ['keys', 'programs', 'members', 'ledger', 'idempotency', 'staff', 'audit'],
  ['rules'],
  ['tiers'],
  ['events', 'checkout', 'rewards', 'notifications'],
  ['sweeps', 'observability', 'verify', 'ops', 'imports', 'approvals', 'privacy', 'segments', 'finance'],
  ['http', 'wiring.ts'],
  ['cli', 'demo'],
];

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every relative import of every source file, type-only imports included (they couple too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)[^;]*?from '(\.[^']+)'/gms)].map((match) =>
      relative(ROOT, normalize(join(dirname(file), match[1]!))),
    );
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

const areaOf = (file: string) => file.split('/')[1]!;

function layerOf(file: string): number {
  const area = areaOf(file);
  const layer = LAYERS.findIndex((areas) => areas.includes(area));
  if (layer < 0) throw new Error(`src/${area} is in no layer: add it to LAYERS in ${import.meta.filename}`);
  return layer;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    path.push(file);
    for (const target of graph.get(file) ?? []) {
      if (state.get(target) === 'open') found.push([...path.slice(path.indexOf(target)), target]);
      else if (!state.has(target)) visit(target);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

describe('layers', () => {
  const graph = importGraph();

  test('every area of src is in a layer', () => {
    for (const file of graph.keys()) expect(() => layerOf(file)).not.toThrow();
  });

  test('no file imports from a higher layer', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => layerOf(target) > layerOf(file)).map((target) => `${file} → ${target}`),
    );
    expect(upward).toEqual([]);
  });

  test('the ledger imports nothing of tiers, notifications, events, rewards, checkout or HTTP', () => {
    const forbidden = ['tiers', 'notifications', 'events', 'rewards', 'checkout', 'http', 'rules'];
    const found = [...graph].flatMap(([file, targets]) =>
      areaOf(file) === 'ledger'
        ? targets
            .filter((target) => forbidden.includes(areaOf(target)))
            .map((target) => `${file} → ${target}`)
        : [],
    );
    expect(found).toEqual([]);
  });

  test('no import cycles between files', () => {
    expect(cycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });
});
