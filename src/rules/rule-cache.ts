import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { type CompiledRule, compileRule } from './compile-rule.ts';
import { publishedRules, readPublishedRules } from './rule-store.ts';
import type { RuleVersion } from './rule-types.ts';

/**
 * Compiled rule versions, kept for the life of the process: a published version never changes, so
 * (program, rule, version) names one compiled rule forever. Drafts change in place and are compiled
 * on every use instead.
 */
const compiled = new Map<string, CompiledRule>();
const MAX_CACHED = 10_000;

export function compiledVersion(programId: string, rule: RuleVersion): CompiledRule {
  const key = `${programId}\u0000${rule.ruleId}\u0000${rule.version}`;
  let hit = compiled.get(key);
  if (!hit) {
    if (compiled.size >= MAX_CACHED) compiled.clear();
    hit = compileRule(rule);
    compiled.set(key, hit);
  }
  return hit;
}

/** The rules in force in a program, compiled (read fresh, so a publish applies to the next event). */
export async function compiledPublishedRules(db: Queryable, programId: string): Promise<CompiledRule[]> {
  const versions = await publishedRules(db, programId);
  return versions.map((version) => compiledVersion(programId, version));
}

/** `compiledPublishedRules` as part of a combined read. */
export function readCompiledPublishedRules(read: ReadStatement): () => CompiledRule[] {
  const versions = readPublishedRules(read);
  const programId = read.params[0] as string;
  return () => versions().map((version) => compiledVersion(programId, version));
}
