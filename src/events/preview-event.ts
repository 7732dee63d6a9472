import type { Queryable } from '../db/database.ts';
import { findMemberFacts } from '../members/member-facts.ts';
import type { MemberFacts } from '../members/member-types.ts';
import { getProgram } from '../programs/program-store.ts';
import { compileRule } from '../rules/compile-rule.ts';
import { evaluateRules, type RuleAward } from '../rules/evaluate-rules.ts';
import { type EventFacts, ruleFacts } from '../rules/rule-facts.ts';
import { draftRules, publishedRules } from '../rules/rule-store.ts';
import { tierInForce } from '../tiers/member-tier.ts';
import { awardView, type MissView, missView } from './event-views.ts';

export interface PreviewInput {
  event: { type: string; memberId: string; occurredAt?: string; attributes?: Record<string, unknown> };
  /** Judge by the drafts where a rule has one (what publishing them would do). */
  useDrafts?: boolean;
}

/** The API's view: texts as `{ "zh-CN", "en" }`. */
export interface Preview {
  awards: ReturnType<typeof awardView<RuleAward>>[];
  misses: MissView[];
  totals: { points: number; growth: number };
  memberKnown: boolean;
}

/**
 * What an event would earn, rule by rule, and why each other rule would not fire — reading the
 * member and the rules, writing nothing. Limits are shown as if unused: previews are about rules.
 */
export async function previewEvent(
  db: Queryable,
  programId: string,
  input: PreviewInput,
  now: Date,
): Promise<Preview> {
  const program = await getProgram(db, programId);
  const published = await publishedRules(db, programId);
  const drafts = input.useDrafts ? await draftRules(db, programId) : [];
  const byRule = new Map(published.map((rule) => [rule.ruleId, rule]));
  for (const draft of drafts) byRule.set(draft.ruleId, draft);
  const compiled = [...byRule.values()].map((rule) => compileRule(rule));

  const stored = await findMemberFacts(db, programId, input.event.memberId);
  const found = stored && {
    ...stored.facts,
    tier: await tierInForce(db, programId, stored.memberKey, now),
  };
  const occurredAt = input.event.occurredAt ? new Date(input.event.occurredAt) : now;
  // An unknown member is judged as a new one: the event would create it (if the program does so).
  const member: MemberFacts = found ?? {
    status: 'active',
    tags: [],
    tier: null,
    segments: [],
    joinedAt: occurredAt,
    birthday: null,
    attributes: {},
  };
  const event: EventFacts = {
    id: 'preview',
    type: input.event.type,
    occurredAt,
    attributes: input.event.attributes ?? {},
  };
  const evaluation = evaluateRules(compiled, ruleFacts(event, member, program.timezone), {
    currency: program.currency,
  });
  return {
    awards: evaluation.awards.map(awardView),
    misses: evaluation.misses.map(missView),
    totals: {
      points: evaluation.awards.reduce((sum, award) => sum + award.points, 0),
      growth: evaluation.awards.reduce((sum, award) => sum + award.growth, 0),
    },
    memberKnown: found !== null,
  };
}
