import type { Database } from '../../db/database.ts';
import {
  type ExpiryBand,
  loadExpiryGroups,
  membersCreditedAfter,
  membersExpiringIn,
} from '../../ledger/expiry-queries.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { listProgramTimezones } from '../../programs/program-store.ts';
import type { Clock } from '../../shared/clock.ts';
import { DAY_MS } from '../../shared/time-units.ts';
import { notificationSettingsOf } from '../settings/notification-settings.ts';
import { dueReminders } from './due-reminders.ts';
import { planReminderScan } from './reminder-scan.ts';
import {
  loadReminderProgress,
  loadSentReminders,
  recordReminders,
  saveReminderProgress,
} from './reminder-store.ts';

export interface ReminderResult {
  reminders: number;
}

/**
 * One pass over every program: every reminder due now is recorded, in batches of members. A pass
 * reads only the members for whom something can have changed since the last completed pass (see
 * reminder-scan.ts), then, for those members only, every lot of the days they have expiring.
 */
export async function runExpiryReminders(
  db: Database,
  clock: Clock,
  batchSize = 1000,
): Promise<ReminderResult> {
  const programs = await listProgramTimezones(db);
  const settings = await notificationSettingsOf(
    db,
    programs.map((program) => program.id),
  );
  let reminders = 0;
  for (const program of programs) {
    const offsetsDays = settings.get(program.id)?.reminderOffsetsDays ?? [];
    if (offsetsDays.length === 0) continue;
    reminders += await remindProgram(db, clock, program, offsetsDays, batchSize);
  }
  return { reminders };
}

interface Program {
  id: string;
  timezone: string;
}

async function remindProgram(
  db: Database,
  clock: Clock,
  program: Program,
  offsetsDays: readonly number[],
  batchSize: number,
): Promise<number> {
  const startedAt = clock.now();
  // Journal ids carry the wall clock (shared/ids.ts), which a test may hold apart from `clock`.
  const entriesReadAt = new Date(Date.now());
  const scan = planReminderScan(offsetsDays, await loadReminderProgress(db, program.id), startedAt);
  let reminders = 0;
  for (const band of scan.bands) {
    for await (const memberKeys of membersExpiringIn(db, program.id, band, batchSize)) {
      reminders += await remindMembers(db, clock.now(), program, offsetsDays, memberKeys);
    }
  }
  if (scan.entriesAfter !== null) {
    for await (const memberKeys of membersCreditedAfter(db, program.id, scan.entriesAfter, batchSize)) {
      reminders += await remindMembers(db, clock.now(), program, offsetsDays, memberKeys);
    }
  }
  // Only now that every batch is committed: a pass that died halfway is done again from the start.
  const progress = offsetsDays.map((offsetDays) => ({
    offsetDays,
    scannedUntil: later(startedAt, offsetDays),
    entriesReadAt,
  }));
  await saveReminderProgress(db, program.id, progress, clock.now());
  return reminders;
}

/** Load the members' expiry days and reminders, decide, record. */
async function remindMembers(
  db: Database,
  now: Date,
  program: Program,
  offsetsDays: readonly number[],
  memberKeys: MemberKey[],
): Promise<number> {
  // Two days past the largest offset, so the day at the window's edge is summed whole: a reminder
  // due for its 09:00 lot also counts its 18:00 one. Days not due yet get no reminder.
  const window: ExpiryBand = { after: now, until: later(now, Math.max(...offsetsDays) + 2) };
  const groups = await loadExpiryGroups(db, program.id, program.timezone, memberKeys, window);
  if (groups.length === 0) return 0;
  // A reminder about points still to expire is about a local day from yesterday's UTC date on,
  // in any timezone the program had: two days back is enough.
  const fromDay = later(now, -2).toISOString().slice(0, 10);
  const withGroups = [...new Set(groups.map((group) => group.memberKey))];
  const sent = await loadSentReminders(db, program.id, withGroups, fromDay);
  const due = dueReminders(groups, sent, offsetsDays, now);
  return due.length === 0 ? 0 : recordReminders(db, program.id, due, now);
}

function later(at: Date, days: number): Date {
  return new Date(at.getTime() + days * DAY_MS);
}
