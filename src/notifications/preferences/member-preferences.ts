import type { Database, Queryable } from '../../db/database.ts';
import { asMemberKey, type MemberKey } from '../../members/member-key.ts';
import { memberKeyOf } from '../../members/member-store.ts';
import { JifenError } from '../../shared/errors.ts';
import { blindIndex, isSealed, openNullable, sealNullable } from '../../vault/field-cipher.ts';
import { LEGACY_BATCH, sealInBatches } from '../../vault/legacy-plaintext.ts';
import { toE164, validatePhoneNumber } from '../channels/sms-adapter.ts';
import { validateEmailAddress } from '../channels/smtp-sender.ts';
import type { Language, MemberChannel } from '../message-types.ts';

/**
 * How a member wants to hear from the program, and their marketing consent. Without contacts only
 * the inbox can reach them, so the defaults (every channel on) amount to "inbox only".
 */
export interface Preferences {
  email: string | null;
  phone: string | null;
  /** null: the program's language. */
  language: Language | null;
  channels: Record<MemberChannel, boolean>;
  /** Marketing messages go only to members who said yes (个人信息保护法). */
  marketingConsent: boolean;
  /** When marketingConsent last changed; null while it never did. */
  consentUpdatedAt: Date | null;
  /** null: the member never set anything (these are the defaults). */
  updatedAt: Date | null;
}

/** A member's preferences as the API shows them: the member by the merchant's id it was asked for. */
export interface MemberPreferences extends Preferences {
  memberId: string;
}

export interface MemberPreferencesPatch {
  email?: string | null | undefined;
  phone?: string | null | undefined;
  language?: Language | null | undefined;
  channels?: Partial<Record<MemberChannel, boolean>> | undefined;
  marketingConsent?: boolean | undefined;
}

interface PreferencesRow {
  member_key: string;
  email: string | null;
  phone: string | null;
  language: Language | null;
  inbox: boolean;
  email_enabled: boolean;
  sms_enabled: boolean;
  marketing_consent: boolean;
  consent_updated_at: Date | null;
  updated_at: Date;
}

export const defaultPreferences = (): Preferences => ({
  email: null,
  phone: null,
  language: null,
  channels: { inbox: true, email: true, sms: true },
  marketingConsent: false,
  consentUpdatedAt: null,
  updatedAt: null,
});

/** Contacts are sealed at rest (docs/privacy.md); these are their fields' names in the vault. */
const EMAIL = 'member_notification_preferences.email';
const PHONE = 'member_notification_preferences.phone';

async function toPreferences(db: Queryable, programId: string, row: PreferencesRow): Promise<Preferences> {
  return {
    email: await openNullable(db, programId, EMAIL, row.email),
    phone: await openNullable(db, programId, PHONE, row.phone),
    ...toSettings(row),
  };
}

const toSettings = (row: PreferencesRow) => ({
  language: row.language,
  channels: { inbox: row.inbox, email: row.email_enabled, sms: row.sms_enabled },
  marketingConsent: row.marketing_consent,
  consentUpdatedAt: row.consent_updated_at === null ? null : new Date(row.consent_updated_at),
  updatedAt: new Date(row.updated_at),
});

/** The blind index of a phone number (validated): the same number in any accepted form gives the same. */
export function phoneIndex(db: Queryable, programId: string, phone: string): Promise<string> {
  return blindIndex(db, programId, PHONE, toE164(phone));
}

export function memberPreferencesView(preferences: MemberPreferences) {
  return {
    ...preferences,
    consentUpdatedAt: preferences.consentUpdatedAt?.toISOString() ?? null,
    updatedAt: preferences.updatedAt?.toISOString() ?? null,
  };
}

/**
 * The preferences of many members at once, by key (the dispatcher's read); defaults for those
 * without a row.
 */
export async function memberPreferences(
  db: Queryable,
  programId: string,
  memberKeys: MemberKey[],
): Promise<Map<MemberKey, Preferences>> {
  const found = new Map<MemberKey, Preferences>();
  if (memberKeys.length === 0) return found;
  const rows = await db.query<PreferencesRow>(
    `select * from member_notification_preferences where program_id = $1 and member_key = any($2::text[])`,
    [programId, memberKeys],
  );
  for (const row of rows) found.set(asMemberKey(row.member_key), await toPreferences(db, programId, row));
  for (const memberKey of memberKeys) if (!found.has(memberKey)) found.set(memberKey, defaultPreferences());
  return found;
}

export async function getMemberPreferences(
  db: Queryable,
  programId: string,
  memberId: string,
): Promise<MemberPreferences> {
  const memberKey = await memberKeyOf(db, programId, memberId);
  const [row] = await db.query<PreferencesRow>(
    'select * from member_notification_preferences where program_id = $1 and member_key = $2',
    [programId, memberKey],
  );
  return { memberId, ...(row ? await toPreferences(db, programId, row) : defaultPreferences()) };
}

/** What the schema cannot check: contacts that could not be reached. */
function contactErrors(patch: MemberPreferencesPatch): { field: string; message: string }[] {
  const errors = [];
  const emailProblem = typeof patch.email === 'string' ? validateEmailAddress(patch.email) : null;
  if (emailProblem) errors.push({ field: 'body/email', message: emailProblem });
  const phoneProblem = typeof patch.phone === 'string' ? validatePhoneNumber(patch.phone) : null;
  if (phoneProblem) errors.push({ field: 'body/phone', message: phoneProblem });
  return errors;
}

/**
 * Changes the fields given and keeps the others (null clears a contact or the language). The merge
 * is one upsert, so two changes at once cannot undo each other; consent_updated_at moves only when
 * the consent itself changes, which is the audit trail the law asks for.
 */
export async function putMemberPreferences(
  db: Queryable,
  programId: string,
  memberId: string,
  patch: MemberPreferencesPatch,
  now: Date,
): Promise<MemberPreferences> {
  const errors = contactErrors(patch);
  if (errors.length > 0) {
    throw new JifenError('validation_failed', {
      detail: errors.map((error) => `${error.field} ${error.message}`).join('; '),
      extensions: { errors },
    });
  }
  // A member, once committed, is never deleted: one that exists now still does at the upsert.
  const memberKey = await memberKeyOf(db, programId, memberId);
  const given = (value: unknown) => value !== undefined;
  const [row] = await db.query<PreferencesRow>(
    `insert into member_notification_preferences as p
       (program_id, member_key, email, phone, phone_index, language, inbox, email_enabled, sms_enabled,
        marketing_consent, consent_updated_at, updated_at)
     values ($1, $2, $3::text, $4::text, $14::text, $5::text,
             coalesce($9::boolean, true), coalesce($10::boolean, true), coalesce($11::boolean, true),
             coalesce($12::boolean, false), case when $12::boolean then $13::timestamptz end, $13::timestamptz)
     on conflict (program_id, member_key) do update set
       email = case when $6::boolean then excluded.email else p.email end,
       phone = case when $7::boolean then excluded.phone else p.phone end,
       phone_index = case when $7::boolean then excluded.phone_index else p.phone_index end,
       language = case when $8::boolean then excluded.language else p.language end,
       inbox = coalesce($9::boolean, p.inbox),
       email_enabled = coalesce($10::boolean, p.email_enabled),
       sms_enabled = coalesce($11::boolean, p.sms_enabled),
       marketing_consent = coalesce($12::boolean, p.marketing_consent),
       consent_updated_at = case when $12::boolean is not null and $12::boolean <> p.marketing_consent
                                 then $13::timestamptz else p.consent_updated_at end,
       updated_at = $13::timestamptz
     returning *`,
    [
      programId,
      memberKey,
      await sealNullable(db, programId, EMAIL, patch.email),
      await sealNullable(db, programId, PHONE, patch.phone),
      patch.language ?? null,
      given(patch.email),
      given(patch.phone),
      given(patch.language),
      patch.channels?.inbox ?? null,
      patch.channels?.email ?? null,
      patch.channels?.sms ?? null,
      patch.marketingConsent ?? null,
      now.toISOString(),
      typeof patch.phone === 'string' ? await phoneIndex(db, programId, patch.phone) : null,
    ],
  );
  return { memberId, ...(await toPreferences(db, programId, row!)) };
}

/**
 * The members whose notification phone is `phone`, as a condition on a member-key column (for the
 * member list): found by the blind index, never by the number. A number that cannot be a phone
 * number is a validation error saying what form it must have.
 */
export async function phoneCondition(
  db: Queryable,
  programId: string,
  phone: string,
): Promise<{ sql: (keyColumn: string, firstParam: number) => string; params: unknown[] }> {
  const problem = validatePhoneNumber(phone);
  if (problem) {
    throw new JifenError('validation_failed', {
      detail: `querystring/phone ${problem}`,
      extensions: { errors: [{ field: 'querystring/phone', message: problem }] },
    });
  }
  const index = await phoneIndex(db, programId, phone);
  return {
    sql: (keyColumn, n) =>
      `${keyColumn} in (select by_phone.member_key from member_notification_preferences by_phone
                         where by_phone.program_id = $${n}::text and by_phone.phone_index = $${n + 1}::text)`,
    params: [programId, index],
  };
}

/**
 * Seals contacts stored in plain text before the vault (the legacy sealer `jifen serve` runs at
 * start; see vault/legacy-plaintext.ts) and gives their phones a blind index: 500 rows per
 * transaction, until none is left.
 */
export async function sealLegacyContacts(db: Database): Promise<number> {
  return sealInBatches(db, async (tx) => {
    const rows = await tx.query<{
      program_id: string;
      member_key: string;
      email: string | null;
      phone: string | null;
    }>(
      `select program_id, member_key, email, phone from member_notification_preferences
          where email not like 'enc:v1:%' or phone not like 'enc:v1:%'
          order by program_id, member_key limit ${LEGACY_BATCH} for update`,
    );
    let sealed = 0;
    for (const row of rows) {
      const plain = (value: string | null) => (value === null || isSealed(value) ? null : value);
      const email = plain(row.email);
      const phone = plain(row.phone);
      await tx.query(
        `update member_notification_preferences
              set email = coalesce($3, email), phone = coalesce($4, phone), phone_index = coalesce($5, phone_index)
            where program_id = $1 and member_key = $2`,
        [
          row.program_id,
          row.member_key,
          await sealNullable(tx, row.program_id, EMAIL, email),
          await sealNullable(tx, row.program_id, PHONE, phone),
          phone !== null && validatePhoneNumber(phone) === null
            ? await phoneIndex(tx, row.program_id, phone)
            : null,
        ],
      );
      sealed += (email === null ? 0 : 1) + (phone === null ? 0 : 1);
    }
    return { rows: rows.length, sealed };
  });
}

/** Erasure: the member's contacts (and their blind index) go, and with them marketing consent. */
export async function eraseContacts(
  tx: Queryable,
  programId: string,
  memberKey: MemberKey,
  now: Date,
): Promise<void> {
  await tx.query(
    `update member_notification_preferences
        set email = null, phone = null, phone_index = null,
            consent_updated_at = case when marketing_consent then $3::timestamptz else consent_updated_at end,
            marketing_consent = false, updated_at = $3
      where program_id = $1 and member_key = $2`,
    [programId, memberKey, now.toISOString()],
  );
}
