import { describe, expect, test } from 'vitest';
import type { ExpiryGroup } from '../../../src/ledger/expiry-queries.ts';
import { asMemberKey } from '../../../src/members/member-key.ts';
import { dueReminders, type SentReminder } from '../../../src/notifications/reminders/due-reminders.ts';

/** Which reminder, if any, a day's points get now (pure). */
const DAY_MS = 86_400_000;
// 2026-12-31 ends at this instant in Shanghai; in New York it is 11:00 on 2026-12-31.
const EXPIRY = new Date('2026-12-31T16:00:00Z');
const daysBefore = (days: number, minutes = 0) =>
  new Date(EXPIRY.getTime() - days * DAY_MS + minutes * 60_000);

const AMY = asMemberKey('mbr_amy');
const group = (overrides: Partial<ExpiryGroup> = {}): ExpiryGroup => ({
  memberKey: AMY,
  memberId: 'amy',
  expiresOn: '2026-12-31',
  firstExpiresAt: EXPIRY,
  lastExpiresAt: EXPIRY,
  points: 1200,
  lots: 2,
  ...overrides,
});
const sent = (offsetDays: number, overrides: Partial<SentReminder> = {}): SentReminder => ({
  memberKey: AMY,
  expiresOn: '2026-12-31',
  offsetDays,
  firstExpiresAt: EXPIRY,
  ...overrides,
});

describe('dueReminders', () => {
  const cases: {
    name: string;
    now: Date;
    offsets?: number[];
    groups?: ExpiryGroup[];
    sent?: SentReminder[];
    due: number | null;
  }[] = [
    { name: 'before the largest offset’s moment: nothing', now: daysBefore(30, -1), due: null },
    { name: 'at the 30-day moment: 30', now: daysBefore(30), due: 30 },
    { name: 'between 30 and 7 days, 30 sent: nothing', now: daysBefore(10), sent: [sent(30)], due: null },
    { name: 'at the 7-day moment, 30 sent: 7', now: daysBefore(7), sent: [sent(30)], due: 7 },
    { name: 'earned 5 days before: 7 at once, never 30', now: daysBefore(5), due: 7 },
    { name: 'the last day, nothing sent: 1', now: daysBefore(0, -60), due: 1 },
    {
      name: 'offsets became [14, 3] after the 7-day one: no 14-day one after it',
      now: daysBefore(6),
      offsets: [14, 3],
      sent: [sent(30), sent(7)],
      due: null,
    },
    {
      name: 'offsets became [14, 3]: the 3-day one still comes',
      now: daysBefore(3),
      offsets: [14, 3],
      sent: [sent(30), sent(7)],
      due: 3,
    },
    {
      name: 'the timezone changed: the same points under another day are not reminded again',
      now: daysBefore(6),
      groups: [group({ expiresOn: '2026-12-31', firstExpiresAt: EXPIRY })],
      sent: [sent(7, { expiresOn: '2027-01-01' })],
      due: null,
    },
    {
      name: 'the timezone changed: a day holding the reminded instant among later ones is not reminded again',
      now: daysBefore(6),
      groups: [group({ firstExpiresAt: daysBefore(0, -120), lastExpiresAt: EXPIRY })],
      sent: [sent(7, { expiresOn: '2027-01-01' })],
      due: null,
    },
    {
      name: 'the timezone changed: at the next offset the reminder comes',
      now: daysBefore(1),
      sent: [sent(7, { expiresOn: '2027-01-01' })],
      due: 1,
    },
    {
      name: 'a reminder of another day, at another instant, does not count',
      now: daysBefore(6),
      sent: [sent(7, { expiresOn: '2026-12-30', firstExpiresAt: daysBefore(1) })],
      due: 7,
    },
    {
      name: 'an old reminder with no instant counts by its day',
      now: daysBefore(6),
      sent: [sent(7, { firstExpiresAt: null })],
      due: null,
    },
    {
      name: 'another member’s reminder does not count',
      now: daysBefore(6),
      sent: [sent(7, { memberKey: asMemberKey('mbr_bob') })],
      due: 7,
    },
    { name: 'no offsets: nothing', now: daysBefore(0, -1), offsets: [], due: null },
  ];

  test.each(cases)('$name', ({ now, offsets = [30, 7, 1], groups = [group()], sent = [], due }) => {
    const reminders = dueReminders(groups, sent, offsets, now);
    expect(reminders.map((reminder) => reminder.offsetDays)).toEqual(due === null ? [] : [due]);
    if (due !== null) expect(reminders[0]).toEqual({ ...groups[0], offsetDays: due });
  });
});
