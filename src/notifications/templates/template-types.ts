import type { Language, MessageCategory } from '../message-types.ts';

/**
 * What a program writes for one notification type, channel and language (SPEC §3.6). Texts use
 * `{{variable}}` placeholders; which variables exist depends on the type (see template-variables.ts).
 */
export interface MessageTemplate {
  /** The inbox title or email subject; null for SMS, which has only a body. */
  subject: string | null;
  /** Plain text in every channel: email is sent without HTML. */
  body: string;
  category: MessageCategory;
}

export interface RenderedMessage {
  subject: string | null;
  body: string;
}

/** What rendering needs besides the payload: the program's timezone and, optionally, its tier names. */
export interface TemplateContext {
  timezone: string;
  /** Tier names by tier code, used when a tier.changed payload carries none of its own. */
  tierNames?: Record<string, Record<Language, string>>;
}

/** The wording of one type's default messages in one language; all defaults are transactional. */
export interface DefaultTexts {
  inbox: { subject: string; body: string };
  email: { subject: string; body: string };
  sms: string;
}

/** A problem with a template, reported per field so an editor can point at it. */
export interface TemplateFieldError {
  field: 'subject' | 'body';
  message: string;
}

/** Lengths are counted in characters (code points): a Chinese character counts as one. */
export const TEMPLATE_LIMITS = {
  subjectChars: 200,
  bodyChars: 10_000,
  /** SMS providers split or refuse longer texts; counted after rendering. */
  smsChars: 500,
} as const;

export const charCount = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};
