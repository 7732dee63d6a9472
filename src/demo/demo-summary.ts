import type { MemberView } from '../http/member-view.ts';
import type { DemoSummary } from './load-demo.ts';
import type { BadRow } from './retail-csv.ts';

/** What `jifen demo` prints when it is done: what was loaded, what was not and why, what to try next. */

const FIRST_BAD_ROWS = 5;

export interface NextSteps {
  /** The flags naming the database, as the user gave them, for the `serve` line. */
  databaseArgs: string;
  /** The owner key when this run created it; otherwise a placeholder. */
  key: string | null;
  member: MemberView | null;
}

export function formatDemoSummary(summary: DemoSummary, next: NextSteps): string {
  const n = (value: number) => value.toLocaleString('en-US');
  const { stats } = summary;
  const lines = [
    `demo: done in ${(summary.elapsedMs / 1000).toFixed(1)} s`,
    summary.replayed === summary.events
      ? `  already loaded     all ${n(summary.events)} events were replayed: nothing changed`
      : summary.replayed > 0
        ? `  already loaded     ${n(summary.replayed)} of ${n(summary.events)} events (replayed, unchanged)`
        : null,
    `  rows               ${n(summary.rows)}${summary.mergedRows > 0 ? ` (${n(summary.mergedRows)} continue an invoice begun on the row before and are merged into it)` : ''}`,
    `  members            ${n(stats.members)}`,
    `  orders             ${n(stats.orders)}`,
    `  refunds            ${n(stats.cancellations)} cancellations → ${n(stats.refunds)} refunds of earlier orders`,
    `  reviews            ${n(stats.reviews + stats.duplicateReviews)} (${n(summary.reviewsRewarded)} rewarded; ${n(stats.duplicateReviews)} second reviews of an order earn nothing)`,
    `  points issued      ${n(summary.pointsIssued)} (growth ${n(summary.growthIssued)})`,
    `  taken back         ${n(summary.pointsTakenBack)} points by refunds (growth ${n(summary.growthTakenBack)})${summary.pointsUnrecovered > 0 ? `, ${n(summary.pointsUnrecovered)} of them already spent or expired and written off` : ''}`,
    `  sweeps             ${n(summary.sweeps.pendingReleased)} pending releases, ${n(summary.sweeps.expired)} expiries`,
    Object.keys(summary.tiers).length > 0
      ? `  tiers              ${Object.entries(summary.tiers)
          .map(([code, members]) => `${code} ${n(members)}`)
          .join(
            ' · ',
          )}${summary.tiersSet ? ' (普通 / 银卡 / 金卡 / 钻石 on growth over 12 months, set up by the demo)' : ''}`
      : null,
    Object.keys(summary.segments).length > 0
      ? `  segments           ${Object.entries(summary.segments)
          .map(([id, members]) => `${id.replace(/^stage_/, '')} ${n(members)}`)
          .join(' · ')}`
      : null,
    summary.notifications
      ? `  notifications      ${n(summary.notifications.inboxMessages)} inbox messages, ${n(summary.notifications.reminders)} expiry reminders sent today`
      : null,
    ...badRowLines(summary.badRows, summary.rows),
    '',
    'Next:',
    `  npx jifen serve${next.databaseArgs}`,
  ];
  const member = summary.showcaseMemberId;
  if (member) {
    const auth = `-H "Authorization: Bearer ${next.key ?? '<your API key>'}"`;
    lines.push(
      `  curl ${auth} localhost:8080/v1/members/${member}`,
      `  curl ${auth} localhost:8080/v1/members/${member}/entries`,
      `  curl ${auth} localhost:8080/v1/members/${member}/tier`,
      `  curl ${auth} localhost:8080/v1/members/${member}/expiry-calendar`,
      `  curl ${auth} localhost:8080/v1/members/${member}/inbox`,
    );
    if (!next.key)
      lines.push(
        `  (no key at hand? npx jifen keys create --name demo${next.databaseArgs} prints a new one)`,
      );
    if (next.member) {
      const { balances } = next.member;
      lines.push(
        `  member ${member} has ${n(balances.available)} points available, ${n(balances.pending)} pending, growth ${n(balances.growth)}`,
      );
    }
    const notes = summary.notifications;
    if (notes && notes.upcoming.length > 0) {
      const buckets = notes.upcoming.slice(0, 4).map((bucket) => `${bucket.expiresOn} ${n(bucket.points)}`);
      lines.push(
        `  upcoming expiries  ${buckets.join(' · ')}${notes.upcoming.length > 4 ? ` (+${notes.upcoming.length - 4} more days)` : ''}`,
      );
    }
    for (const message of notes?.latestInbox ?? []) {
      lines.push(
        `  inbox              ${message.createdAt.slice(0, 10)} ${message.subject}: ${message.body}`,
      );
    }
  }
  return lines.filter((line) => line !== null).join('\n');
}

function badRowLines(badRows: readonly BadRow[], rows: number): string[] {
  if (badRows.length === 0) return ['  bad rows           none'];
  const byReason = new Map<string, BadRow[]>();
  for (const row of badRows) {
    const found = byReason.get(row.reason);
    if (found) found.push(row);
    else byReason.set(row.reason, [row]);
  }
  const n = (value: number) => value.toLocaleString('en-US');
  const lines = [
    `  bad rows           ${n(badRows.length)} of ${n(rows)} rows, reported and skipped (or partly loaded):`,
  ];
  for (const [reason, found] of [...byReason].sort(([, a], [, b]) => b.length - a.length)) {
    const lineNumbers = found.slice(0, FIRST_BAD_ROWS).map((row) => row.line);
    lines.push(
      `    ${reason} × ${n(found.length)}, lines ${lineNumbers.join(', ')}${found.length > FIRST_BAD_ROWS ? ', …' : ''}`,
      `      e.g. line ${found[0]!.line}: ${found[0]!.detail}`,
    );
  }
  return lines;
}
