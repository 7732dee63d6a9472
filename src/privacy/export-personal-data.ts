import { listAuditRecords } from '../audit/audit-queries.ts';
import type { AuditRecordView } from '../audit/audit-types.ts';
import type { Queryable } from '../db/database.ts';
import { listMemberEvents } from '../events/event-store.ts';
import { listEntries, listLots } from '../ledger/ledger-queries.ts';
import { getMember } from '../members/member-store.ts';
import { memberDeliveries } from '../notifications/dispatch/member-deliveries.ts';
import { listInbox } from '../notifications/inbox/inbox-store.ts';
import { getMemberPreferences } from '../notifications/preferences/member-preferences.ts';
import { getProgram } from '../programs/program-store.ts';
import { listRedemptions, redemptionViews } from '../rewards/redemption-store.ts';
import { memberSegmentsView } from '../segments/segment-commands.ts';
import type { Page } from '../shared/pages.ts';
import { tierInForce } from '../tiers/member-tier.ts';
import { listTierHistory } from '../tiers/tier-store.ts';

/** Rows per read while collecting a list whole (each area's own paged read, followed to the end). */
const PAGE = 500;

/** Every page of a paged read, in its order. */
async function everything<T>(read: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await read(cursor);
    all.push(...page.data);
    if (!page.hasMore || page.nextCursor === null) return all;
    cursor = page.nextCursor;
  }
}

/**
 * What Jifen holds about a member, for a data subject's access request (PIPL art. 45, GDPR art.
 * 15): the profile (names, birthday, attributes), contacts and consent, the whole ledger (entries
 * and lots), tier and its history, segments (profiling, with why), redemptions (shipping details included), events, the inbox,
 * the e-mails and texts sent to them, and the audit records about the member with their personal
 * part. Each area is read through its own functions, as the API shows it (personal fields opened).
 * The caller runs it in one transaction, so the parts agree.
 *
 * Audit records name their member by id, and ids are reused after a change of id: only records
 * made since this member was created are theirs. Their `ip` and `userAgent` are the acting staff
 * member's or integration's, not the member's, and are left out.
 */
export async function exportPersonalData(db: Queryable, programId: string, memberId: string, now: Date) {
  const member = await getMember(db, programId, memberId);
  const { memberKey, ...profile } = member;
  const program = await getProgram(db, programId);
  return {
    format: 'jifen.personal-data.v1' as const,
    exportedAt: now.toISOString(),
    program: { id: programId, name: program.name },
    memberId,
    profile,
    tier: await tierInForce(db, programId, memberKey, now),
    notificationPreferences: await getMemberPreferences(db, programId, memberId),
    entries: await everything((cursor) => listEntries(db, programId, memberId, { limit: PAGE, cursor })),
    lots: await everything((cursor) =>
      listLots(db, programId, memberId, now, { limit: PAGE, cursor, includeEmpty: true }),
    ),
    tierHistory: await everything((cursor) =>
      listTierHistory(db, programId, memberId, { limit: PAGE, cursor }),
    ),
    segments: await memberSegmentsView(db, programId, memberId, now),
    redemptions: await allRedemptions(db, programId, memberId, now),
    events: await everything((cursor) => listMemberEvents(db, programId, memberId, { limit: PAGE, cursor })),
    inbox: await everything((cursor) =>
      listInbox(db, programId, memberId, { limit: PAGE, cursor, unreadOnly: false }),
    ),
    deliveries: await memberDeliveries(db, programId, memberId),
    auditRecords: (
      await everything((cursor) =>
        listAuditRecords(
          db,
          programId,
          { targetType: 'member', targetId: memberId, from: new Date(member.createdAt) },
          { limit: PAGE, cursor },
        ),
      )
    ).map(withoutActorDetails),
  };
}

/** An audit record as the member's export shows it: without the actor's address and user agent. */
function withoutActorDetails(record: AuditRecordView): AuditRecordView {
  if (typeof record.personal !== 'object' || record.personal === null) return record;
  const { ip: _ip, userAgent: _userAgent, ...personal } = record.personal;
  return { ...record, personal };
}

async function allRedemptions(db: Queryable, programId: string, memberId: string, now: Date) {
  const all = [];
  let before: string | undefined;
  for (;;) {
    const rows = await listRedemptions(db, programId, { memberId, before, limit: PAGE + 1, now });
    const page = rows.slice(0, PAGE);
    all.push(...(await redemptionViews(db, programId, page, now)));
    if (rows.length <= PAGE) return all;
    before = page.at(-1)!.id;
  }
}
