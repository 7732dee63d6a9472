import { awaitAtCommit } from '../../db/commit-pipeline.ts';
import type { Database, Queryable } from '../../db/database.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { programTimezones } from '../../programs/program-store.ts';
import type { Clock } from '../../shared/clock.ts';
import { newId } from '../../shared/ids.ts';
import { isSealed, sealNullable, sealText } from '../../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../../vault/legacy-plaintext.ts';
import { INBOX_BODY, INBOX_SUBJECT } from '../inbox/inbox-store.ts';
import {
  isNotificationType,
  type MemberChannel,
  type MessageType,
  type NotificationDataByType,
  type NotificationType,
  type OutboxMessage,
} from '../message-types.ts';
import { openOutboxData } from '../outbox/outbox-sql.ts';
import {
  defaultPreferences,
  memberPreferences,
  type Preferences,
} from '../preferences/member-preferences.ts';
import { type NotificationSettings, notificationSettingsOf } from '../settings/notification-settings.ts';
import { defaultTemplate } from '../templates/default-templates.ts';
import { renderTemplate } from '../templates/render-template.ts';
import type { MessageTemplate } from '../templates/template-types.ts';
import { templateVariables } from '../templates/template-variables.ts';
import { afterQuietHours } from './quiet-hours.ts';
import { RETRY_WINDOW_MS } from './retry-schedule.ts';

interface OutboxRow {
  program_id: string;
  id: string;
  type: MessageType;
  member_key: MemberKey | null;
  data: OutboxMessage['data'];
  created_at: Date;
}

/** What fanning out a batch needs to know about its programs, read once per batch. */
interface ProgramContext {
  timezone: string;
  settings: NotificationSettings;
  endpoints: { id: string; types: string[] }[];
  templates: Map<string, MessageTemplate>;
}

const templateKey = (type: string, channel: string, language: string) => `${type}|${channel}|${language}`;

interface DeliveryRow {
  programId: string;
  id: string;
  messageId: string;
  channel: 'webhook' | 'email' | 'sms';
  endpointId: string | null;
  memberKey: MemberKey | null;
  recipient: string | null;
  subject: string | null;
  body: string | null;
  nextAttemptAt: Date;
}

interface InboxRow {
  programId: string;
  memberKey: MemberKey;
  id: string;
  type: string;
  subject: string;
  body: string;
  category: string;
  createdAt: Date;
}

export interface FanOutOptions {
  batchSize?: number;
  /** Email deliveries are made only when an SMTP server is configured. */
  emailConfigured: boolean;
  /** A message whose member channels could not be rendered; its webhooks still go out. */
  onMessageError?: (messageId: string, error: Error) => void;
}

/**
 * Turns outbox messages into deliveries (webhooks, email, SMS) and inbox messages. Each batch is
 * one transaction that takes its messages with SKIP LOCKED and marks them dispatched, so several
 * servers fan out side by side and every message is fanned out exactly once. Messages are
 * rendered here, in the member's language with the program's templates of this moment: what was
 * sent is what the delivery row says.
 */
export async function fanOutMessages(db: Database, clock: Clock, options: FanOutOptions): Promise<number> {
  const batchSize = options.batchSize ?? 500;
  return db.transaction(async (tx) => {
    const now = clock.now();
    const rows = await tx.query<OutboxRow & { data: unknown }>(
      `select program_id, id, type, member_key, data, created_at from outbox
        where dispatched_at is null order by created_at, id limit $1 for update skip locked`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    // Payloads are sealed at rest (outbox-sql.ts); rendering needs them open.
    const messages = await Promise.all(
      rows.map(
        async (row): Promise<OutboxRow> => ({
          ...row,
          data: await openOutboxData<OutboxRow['data']>(tx, row.program_id, row.data),
        }),
      ),
    );
    // The reads go out together and the connection answers them in order (pipeline mode): one
    // round trip for all of them.
    const [programs, preferences] = await Promise.all([
      programContexts(tx, [...new Set(messages.map((m) => m.program_id))]),
      preferencesOf(tx, messages),
    ]);
    const deliveries: DeliveryRow[] = [];
    const inbox: InboxRow[] = [];
    for (const message of messages) {
      const program = programs.get(message.program_id)!;
      for (const endpoint of program.endpoints) {
        if (endpoint.types.length > 0 && !endpoint.types.includes(message.type)) continue;
        deliveries.push(delivery(message, 'webhook', now, { endpointId: endpoint.id }));
      }
      // Messages about the program (an import finished) go to webhooks only.
      if (message.member_key === null || !isNotificationType(message.type)) continue;
      const member = preferences.get(`${message.program_id}|${message.member_key}`) ?? defaultPreferences();
      // One message that cannot be rendered (a payload an older version wrote, say) must not
      // hold up every message behind it: it goes to webhooks only, and the error is reported.
      const before = { deliveries: deliveries.length, inbox: inbox.length };
      try {
        fanOutToMember(message as MemberMessageRow, program, member, now, options, deliveries, inbox);
      } catch (error) {
        deliveries.length = before.deliveries;
        inbox.length = before.inbox;
        options.onMessageError?.(message.id, error as Error);
      }
    }
    // The writes too, and the transaction awaits them at commit (`awaitAtCommit`).
    await awaitAtCommit(
      tx,
      Promise.all([
        insertDeliveries(tx, deliveries, now),
        insertInbox(tx, inbox),
        tx.query(
          `update outbox o set dispatched_at = $3 from unnest($1::text[], $2::text[]) as d(program_id, id)
            where o.program_id = d.program_id and o.id = d.id`,
          [messages.map((m) => m.program_id), messages.map((m) => m.id), now.toISOString()],
        ),
      ]),
    );
    return messages.length;
  });
}

/** A message to a member: a type with templates and channels. */
type MemberMessageRow = OutboxRow & {
  type: NotificationType;
  data: NotificationDataByType[NotificationType];
};

function fanOutToMember(
  message: MemberMessageRow,
  program: ProgramContext,
  member: Preferences,
  now: Date,
  options: FanOutOptions,
  deliveries: DeliveryRow[],
  inbox: InboxRow[],
): void {
  const language = member.language ?? program.settings.defaultLanguage;
  let variables: Record<string, string> | null = null;
  const render = (channel: MemberChannel) => {
    const template =
      program.templates.get(templateKey(message.type, channel, language)) ??
      defaultTemplate(message.type, channel, language);
    if (template.category === 'marketing' && !member.marketingConsent) return null;
    variables ??= templateVariables(message.type, message.data, language, { timezone: program.timezone });
    return { ...renderTemplate(template, variables), category: template.category };
  };
  for (const channel of program.settings.channels[message.type] ?? []) {
    if (channel === 'inbox' && member.channels.inbox) {
      const rendered = render('inbox');
      if (rendered)
        inbox.push({
          programId: message.program_id,
          memberKey: message.member_key!,
          id: message.id,
          type: message.type,
          subject: rendered.subject ?? '',
          body: rendered.body,
          category: rendered.category,
          createdAt: message.created_at,
        });
    } else if (channel === 'email' && member.channels.email && member.email && options.emailConfigured) {
      const rendered = render('email');
      if (rendered)
        deliveries.push(delivery(message, 'email', now, { recipient: member.email, ...rendered }));
    } else if (channel === 'sms' && member.channels.sms && member.phone) {
      const rendered = render('sms');
      const sendAt = afterQuietHours(now, program.settings.quietHours, program.timezone);
      if (rendered)
        deliveries.push(delivery(message, 'sms', sendAt, { recipient: member.phone, ...rendered }));
    }
  }
}

function delivery(
  message: OutboxRow,
  channel: DeliveryRow['channel'],
  nextAttemptAt: Date,
  target: { endpointId?: string; recipient?: string; subject?: string | null; body?: string },
): DeliveryRow {
  return {
    programId: message.program_id,
    id: newId('dlv'),
    messageId: message.id,
    channel,
    endpointId: target.endpointId ?? null,
    memberKey: message.member_key,
    recipient: target.recipient ?? null,
    subject: target.subject ?? null,
    body: target.body ?? null,
    nextAttemptAt,
  };
}

async function programContexts(tx: Queryable, programIds: string[]): Promise<Map<string, ProgramContext>> {
  // Sent together: the connection runs in pipeline mode (statements in order, no wait between).
  const [timezones, settings, endpoints, templates] = await Promise.all([
    programTimezones(tx, programIds),
    notificationSettingsOf(tx, programIds),
    tx.query<{ program_id: string; id: string; types: string[] }>(
      `select program_id, id, types from webhook_endpoints
        where program_id = any($1::text[]) and status = 'enabled' order by program_id, id`,
      [programIds],
    ),
    programTemplates(tx, programIds),
  ]);
  const programs = [...timezones].map(([id, timezone]) => ({ id, timezone }));
  return new Map(
    programs.map((program) => [
      program.id,
      {
        timezone: program.timezone,
        settings: settings.get(program.id)!,
        endpoints: endpoints.filter((endpoint) => endpoint.program_id === program.id),
        templates: new Map(
          templates
            .filter((row) => row.program_id === program.id)
            .map((row) => [
              templateKey(row.type, row.channel, row.language),
              { subject: row.subject, body: row.body, category: row.category },
            ]),
        ),
      },
    ]),
  );
}

function programTemplates(tx: Queryable, programIds: string[]) {
  return tx.query<{
    program_id: string;
    type: string;
    channel: string;
    language: string;
    subject: string | null;
    body: string;
    category: MessageTemplate['category'];
  }>(
    `select program_id, type, channel, language, subject, body, category from notification_templates
      where program_id = any($1::text[])`,
    [programIds],
  );
}

/** Each message's member's preferences, read per program, keyed `program|member key`. */
async function preferencesOf(tx: Queryable, messages: OutboxRow[]): Promise<Map<string, Preferences>> {
  const byProgram = new Map<string, Set<MemberKey>>();
  for (const message of messages) {
    if (message.member_key === null) continue;
    const members = byProgram.get(message.program_id) ?? new Set<MemberKey>();
    members.add(message.member_key);
    byProgram.set(message.program_id, members);
  }
  const result = new Map<string, Preferences>();
  const read = [...byProgram].map(async ([programId, memberKeys]) => {
    for (const [memberKey, preferences] of await memberPreferences(tx, programId, [...memberKeys]))
      result.set(`${programId}|${memberKey}`, preferences);
  });
  await Promise.all(read);
  return result;
}

/** A delivery's recipient (an e-mail address, a phone number) is sealed at rest, like its source. */
export const RECIPIENT = 'deliveries.recipient';
/**
 * The rendered e-mail or SMS (it names the member's points, tier, rewards) is sealed too, opened
 * only to send; webhook deliveries have neither (their payload is the outbox row's).
 */
export const DELIVERY_SUBJECT = 'deliveries.subject';
export const DELIVERY_BODY = 'deliveries.body';

async function insertDeliveries(tx: Queryable, rows: DeliveryRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  const [recipients, subjects, bodies] = await Promise.all([
    Promise.all(rows.map((row) => sealNullable(tx, row.programId, RECIPIENT, row.recipient))),
    Promise.all(rows.map((row) => sealNullable(tx, row.programId, DELIVERY_SUBJECT, row.subject))),
    Promise.all(rows.map((row) => sealNullable(tx, row.programId, DELIVERY_BODY, row.body))),
  ]);
  const column = <T>(get: (row: DeliveryRow, index: number) => T) => rows.map(get);
  await tx.query(
    `insert into deliveries (program_id, id, message_id, channel, endpoint_id, member_key, recipient, subject, body,
                             status, next_attempt_at, retry_until, created_at)
     select program_id, id, message_id, channel, endpoint_id, member_key, recipient, subject, body, 'pending',
            next_attempt_at, next_attempt_at + $11::interval, $12
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                   $9::text[], $10::timestamptz[])
         as d(program_id, id, message_id, channel, endpoint_id, member_key, recipient, subject, body, next_attempt_at)
     on conflict do nothing`,
    [
      column((r) => r.programId),
      column((r) => r.id),
      column((r) => r.messageId),
      column((r) => r.channel),
      column((r) => r.endpointId),
      column((r) => r.memberKey),
      column((_, index) => recipients[index]),
      column((_, index) => subjects[index]),
      column((_, index) => bodies[index]),
      column((r) => r.nextAttemptAt.toISOString()),
      `${RETRY_WINDOW_MS} milliseconds`,
      now.toISOString(),
    ],
  );
}

async function insertInbox(tx: Queryable, rows: InboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  // The member's inbox is sealed at rest (inbox-store.ts opens it for the API).
  const [subjects, bodies] = await Promise.all([
    Promise.all(rows.map((row) => sealText(tx, row.programId, INBOX_SUBJECT, row.subject))),
    Promise.all(rows.map((row) => sealText(tx, row.programId, INBOX_BODY, row.body))),
  ]);
  const column = <T>(get: (row: InboxRow, index: number) => T) => rows.map(get);
  await tx.query(
    `insert into inbox_messages (program_id, member_key, id, type, subject, body, category, created_at)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::timestamptz[])
     on conflict do nothing`,
    [
      column((r) => r.programId),
      column((r) => r.memberKey),
      column((r) => r.id),
      column((r) => r.type),
      column((_, index) => subjects[index]),
      column((_, index) => bodies[index]),
      column((r) => r.category),
      column((r) => new Date(r.createdAt).toISOString()),
    ],
  );
}

/** Seals deliveries' recipients stored in plain text before the vault (see sealLegacyContacts). */
export async function sealLegacyRecipients(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{ program_id: string; id: string; recipient: string }>(
      `select program_id, id, recipient from deliveries
          where recipient not like 'enc:v1:%' order by program_id, id limit ${LEGACY_BATCH} for update`,
    );
    for (const row of rows) {
      await tx.query('update deliveries set recipient = $3 where program_id = $1 and id = $2', [
        row.program_id,
        row.id,
        await sealText(tx, row.program_id, RECIPIENT, row.recipient),
      ]);
    }
    return rows.length;
  });
}

/**
 * Seals deliveries' subjects and bodies (the rendered e-mail or SMS) stored in plain text before
 * the vault: 500 rows per transaction, only values without the prefix.
 */
export async function sealLegacyDeliveryMessages(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{
      program_id: string;
      id: string;
      subject: string | null;
      body: string | null;
    }>(
      `select program_id, id, subject, body from deliveries
          where subject not like 'enc:v1:%' or body not like 'enc:v1:%'
          order by program_id, id limit ${LEGACY_BATCH} for update`,
    );
    for (const row of rows) {
      const plain = (value: string | null) => (value === null || isSealed(value) ? null : value);
      await tx.query(
        `update deliveries set subject = coalesce($3, subject), body = coalesce($4, body)
            where program_id = $1 and id = $2`,
        [
          row.program_id,
          row.id,
          await sealNullable(tx, row.program_id, DELIVERY_SUBJECT, plain(row.subject)),
          await sealNullable(tx, row.program_id, DELIVERY_BODY, plain(row.body)),
        ],
      );
    }
    return rows.length;
  });
}
