import type { Database, Queryable } from '../db/database.ts';
import { emptySegment, loadMemberships } from '../members/member-segments.ts';
import { countMembers, memberKeyOf } from '../members/member-store.ts';
import type { RuleProblem } from '../rules/compile-condition.ts';
import type { Clock } from '../shared/clock.ts';
import { JifenError } from '../shared/errors.ts';
import { type CompiledSegment, compileSegmentCondition } from './compile-segment.ts';
import {
  forEachFactsChunk,
  judgeMember,
  judgesOf,
  memberSegmentFacts,
  recomputeProgram,
} from './recompute-segments.ts';
import { factsOfRow, planFacts } from './segment-facts.ts';
import { type FactNeeds, mergeNeeds } from './segment-fields.ts';
import {
  getSegment,
  insertSegment,
  listSegments,
  loadRun,
  lockDefinitions,
  markDue,
  type Segment,
  saveSegment,
  saveSettings,
  type Text,
} from './segment-store.ts';
import {
  type SegmentCondition,
  type SegmentSettings,
  STAGE_PREFIX,
  STAGES,
  stageSegmentId,
} from './segment-types.ts';

/** Defining, changing and archiving segments, with their checks; previews and a member's "why". */

/** Programs up to this many members are computed again as soon as a segment changes. */
const COMPUTE_AT_ONCE_UP_TO = 20_000;
/** What one condition may ask: comparisons, and different windows (each is a column to compute). */
const MAX_COMPARISONS = 200;
const MAX_WINDOWS_PER_SEGMENT = 20;
/** Different windows over all of a program's active segments. */
const MAX_WINDOWS_PER_PROGRAM = 60;

const windowsOf = (needs: FactNeeds): Set<string> =>
  new Set([...needs.windows.values()].flatMap((windows) => [...windows].map(String)));

/** A condition's size: comparisons and windows, its own and with the program's other segments. */
function checkSize(
  compiled: CompiledSegment,
  others: readonly Segment[],
  at: string,
  problems: RuleProblem[],
) {
  if (compiled.comparisons > MAX_COMPARISONS) {
    problems.push({
      field: at,
      message: `makes ${compiled.comparisons} comparisons; at most ${MAX_COMPARISONS}`,
    });
  }
  const own = windowsOf(compiled.needs);
  if (own.size > MAX_WINDOWS_PER_SEGMENT) {
    problems.push({
      field: at,
      message: `names ${own.size} different windows; at most ${MAX_WINDOWS_PER_SEGMENT}`,
    });
    return;
  }
  const all = new Set(own);
  for (const other of others) {
    if (other.condition)
      for (const w of windowsOf(compileSegmentCondition(other.condition, '', []).needs)) all.add(w);
  }
  if (all.size > MAX_WINDOWS_PER_PROGRAM) {
    problems.push({
      field: at,
      message: `the program's segments would name ${all.size} different windows; at most ${MAX_WINDOWS_PER_PROGRAM} (reuse windows such as 30d, 90d, 365d)`,
    });
  }
}

function refuse(problems: RuleProblem[]): never {
  throw new JifenError('validation_failed', {
    detail: problems.map((p) => `${p.field} ${p.message}`).join('; '),
    extensions: { errors: problems },
  });
}

/**
 * A condition's problems: fields that name nothing, windows out of range, references to segments
 * that are not active, and references that lead back to `selfId`.
 */
async function checkCondition(
  q: Queryable,
  programId: string,
  selfId: string,
  condition: SegmentCondition,
  at: string,
): Promise<void> {
  const problems: RuleProblem[] = [];
  const compiled = compileSegmentCondition(condition, at, problems);
  const active = await listSegments(q, programId, 'active');
  const segments = new Map(active.map((s) => [s.id, s]));
  checkSize(
    compiled,
    active.filter((s) => s.id !== selfId),
    at,
    problems,
  );
  for (const [id, where] of compiled.references) {
    if (id === selfId) problems.push({ field: where, message: `refers to the segment itself ("${id}")` });
    else if (id.startsWith(STAGE_PREFIX) && !STAGES.some((stage) => stageSegmentId(stage) === id)) {
      problems.push({
        field: where,
        message: `"${id}" is not a stage; use ${STAGES.map(stageSegmentId).join(', ')}`,
      });
    } else if (!segments.has(id) && !id.startsWith(STAGE_PREFIX)) {
      problems.push({ field: where, message: `no active segment "${id}"` });
    }
  }
  // A reference that leads back here would make membership depend on itself.
  for (const [id, where] of compiled.references) {
    const path = pathBack(id, selfId, segments);
    if (path)
      problems.push({
        field: where,
        message: `refers back to "${selfId}" through ${[selfId, ...path].join(' → ')}`,
      });
  }
  if (problems.length > 0) refuse(problems);
}

function pathBack(from: string, target: string, segments: ReadonlyMap<string, Segment>): string[] | null {
  const seen = new Set<string>();
  const walk = (id: string): string[] | null => {
    if (id === target) return [id];
    if (seen.has(id)) return null;
    seen.add(id);
    const condition = segments.get(id)?.condition;
    if (!condition) return null;
    for (const next of compileSegmentCondition(condition, '', []).references.keys()) {
      const rest = walk(next);
      if (rest) return [id, ...rest];
    }
    return null;
  };
  return from === target ? null : walk(from);
}

/**
 * After a change, the program is computed again: at once when it is small, else (or when another
 * server is computing it) by the next sweep.
 */
async function computeAfterChange(db: Database, programId: string, clock: Clock): Promise<void> {
  await markDue(db, programId);
  if ((await countMembers(db, programId)) > COMPUTE_AT_ONCE_UP_TO) return;
  await recomputeProgram(db, programId, clock, { force: true });
}

export async function createSegment(
  db: Database,
  programId: string,
  input: { id: string; name: Text; description?: string | null | undefined; condition: SegmentCondition },
  clock: Clock,
): Promise<Segment> {
  if (input.id.startsWith(STAGE_PREFIX)) {
    refuse([
      { field: 'body/id', message: `must not start with "${STAGE_PREFIX}" (kept for the lifecycle stages)` },
    ]);
  }
  const segment = await db.transaction(async (tx) => {
    await lockDefinitions(tx, programId);
    await checkCondition(tx, programId, input.id, input.condition, 'body/condition');
    return insertSegment(
      tx,
      programId,
      { id: input.id, name: input.name, description: input.description ?? null, condition: input.condition },
      clock.now(),
    );
  });
  await computeAfterChange(db, programId, clock);
  return segment;
}

async function changeable(q: Queryable, programId: string, id: string): Promise<Segment> {
  const segment = await getSegment(q, programId, id);
  if (segment.kind === 'stage') {
    throw new JifenError('segment_built_in', {
      detail: `"${id}" is a lifecycle stage; change its thresholds instead.`,
    });
  }
  if (segment.status === 'archived') {
    throw new JifenError('segment_archived', { detail: `The segment "${id}" is archived.` });
  }
  return segment;
}

export async function updateSegment(
  db: Database,
  programId: string,
  id: string,
  patch: {
    name?: Text | undefined;
    description?: string | null | undefined;
    condition?: SegmentCondition | undefined;
  },
  clock: Clock,
): Promise<Segment> {
  const saved = await db.transaction(async (tx) => {
    await lockDefinitions(tx, programId);
    const segment = await changeable(tx, programId, id);
    if (patch.condition) await checkCondition(tx, programId, id, patch.condition, 'body/condition');
    return saveSegment(tx, programId, {
      ...segment,
      name: patch.name ?? segment.name,
      description: patch.description === undefined ? segment.description : patch.description,
      condition: patch.condition ?? segment.condition,
      updatedAt: clock.now(),
    });
  });
  if (patch.condition) await computeAfterChange(db, programId, clock);
  return saved;
}

export async function archiveSegment(
  db: Database,
  programId: string,
  id: string,
  clock: Clock,
): Promise<Segment> {
  return db.transaction(async (tx) => {
    await lockDefinitions(tx, programId);
    const segment = await changeable(tx, programId, id);
    const others = (await listSegments(tx, programId, 'active')).filter(
      (other) =>
        other.id !== id &&
        other.condition &&
        compileSegmentCondition(other.condition, '', []).references.has(id),
    );
    if (others.length > 0) {
      throw new JifenError('segment_in_use', {
        detail: `Segments ${others.map((o) => `"${o.id}"`).join(', ')} refer to "${id}".`,
        extensions: { referencedBy: others.map((o) => o.id) },
      });
    }
    // Waits for a computation under way (it takes the memberships' lock), so none re-adds members.
    await emptySegment(tx, programId, id);
    await markDue(tx, programId);
    return saveSegment(tx, programId, { ...segment, status: 'archived', updatedAt: clock.now() });
  });
}

export function checkSettings(settings: SegmentSettings): void {
  const { stages } = settings;
  const problems: RuleProblem[] = [];
  if (stages.atRiskDays <= stages.activeDays) {
    problems.push({ field: 'body/stages/atRiskDays', message: 'must be more than activeDays' });
  }
  if (stages.churnedDays <= stages.atRiskDays) {
    problems.push({ field: 'body/stages/churnedDays', message: 'must be more than atRiskDays' });
  }
  if (problems.length > 0) refuse(problems);
}

export async function changeSettings(
  db: Database,
  programId: string,
  settings: SegmentSettings,
  clock: Clock,
): Promise<SegmentSettings> {
  checkSettings(settings);
  await saveSettings(db, programId, settings);
  await computeAfterChange(db, programId, clock);
  return settings;
}

/** How many members a draft condition would hold now, and a few of them. */
export async function previewCondition(
  db: Database,
  programId: string,
  condition: SegmentCondition,
  now: Date,
): Promise<{ size: number; sample: Array<{ memberId: string }> }> {
  const problems: RuleProblem[] = [];
  const compiled = compileSegmentCondition(condition, 'body/condition', problems);
  const active = await listSegments(db, programId, 'active');
  checkSize(compiled, active, 'body/condition', problems);
  if (problems.length > 0) refuse(problems);
  return db.transaction(async (tx) => {
    const run = await loadRun(tx, programId);
    const judges = judgesOf(active);
    mergeNeeds(judges.needs, compiled.needs);
    const plan = await planFacts(tx, programId, 'program', judges.needs, run.settings, now);
    let size = 0;
    const sample: Array<{ memberId: string }> = [];
    await forEachFactsChunk(
      tx,
      db.engine,
      plan,
      async () => undefined,
      async (rows) => {
        for (const row of rows) {
          const facts = await factsOfRow(tx, programId, plan, row, run.settings, run.cuts, now);
          judgeMember(facts, judges);
          if (!compiled.holds(facts)) continue;
          size++;
          if (sample.length < 20) sample.push({ memberId: facts.memberId });
        }
      },
    );
    return { size, sample };
  });
}

/** A member's stage, RFM and segments, each with the checks that put them there. */
export async function memberSegmentsView(q: Queryable, programId: string, memberId: string, now: Date) {
  const memberKey = await memberKeyOf(q, programId, memberId);
  const found = await memberSegmentFacts(q, programId, memberKey, now);
  const stored = (await loadMemberships(q, programId, [memberKey])).get(memberKey) ?? new Map<string, Date>();
  const all = new Map((await listSegments(q, programId)).map((s) => [s.id, s]));
  const judged = new Map(found?.judges.segments.map((j) => [j.segment.id, j.compiled]) ?? []);
  const run = found?.run ?? (await loadRun(q, programId));
  return {
    stage: found?.facts.member.stage ?? null,
    rfm: found?.facts.rfm ?? {
      recencyDays: null,
      orders: 0,
      spendMinor: 0,
      recency: null,
      frequency: null,
      monetary: null,
    },
    computedAt: run.computedAt?.toISOString() ?? null,
    segments: [...stored.entries()].flatMap(([id, since]) => {
      const segment = all.get(id);
      if (!segment) return [];
      const compiled = judged.get(id);
      return [
        {
          id,
          kind: segment.kind,
          name: segment.name,
          since: since.toISOString(),
          checks: compiled && found ? compiled.explain(found.facts) : [],
        },
      ];
    }),
  };
}
