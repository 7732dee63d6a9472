import { randomBytes } from 'node:crypto';
import { destroySubjectKey } from '../audit/subject-keys.ts';
import type { Queryable } from '../db/database.ts';
import { eraseEventAttributes } from '../events/event-store.ts';
import { eraseAnswersAbout } from '../idempotency/answer-book.ts';
import { eraseImportRows } from '../imports/import-store.ts';
import { changeMemberId } from '../members/change-member-id.ts';
import { forgetMemberships } from '../members/member-segments.ts';
import { eraseMemberProfile } from '../members/member-store.ts';
import { eraseMemberDeliveries } from '../notifications/dispatch/member-deliveries.ts';
import { eraseInbox } from '../notifications/inbox/inbox-store.ts';
import { renameMemberInMessages } from '../notifications/outbox/erase-messages.ts';
import { eraseContacts } from '../notifications/preferences/member-preferences.ts';
import { eraseShippingAddresses } from '../rewards/redemption-store.ts';

export interface ErasureOptions {
  /**
   * The merchant's member id is itself personal data (a phone number): the member goes on under a
   * pseudonym (`erased-<random>`), so nothing links the points to that id any more.
   */
  forgetMemberId: boolean;
}

/**
 * Erases a member's personal data (PIPL art. 47, GDPR art. 17), in the caller's transaction, each
 * area through its own function: the profile (names, birthday, attributes), contacts and consent,
 * shipping addresses, the texts of e-mails and SMS sent, the inbox, segment memberships, what was sent with the member's
 * events (their attributes), the answers kept for Idempotency-Key replays that showed their data,
 * what rows of imported files carried about them, and the personal part of every audit record
 * about the member (their subject key is destroyed: the records stay, so the chain still
 * verifies). With the merchant's id forgotten, the member, their messages and import rows go on
 * under a pseudonym. No amount of the ledger changes, so `jifen verify` holds after it. Refused
 * while a redemption still needs its shipping address, and for a member already erased.
 */
export async function eraseMember(
  tx: Queryable,
  programId: string,
  memberId: string,
  options: ErasureOptions,
  now: Date,
): Promise<{ memberId: string; memberIdForgotten: boolean; erasedAt: string }> {
  const memberKey = await eraseMemberProfile(tx, programId, memberId, now);
  await eraseShippingAddresses(tx, programId, memberKey);
  await eraseContacts(tx, programId, memberKey, now);
  await eraseMemberDeliveries(tx, programId, memberKey);
  await eraseInbox(tx, programId, memberKey);
  await forgetMemberships(tx, programId, memberKey);
  await eraseEventAttributes(tx, programId, memberKey);
  await eraseAnswersAbout(tx, programId, memberId, now);
  await destroySubjectKey(tx, programId, `member:${memberId}`, now);
  const current = options.forgetMemberId ? `erased-${randomBytes(8).toString('hex')}` : memberId;
  await eraseImportRows(tx, programId, memberId, current);
  if (options.forgetMemberId) {
    await changeMemberId(tx, programId, memberId, current, now);
    await renameMemberInMessages(tx, programId, memberKey, current);
  }
  return { memberId: current, memberIdForgotten: options.forgetMemberId, erasedAt: now.toISOString() };
}
