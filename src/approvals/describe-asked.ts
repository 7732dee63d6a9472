import type { Asked } from './approvable-actions.ts';

const count = (points: number) => points.toLocaleString('en-US');
const signed = (points: number) => `${points > 0 ? '+' : '−'}${count(Math.abs(points))}`;

/** One line a checker reads in the list and the notice: what the request would do, and why. */
export function describeAsked(asked: Asked, points: number | null): string {
  switch (asked.action) {
    case 'credit':
      return `Credit ${count(asked.payload.points)} points to ${asked.payload.memberId} — ${asked.payload.reason.en}`;
    case 'debit':
      return `Debit ${count(asked.payload.points)} points from ${asked.payload.memberId} — ${asked.payload.reason.en}`;
    case 'adjustment':
      return `Adjust ${asked.payload.memberId} by ${signed(asked.payload.points)} points — ${asked.payload.reason.en}`;
    case 'reversal':
      return `Reverse entry ${asked.payload.entryId} (${count(points ?? 0)} points)${asked.payload.reason ? ` — ${asked.payload.reason.en}` : ''}`;
    case 'transfer':
      return `Transfer ${count(asked.payload.points)} points from ${asked.payload.fromMemberId} to ${asked.payload.toMemberId} — ${asked.payload.reason.en}`;
    case 'tier_assignment':
      return `Assign tier ${asked.payload.tier} to ${asked.payload.memberId} until ${asked.payload.until} — ${asked.payload.reason}`;
    case 'credit_batch':
      return `Credit batch of ${asked.payload.items.length} items, ${count(points ?? 0)} points`;
    case 'import_commit':
      return `Commit import ${asked.payload.importId}${asked.payload.skipErrors ? ' (skipping rows with errors)' : ''}`;
    case 'import_undo':
      return `Undo import ${asked.payload.importId}`;
  }
}
