import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { type CompiledRule, compileRule } from './compile-rule.ts';
import { publishedRules, readPublishedVersions } from './rule-store.ts';
import type { RuleVersion } from './rule-types.ts';

/**
 * Compiled rule versions, kept for the life of the process: a published version never changes, so
 * (program, rule, version) names one compiled rule forever. Drafts change in place and are compiled
 * on every use instead.
 */
const compiledByProgram = new Map<string, Map<string, CompiledRule>>();
let cachedCount = 0;
const MAX_CACHED = 10_000;

export function compiledVersion(programId: string, rule: RuleVersion): CompiledRule {
  const key = `${rule.ruleId}:${rule.version}`;
  let hit = compiledByProgram.get(programId)?.get(key);
  if (!hit) {
    if (cachedCount >= MAX_CACHED) {
      compiledByProgram.clear();
      cachedCount = 0;
    }
    hit = compileRule(rule);
    const program = compiledByProgram.get(programId) ?? new Map<string, CompiledRule>();
    compiledByProgram.set(programId, program);
    program.set(key, hit);
    cachedCount += 1;
  }
  return hit;
}

/** The rules in force in a program, compiled (read fresh, so a publish applies to the next event). */
export async function compiledPublishedRules(db: Queryable, programId: string): Promise<CompiledRule[]> {
  const versions = await publishedRules(db, programId);
  return versions.map((version) => compiledVersion(programId, version));
}

/**
 * `compiledPublishedRules` as part of a combined read. The versions this process has compiled are
 * named in the read, which then answers their ids without their definitions: a request judged by
 * ten rules no longer reads (and PostgreSQL no longer prints) ten definitions.
 */
export function readCompiledPublishedRules(read: ReadStatement): () => CompiledRule[] {
  const programId = read.params[0] as string;
  const held = new Map(compiledByProgram.get(programId));
  const versions = readPublishedVersions(read, [...held.keys()]);
  return () =>
    versions().map(({ ruleId, version, definition }) =>
      definition === null
        ? held.get(`${ruleId}:${version}`)!
        : compiledVersion(programId, { ruleId, version, definition }),
    );
}
