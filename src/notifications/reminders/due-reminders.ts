import type { ExpiryGroup } from '../../ledger/expiry-queries.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { DAY_MS } from '../../shared/time-units.ts';

export interface SentReminder {
  memberKey: MemberKey;
  expiresOn: string;
  offsetDays: number;
  /** Null for reminders sent before it was recorded and whose message is gone. */
  firstExpiresAt: Date | null;
}

export interface DueReminder extends ExpiryGroup {
  offsetDays: number;
}

/**
 * The reminders to send now for these groups, given the member's reminders already sent. The
 * offset that applies is the smallest whose moment (first expiry less that many days) has come, so
 * a lot earned five days before expiry gets the 7-day reminder at once, never the 30-day one. A
 * group is left alone when a reminder at that offset or a smaller one already told the member of
 * it: of that day, or of the same points under another timezone (the reminded first expiry is one
 * of the group's instants). So nothing is said twice, and a larger offset never follows a smaller
 * one, whatever the offsets or the timezone became since.
 */
export function dueReminders(
  groups: readonly ExpiryGroup[],
  sent: readonly SentReminder[],
  offsetsDays: readonly number[],
  now: Date,
): DueReminder[] {
  const sentByMember = new Map<MemberKey, SentReminder[]>();
  for (const reminder of sent) {
    const list = sentByMember.get(reminder.memberKey) ?? [];
    list.push(reminder);
    sentByMember.set(reminder.memberKey, list);
  }
  const due: DueReminder[] = [];
  for (const group of groups) {
    const offsetDays = applicableOffset(group.firstExpiresAt, offsetsDays, now);
    if (offsetDays === undefined) continue;
    const told = (sentByMember.get(group.memberKey) ?? []).some(
      (reminder) => reminder.offsetDays <= offsetDays && isAbout(reminder, group),
    );
    if (!told) due.push({ ...group, offsetDays });
  }
  return due;
}

function applicableOffset(
  firstExpiresAt: Date,
  offsetsDays: readonly number[],
  now: Date,
): number | undefined {
  const come = offsetsDays.filter(
    (offsetDays) => firstExpiresAt.getTime() - offsetDays * DAY_MS <= now.getTime(),
  );
  return come.length === 0 ? undefined : Math.min(...come);
}

function isAbout(reminder: SentReminder, group: ExpiryGroup): boolean {
  if (reminder.expiresOn === group.expiresOn) return true;
  const at = reminder.firstExpiresAt?.getTime();
  return at !== undefined && at >= group.firstExpiresAt.getTime() && at <= group.lastExpiresAt.getTime();
}
