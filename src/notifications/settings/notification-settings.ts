import type { Queryable } from '../../db/database.ts';
import {
  type Language,
  MEMBER_CHANNELS,
  type MemberChannel,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../message-types.ts';
import { defaultChannelsFor } from '../templates/default-templates.ts';

/** A program's notification choices; every field has a default, so a program without a row works. */
export interface NotificationSettings {
  /** For members who have not chosen a language. */
  defaultLanguage: Language;
  /** Days before expiry to remind members, largest first (default 30, 7 and 1). */
  reminderOffsetsDays: number[];
  /** No SMS between `start` and `end` (HH:MM, program timezone); a message waits until `end`. */
  quietHours: { start: string; end: string } | null;
  /** Member channels per type; a type not listed uses its default channels. */
  channels: Record<NotificationType, MemberChannel[]>;
}

export type NotificationSettingsInput = Partial<
  Omit<NotificationSettings, 'channels'> & { channels: Partial<Record<NotificationType, MemberChannel[]>> }
>;

export const DEFAULT_REMINDER_OFFSETS_DAYS = [30, 7, 1];
export const DEFAULT_QUIET_HOURS = { start: '21:00', end: '09:00' };

function defaultSettings(): NotificationSettings {
  const channels = Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, defaultChannelsFor(type)]));
  return {
    defaultLanguage: 'zh-CN',
    reminderOffsetsDays: [...DEFAULT_REMINDER_OFFSETS_DAYS],
    quietHours: { ...DEFAULT_QUIET_HOURS },
    channels: channels as NotificationSettings['channels'],
  };
}

/** Stored choices over the defaults. */
export function withDefaults(stored: NotificationSettingsInput | null | undefined): NotificationSettings {
  const settings = defaultSettings();
  if (!stored) return settings;
  return {
    defaultLanguage: stored.defaultLanguage ?? settings.defaultLanguage,
    reminderOffsetsDays: stored.reminderOffsetsDays ?? settings.reminderOffsetsDays,
    quietHours: stored.quietHours === undefined ? settings.quietHours : stored.quietHours,
    channels: { ...settings.channels, ...stored.channels },
  };
}

export async function getNotificationSettings(
  db: Queryable,
  programId: string,
): Promise<NotificationSettings> {
  const [row] = await db.query<{ settings: NotificationSettingsInput }>(
    'select settings from notification_settings where program_id = $1',
    [programId],
  );
  return withDefaults(row?.settings);
}

/** Settings of several programs at once (the dispatcher and the reminder sweep serve them all). */
export async function notificationSettingsOf(
  db: Queryable,
  programIds: readonly string[],
): Promise<Map<string, NotificationSettings>> {
  const rows = await db.query<{ program_id: string; settings: NotificationSettingsInput }>(
    'select program_id, settings from notification_settings where program_id = any($1::text[])',
    [programIds],
  );
  const stored = new Map(rows.map((row) => [row.program_id, row.settings]));
  return new Map(programIds.map((id) => [id, withDefaults(stored.get(id))]));
}

export interface SettingsError {
  field: string;
  message: string;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What the schema cannot say; an empty list means the input is good. */
export function settingsErrors(input: NotificationSettingsInput): SettingsError[] {
  const errors: SettingsError[] = [];
  const offsets = input.reminderOffsetsDays;
  if (offsets !== undefined) {
    if (new Set(offsets).size !== offsets.length)
      errors.push({ field: 'body/reminderOffsetsDays', message: 'each offset may appear only once' });
    if (offsets.some((days) => !Number.isInteger(days) || days < 1 || days > 365))
      errors.push({ field: 'body/reminderOffsetsDays', message: 'offsets are whole days from 1 to 365' });
  }
  const quiet = input.quietHours;
  if (quiet) {
    for (const key of ['start', 'end'] as const)
      if (!TIME.test(quiet[key]))
        errors.push({ field: `body/quietHours/${key}`, message: 'must be HH:MM, 00:00–23:59' });
    if (quiet.start === quiet.end)
      errors.push({
        field: 'body/quietHours',
        message: 'start and end must differ (use null for no quiet hours)',
      });
  }
  for (const [type, channels] of Object.entries(input.channels ?? {})) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type))
      errors.push({ field: `body/channels/${type}`, message: `"${type}" is not a notification type` });
    if (new Set(channels).size !== (channels ?? []).length)
      errors.push({ field: `body/channels/${type}`, message: 'each channel may appear only once' });
    for (const channel of channels ?? [])
      if (!(MEMBER_CHANNELS as readonly string[]).includes(channel))
        errors.push({ field: `body/channels/${type}`, message: `"${channel}" is not inbox, email or sms` });
  }
  return errors;
}

/** Merges `input` into the stored settings and returns the result with defaults. */
export async function putNotificationSettings(
  tx: Queryable,
  programId: string,
  input: NotificationSettingsInput,
  now: Date,
): Promise<NotificationSettings> {
  // The row exists before it is read for update, so two first saves queue instead of one losing.
  await tx.query(
    `insert into notification_settings (program_id, settings, updated_at) values ($1, '{}', $2)
     on conflict (program_id) do nothing`,
    [programId, now],
  );
  const [row] = await tx.query<{ settings: NotificationSettingsInput }>(
    'select settings from notification_settings where program_id = $1 for update',
    [programId],
  );
  const merged: NotificationSettingsInput = {
    ...row?.settings,
    ...input,
    channels: { ...row?.settings?.channels, ...input.channels },
  };
  if (merged.reminderOffsetsDays)
    merged.reminderOffsetsDays = [...merged.reminderOffsetsDays].sort((a, b) => b - a);
  await tx.query(
    `insert into notification_settings (program_id, settings, updated_at) values ($1, $2::jsonb, $3)
     on conflict (program_id) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
    [programId, JSON.stringify(merged), now],
  );
  return withDefaults(merged);
}
