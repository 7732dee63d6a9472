import type { Queryable } from '../db/database.ts';
import { getProgram } from '../programs/program-store.ts';
import { compileRule } from './compile-rule.ts';
import { type Evaluation, evaluateRules } from './evaluate-rules.ts';
import { type EventFacts, type MemberFacts, ruleFacts } from './rule-facts.ts';
import { draftRules, publishedRules } from './rule-store.ts';

export interface PreviewInput {
  event: { type: string; memberId: string; occurredAt?: string; attributes?: Record<string, unknown> };
  /** Judge by the drafts where a rule has one (what publishing them would do). */
  useDrafts?: boolean;
}

export interface Preview extends Evaluation {
  totals: { points: number; growth: number };
  memberKnown: boolean;
}

interface MemberRow {
  status: MemberFacts['status'];
  tags: string[];
  birthday: string | null;
  joined_at: Date;
  attributes: Record<string, unknown>;
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

  const [row] = await db.query<MemberRow>(
    `select status, tags, to_char(birthday, 'YYYY-MM-DD') as birthday, joined_at, attributes
       from members where program_id = $1 and member_id = $2`,
    [programId, input.event.memberId],
  );
  const occurredAt = input.event.occurredAt ? new Date(input.event.occurredAt) : now;
  const member: MemberFacts = {
    status: row?.status ?? 'active',
    tags: row?.tags ?? [],
    tier: null,
    segments: [],
    joinedAt: row ? new Date(row.joined_at) : occurredAt,
    birthday: row?.birthday ?? null,
    attributes: row?.attributes ?? {},
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
    ...evaluation,
    totals: {
      points: evaluation.awards.reduce((sum, award) => sum + award.points, 0),
      growth: evaluation.awards.reduce((sum, award) => sum + award.growth, 0),
    },
    memberKnown: row !== undefined,
  };
}
