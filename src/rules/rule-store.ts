import type { ReadStatement } from '../db/combined-statements.ts';
import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { compileRule } from './compile-rule.ts';
import type { RuleDefinition, RuleVersion } from './rule-types.ts';

/**
 * Rules and their versions. Drafts are edited in place; publishing freezes a draft (the version
 * number entries will record) and supersedes the version published before it.
 */

export type VersionStatus = 'draft' | 'published' | 'superseded' | 'retired';

export interface RuleVersionView {
  version: number;
  status: VersionStatus;
  definition: RuleDefinition;
  createdAt: string;
  publishedAt: string | null;
  endedAt: string | null;
}

interface VersionRow {
  rule_id: string;
  version: number;
  status: VersionStatus;
  definition: RuleDefinition;
  created_at: Date;
  published_at: Date | null;
  ended_at: Date | null;
}

const VERSION_COLUMNS = 'rule_id, version, status, definition, created_at, published_at, ended_at';

function toView(row: VersionRow): RuleVersionView {
  const iso = (at: Date | null) => (at ? new Date(at).toISOString() : null);
  return {
    version: row.version,
    status: row.status,
    definition: row.definition,
    createdAt: new Date(row.created_at).toISOString(),
    publishedAt: iso(row.published_at),
    endedAt: iso(row.ended_at),
  };
}

export function ruleNotFound(ruleId: string): JifenError {
  return new JifenError('rule_not_found', {
    detail: `There is no rule "${ruleId}" in this program.`,
    extensions: { ruleId },
  });
}

/** Creates a rule whose version 1 is a draft. The definition must compile. */
export async function createRule(
  tx: Queryable,
  programId: string,
  definition: RuleDefinition,
  now: Date,
): Promise<{ ruleId: string; versions: RuleVersionView[] }> {
  const ruleId = newId('rul', now.getTime());
  compileRule({ ruleId, version: 1, definition });
  await tx.query('insert into rules (program_id, id, created_at) values ($1, $2, $3)', [
    programId,
    ruleId,
    now.toISOString(),
  ]);
  await tx.query(
    `insert into rule_versions (program_id, rule_id, version, status, definition, created_at)
     values ($1, $2, 1, 'draft', $3, $4)`,
    [programId, ruleId, JSON.stringify(definition), now.toISOString()],
  );
  return { ruleId, versions: await listVersions(tx, programId, ruleId) };
}

/** Writes the rule's draft: replaces the open draft, or opens one after the latest version. */
export async function writeDraft(
  tx: Queryable,
  programId: string,
  ruleId: string,
  definition: RuleDefinition,
  now: Date,
): Promise<RuleVersionView> {
  const versions = await lockVersions(tx, programId, ruleId);
  const draft = versions.find((row) => row.status === 'draft');
  const version = draft?.version ?? Math.max(...versions.map((row) => row.version)) + 1;
  compileRule({ ruleId, version, definition });
  const [row] = draft
    ? await tx.query<VersionRow>(
        `update rule_versions set definition = $4
          where program_id = $1 and rule_id = $2 and version = $3 returning ${VERSION_COLUMNS}`,
        [programId, ruleId, version, JSON.stringify(definition)],
      )
    : await tx.query<VersionRow>(
        `insert into rule_versions (program_id, rule_id, version, status, definition, created_at)
         values ($1, $2, $3, 'draft', $4, $5) returning ${VERSION_COLUMNS}`,
        [programId, ruleId, version, JSON.stringify(definition), now.toISOString()],
      );
  return toView(row!);
}

/** Publishes the draft; the version published before it is superseded in the same transaction. */
export async function publishDraft(
  tx: Queryable,
  programId: string,
  ruleId: string,
  now: Date,
): Promise<RuleVersionView> {
  const versions = await lockVersions(tx, programId, ruleId);
  const draft = versions.find((row) => row.status === 'draft');
  if (!draft) {
    throw new JifenError('rule_has_no_draft', {
      detail: `Rule "${ruleId}" has no draft; its versions are ${versions.map((row) => `${row.version} (${row.status})`).join(', ')}.`,
      extensions: { ruleId },
    });
  }
  await endPublished(tx, programId, ruleId, 'superseded', now);
  const [row] = await tx.query<VersionRow>(
    `update rule_versions set status = 'published', published_at = $4
      where program_id = $1 and rule_id = $2 and version = $3 returning ${VERSION_COLUMNS}`,
    [programId, ruleId, draft.version, now.toISOString()],
  );
  return toView(row!);
}

/** Stops the rule: its published version is retired (a draft, if any, stays a draft). */
export async function retireRule(
  tx: Queryable,
  programId: string,
  ruleId: string,
  now: Date,
): Promise<RuleVersionView> {
  await lockVersions(tx, programId, ruleId);
  const retired = await endPublished(tx, programId, ruleId, 'retired', now);
  if (!retired) {
    throw new JifenError('rule_not_published', {
      detail: `Rule "${ruleId}" has no published version.`,
      extensions: { ruleId },
    });
  }
  return retired;
}

async function endPublished(
  tx: Queryable,
  programId: string,
  ruleId: string,
  status: 'superseded' | 'retired',
  now: Date,
): Promise<RuleVersionView | null> {
  const [row] = await tx.query<VersionRow>(
    `update rule_versions set status = $3, ended_at = $4
      where program_id = $1 and rule_id = $2 and status = 'published' returning ${VERSION_COLUMNS}`,
    [programId, ruleId, status, now.toISOString()],
  );
  return row ? toView(row) : null;
}

/** Locks the rule row so concurrent edits of one rule take turns; throws when it does not exist. */
async function lockVersions(tx: Queryable, programId: string, ruleId: string): Promise<VersionRow[]> {
  const [rule] = await tx.query('select id from rules where program_id = $1 and id = $2 for update', [
    programId,
    ruleId,
  ]);
  if (!rule) throw ruleNotFound(ruleId);
  return tx.query<VersionRow>(
    `select ${VERSION_COLUMNS} from rule_versions where program_id = $1 and rule_id = $2 order by version`,
    [programId, ruleId],
  );
}

export async function listVersions(
  tx: Queryable,
  programId: string,
  ruleId: string,
): Promise<RuleVersionView[]> {
  const rows = await tx.query<VersionRow>(
    `select ${VERSION_COLUMNS} from rule_versions where program_id = $1 and rule_id = $2 order by version`,
    [programId, ruleId],
  );
  if (rows.length === 0) throw ruleNotFound(ruleId);
  return rows.map(toView);
}

/** Every rule of the program with its versions, newest rule first. */
export async function listRules(
  db: Queryable,
  programId: string,
): Promise<{ ruleId: string; versions: RuleVersionView[] }[]> {
  const rows = await db.query<VersionRow>(
    `select ${VERSION_COLUMNS} from rule_versions where program_id = $1 order by rule_id desc, version`,
    [programId],
  );
  const rules = new Map<string, RuleVersionView[]>();
  for (const row of rows) rules.set(row.rule_id, [...(rules.get(row.rule_id) ?? []), toView(row)]);
  return [...rules].map(([ruleId, versions]) => ({ ruleId, versions }));
}

/** The versions in force: what events are judged by. */
export async function publishedRules(db: Queryable, programId: string): Promise<RuleVersion[]> {
  const rows = await db.query<VersionRow>(
    `select ${VERSION_COLUMNS} from rule_versions where program_id = $1 and status = 'published'`,
    [programId],
  );
  return rows.map((row) => ({ ruleId: row.rule_id, version: row.version, definition: row.definition }));
}

/**
 * The published versions as part of a combined read, each with its definition unless the caller
 * names it in `known` (`ruleId:version`, versions it holds already: a version never changes).
 */
export function readPublishedVersions(
  read: ReadStatement,
  known: readonly string[],
): () => { ruleId: string; version: number; definition: RuleDefinition | null }[] {
  const rows = read.add<{ rule_id: string; version: number; definition: RuleDefinition | null }>(
    `select rule_id, version,
            case when rule_id || ':' || version = any(${read.param(known, 'text[]')}) then null else definition end
              as definition
       from rule_versions where program_id = $1 and status = 'published'`,
  );
  return () =>
    rows().map((row) => ({ ruleId: row.rule_id, version: row.version, definition: row.definition }));
}

/** The drafts, each standing in for its rule's published version (for previews and back-tests). */
export async function draftRules(db: Queryable, programId: string): Promise<RuleVersion[]> {
  const rows = await db.query<VersionRow>(
    `select ${VERSION_COLUMNS} from rule_versions where program_id = $1 and status = 'draft'`,
    [programId],
  );
  return rows.map((row) => ({ ruleId: row.rule_id, version: row.version, definition: row.definition }));
}
