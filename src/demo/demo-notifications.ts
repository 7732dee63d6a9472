import type { Database } from '../db/database.ts';
import { memberKeyOf } from '../members/member-store.ts';
import { createLogSmsAdapter } from '../notifications/channels/log-sms-adapter.ts';
import { runDispatchPass } from '../notifications/dispatch/dispatcher.ts';
import {
  DEFAULT_NOTIFICATION_RETENTION_DAYS,
  pruneNotifications,
} from '../notifications/dispatch/prune-notifications.ts';
import { openInboxText } from '../notifications/inbox/inbox-store.ts';
import { type ExpiryBucket, memberExpiryCalendar } from '../notifications/reminders/expiry-calendar.ts';
import { runExpiryReminders } from '../notifications/reminders/expiry-reminders.ts';
import type { Clock } from '../shared/clock.ts';
import { DAY_MS } from '../shared/time-units.ts';

export interface DemoNotifications {
  reminders: number;
  inboxMessages: number;
  /** The showcase member's upcoming expiries and newest inbox messages, for the summary. */
  upcoming: ExpiryBucket[];
  latestInbox: { subject: string; body: string; createdAt: string }[];
}

/**
 * After the replay: the reminders due today, then every message fanned out and delivered, so
 * members' inboxes hold what the year told them ("您有 1,200 积分将于 … 过期") and any webhook
 * endpoint registered on this database hears about it. The demo's members have no phone numbers
 * or email addresses, so nothing leaves the machine but webhooks (under JIFEN_WEBHOOK_ALLOW_PRIVATE,
 * as `serve` sends them).
 */
export async function deliverDemoNotifications(
  db: Database,
  clock: Clock,
  programId: string,
  timezone: string,
  showcaseMemberId: string | null,
  webhookAllowPrivateNetworks: boolean,
): Promise<DemoNotifications> {
  const { reminders } = await runExpiryReminders(db, clock);
  const channels = { email: null, sms: createLogSmsAdapter(() => {}), webhookAllowPrivateNetworks };
  for (;;) {
    const pass = await runDispatchPass(db, clock, channels, { fanOutBatchSize: 1000, maxBatches: 5 });
    if (pass.fannedOut === 0 && pass.attempted === 0) break;
    // PGlite has no autovacuum: without this, marking a year of messages delivered left a dead
    // copy of each, and the outbox took twice its size on disk.
    if (db.engine === 'pglite') await db.exec('vacuum outbox');
  }
  // What `serve` prunes in its first minute anyway: the year's messages, delivered, past the
  // retention. The inbox keeps them. On PGlite the outbox is then rewritten at its new size (the
  // embedded directory was 600 MB after the demo, a third of it messages kept for nobody).
  const keepFrom = new Date(clock.now().getTime() - DEFAULT_NOTIFICATION_RETENTION_DAYS * DAY_MS);
  await pruneNotifications(db, keepFrom);
  if (db.engine === 'pglite') await db.exec('vacuum full outbox');
  const [count] = await db.query<{ n: string }>(
    'select count(*) as n from inbox_messages where program_id = $1',
    [programId],
  );
  if (!showcaseMemberId)
    return { reminders, inboxMessages: Number(count?.n ?? 0), upcoming: [], latestInbox: [] };
  const memberKey = await memberKeyOf(db, programId, showcaseMemberId);
  const upcoming = await memberExpiryCalendar(db, programId, memberKey, timezone, clock.now());
  const latest = await db.query<{ subject: string; body: string; created_at: Date }>(
    `select subject, body, created_at from inbox_messages where program_id = $1 and member_key = $2
      order by created_at desc, id desc limit 3`,
    [programId, memberKey],
  );
  return {
    reminders,
    inboxMessages: Number(count?.n ?? 0),
    upcoming,
    // Stored sealed: opened as the inbox API opens them.
    latestInbox: await Promise.all(
      latest.map(async (row) => ({
        ...(await openInboxText(db, programId, row)),
        createdAt: new Date(row.created_at).toISOString(),
      })),
    ),
  };
}
