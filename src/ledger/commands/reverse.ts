import type { Queryable } from '../../db/database.ts';
import { JifenError } from '../../shared/errors.ts';
import type { LedgerDraft } from '../ledger-draft.ts';
import { ENTRY_COLUMNS, type EntryRow, toEntry } from '../ledger-rows.ts';
import { loadDraft } from '../ledger-store.ts';
import type { Entry, EntryType, Reason } from '../ledger-types.ts';
import { entryView } from '../ledger-views.ts';
import { clawback, restore } from '../movements.ts';
import { assertEntryNotOwned } from '../order-owned.ts';
import { systemReasons } from '../reasons.ts';
import type { CommandContext, CommandResult } from './command-context.ts';

export interface ReverseInput {
  entryId: string;
  reason?: Reason;
  operator?: string;
}

/** Entries that gave points: reversing them claws the points back. */
const INFLOWS: ReadonlySet<EntryType> = new Set(['earn', 'transfer_in']);
/** Every other entry took points (spend, capture, expire, transfer_out, negative adjust): reversing
 * it gives the points back to their lots. Growth entries are undone by a negative growth entry. */
/** Moves inside a member's own balances, and reversals: undo the operation itself instead. */
const NOT_REVERSIBLE: ReadonlySet<EntryType> = new Set([
  'reverse',
  'hold',
  'hold_release',
  'void',
  'hold_timeout',
  'pending_release',
]);

/**
 * What became of the points an inflow gave: the lots still holding some of them (the lots it
 * created and the lots that took over their points when a reversal renewed an expired lot), and
 * how many of them expiry swept away — those the member already lost, so they are not taken twice.
 */
export interface InflowLineage {
  lotIds: readonly string[];
  expiredPoints: number;
}

/** Decides the reversal of `originals` (one entry, or both sides of a transfer). */
export function decideReversal(
  draft: LedgerDraft,
  originals: readonly Entry[],
  lineages: ReadonlyMap<string, InflowLineage>,
  input: ReverseInput,
  context: CommandContext,
): Entry[] {
  // Give points back before taking any: a transfer's sender is restored before its recipient pays.
  const ordered = [...originals].sort((a, b) => Number(isInflow(a)) - Number(isInflow(b)));
  return ordered.map((original) => {
    const fields = {
      memberId: original.memberId,
      type: 'reverse' as const,
      contraAccount: original.contraAccount,
      reversesEntryId: original.id,
      counterpartyMemberId: original.counterpartyMemberId,
      holdId: original.holdId,
      source: context.source,
      reason: systemReasons.reversal(original.reason, input.reason ?? null),
      operator: input.operator ?? null,
    };
    // Growth entries (credits, and the growth part of refunds) are undone by the opposite growth.
    if (original.delta.growth !== 0) {
      return draft.record({ ...fields, delta: { growth: -original.delta.growth } });
    }
    if (isInflow(original)) {
      const given = original.lots.reduce((sum, touch) => sum + Math.max(touch.points, 0), 0);
      const lineage = lineages.get(original.id) ?? { lotIds: [], expiredPoints: 0 };
      const points = Math.max(given - lineage.expiredPoints, 0);
      return clawback(draft, { ...fields, points, preferLotIds: lineage.lotIds });
    }
    return restore(draft, { ...fields, touches: original.lots, debtPoints: original.delta.debt });
  });
}

function isInflow(entry: Entry): boolean {
  return (
    INFLOWS.has(entry.type) || (entry.type === 'adjust' && entry.delta.available + entry.delta.pending > 0)
  );
}

export async function reverse(
  tx: Queryable,
  context: CommandContext,
  input: ReverseInput,
): Promise<CommandResult> {
  const original = await findEntry(tx, context.programId, input.entryId);
  await assertEntryNotOwned(tx, context.programId, original);
  if (NOT_REVERSIBLE.has(original.type)) {
    throw new JifenError('entry_not_reversible', {
      detail: `A "${original.type}" entry cannot be reversed.`,
      extensions: { entryType: original.type },
    });
  }
  const found = original.type.startsWith('transfer_')
    ? await findTransferEntries(tx, context.programId, original.txnId)
    : [original];
  const lotIds = found.flatMap((entry) => entry.lots.map((touch) => touch.lotId));
  const draft = await loadDraft(
    tx,
    {
      programId: context.programId,
      memberKeys: found.map((entry) => entry.memberKey),
      lots: true,
      lotIds,
    },
    context.now,
  );
  // The members as locked: their ids as they are now, even if one changed since the entry was read.
  const originals = found.map((entry) => ({
    ...entry,
    memberId: draft.idOfKey(entry.memberKey),
    counterpartyMemberId: entry.counterpartyMemberKey && draft.idOfKey(entry.counterpartyMemberKey),
  }));
  // Re-checked under the member lock: a concurrent reversal of the same entry has committed or not.
  await assertNotReversed(
    tx,
    context.programId,
    originals.map((entry) => entry.id),
  );
  const lineages = new Map<string, InflowLineage>();
  for (const entry of originals.filter(isInflow)) {
    lineages.set(entry.id, await findInflowLineage(tx, context.programId, entry));
  }
  const entries = decideReversal(draft, originals, lineages, input, context);
  return { status: 201, body: { entries: entries.map(entryView) }, draft };
}

async function findEntry(tx: Queryable, programId: string, entryId: string): Promise<Entry> {
  const [row] = await tx.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries where program_id = $1 and id = $2`,
    [programId, entryId],
  );
  if (!row) {
    throw new JifenError('entry_not_found', {
      detail: `There is no entry "${entryId}" in this program.`,
      extensions: { entryId },
    });
  }
  return toEntry(row);
}

/** Read under the member lock, so no sweep or reversal changes it before the draft is written. */
async function findInflowLineage(tx: Queryable, programId: string, entry: Entry): Promise<InflowLineage> {
  const given = entry.lots.filter((touch) => touch.points > 0).map((touch) => touch.lotId);
  const [row] = await tx.query<{ lot_ids: string[] | null; expired_points: string | number | null }>(
    `with recursive lineage (id, remaining) as (
       select id, remaining from lots where program_id = $1 and member_key = $2 and id = any($3::text[])
       union
       select l.id, l.remaining from lots l join lineage on l.origin_lot_id = lineage.id
        where l.program_id = $1 and l.member_key = $2
     )
     select (select array_agg(id) from lineage where remaining > 0) as lot_ids,
            (select -sum((t.touch->>'points')::int8)
               from entries e cross join lateral jsonb_array_elements(e.lots) as t(touch)
              where e.program_id = $1 and e.member_key = $2 and e.type = 'expire'
                and t.touch->>'lotId' in (select id from lineage)
                and not exists (select 1 from entries r
                                 where r.program_id = e.program_id and r.reverses_entry_id = e.id)
            ) as expired_points`,
    [programId, entry.memberKey, given],
  );
  return { lotIds: row?.lot_ids ?? [], expiredPoints: Number(row?.expired_points ?? 0) };
}

async function findTransferEntries(tx: Queryable, programId: string, txnId: string): Promise<Entry[]> {
  const rows = await tx.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from entries
      where program_id = $1 and txn_id = $2 and type in ('transfer_out', 'transfer_in') order by id`,
    [programId, txnId],
  );
  return rows.map(toEntry);
}

async function assertNotReversed(
  tx: Queryable,
  programId: string,
  entryIds: readonly string[],
): Promise<void> {
  const [row] = await tx.query<{ id: string; reverses_entry_id: string }>(
    `select id, reverses_entry_id from entries
      where program_id = $1 and reverses_entry_id = any($2::text[]) limit 1`,
    [programId, entryIds],
  );
  if (row) {
    throw new JifenError('entry_already_reversed', {
      detail: `Entry "${row.reverses_entry_id}" was already reversed by "${row.id}".`,
      extensions: { reversalEntryId: row.id },
    });
  }
}
