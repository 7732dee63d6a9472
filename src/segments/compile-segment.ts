import { compileComparison, compileLogic, type RuleProblem, satisfies } from '../rules/compile-condition.ts';
import type { Operator } from '../rules/rule-types.ts';
import { compileSegmentField, type FactNeeds, noNeeds, type SegmentFacts } from './segment-fields.ts';
import type { SegmentComparison, SegmentCondition } from './segment-types.ts';

/** One comparison of a segment's condition as judged for one member: why they are in it (or not). */
export interface SegmentCheck {
  field: string;
  op: string;
  value: unknown;
  actual: unknown;
  ok: boolean;
}

export interface CompiledSegment {
  holds: (facts: SegmentFacts) => boolean;
  /** Every comparison of the condition with the member's value, in the condition's order. */
  explain: (facts: SegmentFacts) => SegmentCheck[];
  needs: FactNeeds;
  /** Segments named through `member.segments`, each with where it is named. */
  references: Map<string, string>;
}

/**
 * A segment's condition as plain functions, with the rules' own logic (`compileLogic`,
 * `compileComparison`): the same operators mean the same everywhere. Problems are collected at
 * their place in the request body (`at` is the condition's).
 */
export function compileSegmentCondition(
  condition: SegmentCondition,
  at: string,
  problems: RuleProblem[],
): CompiledSegment {
  const needs = noNeeds();
  const references = new Map<string, string>();
  const leaves: Array<{ comparison: SegmentComparison; read: (facts: SegmentFacts) => unknown }> = [];
  const judge = compileLogic<SegmentFacts, undefined, SegmentComparison>(
    condition,
    at,
    problems,
    (leaf, leafAt) => {
      const read = compileSegmentField(leaf.field, `${leafAt}/field`, problems, needs);
      if (leaf.field === 'member.segments') {
        const named = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
        for (const id of named) if (typeof id === 'string') references.set(id, `${leafAt}/value`);
      }
      leaves.push({ comparison: leaf, read });
      return compileComparison<SegmentFacts, undefined>(
        leaf as { field: string; op: Operator; value?: unknown },
        leafAt,
        problems,
        read,
      );
    },
  );
  return {
    holds: (facts) => judge(facts, undefined).ok,
    explain: (facts) =>
      leaves.map(({ comparison, read }) => {
        const actual = read(facts);
        return {
          field: comparison.field,
          op: comparison.op,
          value: comparison.value ?? null,
          actual: actual ?? null,
          ok: satisfies(comparison.op as Operator, actual, comparison.value),
        };
      }),
    needs,
    references,
  };
}
