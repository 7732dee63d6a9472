import type { Queryable } from '../../db/database.ts';
import {
  LANGUAGES,
  type Language,
  MEMBER_CHANNELS,
  type MemberChannel,
  NOTIFICATION_TYPES,
  type NotificationType,
} from '../message-types.ts';
import { defaultTemplate } from './default-templates.ts';
import type { MessageTemplate } from './template-types.ts';

/** A template in force for one type, channel and language: the program's own, or the default. */
export interface EffectiveTemplate extends MessageTemplate {
  type: NotificationType;
  channel: MemberChannel;
  language: Language;
  custom: boolean;
  updatedAt: string | null;
}

interface TemplateRow {
  type: NotificationType;
  channel: MemberChannel;
  language: Language;
  subject: string | null;
  body: string;
  category: MessageTemplate['category'];
  updated_at: Date;
}

const key = (type: string, channel: string, language: string) => `${type}|${channel}|${language}`;

/** Every type × channel × language, each with the program's wording where it has one. */
export async function listTemplates(
  db: Queryable,
  programId: string,
  filter: { type?: NotificationType; channel?: MemberChannel; language?: Language } = {},
): Promise<EffectiveTemplate[]> {
  const rows = await db.query<TemplateRow>(
    'select type, channel, language, subject, body, category, updated_at from notification_templates where program_id = $1',
    [programId],
  );
  const custom = new Map(rows.map((row) => [key(row.type, row.channel, row.language), row]));
  const result: EffectiveTemplate[] = [];
  for (const type of NOTIFICATION_TYPES) {
    if (filter.type && filter.type !== type) continue;
    for (const channel of MEMBER_CHANNELS) {
      if (filter.channel && filter.channel !== channel) continue;
      for (const language of LANGUAGES) {
        if (filter.language && filter.language !== language) continue;
        const row = custom.get(key(type, channel, language));
        result.push(
          row
            ? {
                type,
                channel,
                language,
                subject: row.subject,
                body: row.body,
                category: row.category,
                custom: true,
                updatedAt: new Date(row.updated_at).toISOString(),
              }
            : {
                type,
                channel,
                language,
                ...defaultTemplate(type, channel, language),
                custom: false,
                updatedAt: null,
              },
        );
      }
    }
  }
  return result;
}

export async function putTemplate(
  db: Queryable,
  programId: string,
  target: { type: NotificationType; channel: MemberChannel; language: Language },
  template: MessageTemplate,
  now: Date,
): Promise<EffectiveTemplate> {
  await db.query(
    `insert into notification_templates (program_id, type, channel, language, subject, body, category, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (program_id, type, channel, language)
     do update set subject = excluded.subject, body = excluded.body, category = excluded.category,
                   updated_at = excluded.updated_at`,
    [
      programId,
      target.type,
      target.channel,
      target.language,
      template.subject,
      template.body,
      template.category,
      now,
    ],
  );
  return { ...target, ...template, custom: true, updatedAt: now.toISOString() };
}

/** Goes back to the default wording; answers the template now in force. */
export async function deleteTemplate(
  db: Queryable,
  programId: string,
  target: { type: NotificationType; channel: MemberChannel; language: Language },
): Promise<EffectiveTemplate> {
  await db.query(
    'delete from notification_templates where program_id = $1 and type = $2 and channel = $3 and language = $4',
    [programId, target.type, target.channel, target.language],
  );
  return {
    ...target,
    ...defaultTemplate(target.type, target.channel, target.language),
    custom: false,
    updatedAt: null,
  };
}
