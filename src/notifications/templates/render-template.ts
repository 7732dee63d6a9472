import type { MemberChannel, NotificationType } from '../message-types.ts';
import {
  charCount,
  type MessageTemplate,
  type RenderedMessage,
  TEMPLATE_LIMITS,
  type TemplateFieldError,
} from './template-types.ts';
import { variableNamesFor } from './template-variables.ts';

/** `{{name}}` placeholders, with optional whitespace inside the braces: `{{ points }}`. */

export type TemplateSegment = { kind: 'text'; text: string } | { kind: 'variable'; name: string };

export interface ParsedTemplate {
  segments: readonly TemplateSegment[];
  /** Variable names in order of first use. */
  variables: readonly string[];
  /** Characters outside placeholders: the shortest any rendering can be. */
  staticChars: number;
  /** Syntax problems. The offending text is kept as literal text, so rendering never fails. */
  errors: readonly string[];
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function parse(text: string): ParsedTemplate {
  const segments: TemplateSegment[] = [];
  const errors: string[] = [];
  let literal = '';
  let cursor = 0;
  while (cursor < text.length) {
    const open = text.indexOf('{{', cursor);
    if (open === -1) break;
    const close = text.indexOf('}}', open + 2);
    if (close === -1) {
      errors.push(`"{{" at character ${open + 1} is never closed with "}}"`);
      break;
    }
    const name = text.slice(open + 2, close).trim();
    if (!VARIABLE_NAME.test(name)) {
      errors.push(
        name === ''
          ? `"${text.slice(open, close + 2)}" at character ${open + 1} names no variable`
          : `"${name}" at character ${open + 1} is not a variable name (letters, digits and _)`,
      );
      literal += text.slice(cursor, close + 2);
    } else {
      literal += text.slice(cursor, open);
      if (literal !== '') segments.push({ kind: 'text', text: literal });
      literal = '';
      segments.push({ kind: 'variable', name });
    }
    cursor = close + 2;
  }
  literal += text.slice(cursor);
  if (literal !== '') segments.push({ kind: 'text', text: literal });
  return {
    segments,
    variables: [
      ...new Set(segments.flatMap((segment) => (segment.kind === 'variable' ? [segment.name] : []))),
    ],
    staticChars: segments.reduce(
      (sum, segment) => sum + (segment.kind === 'text' ? charCount(segment.text) : 0),
      0,
    ),
    errors,
  };
}

// A program has a few dozen templates and a fan-out renders them thousands of times; the bound only
// keeps previews of ever-new texts from growing the cache without end.
const MAX_CACHED = 1_000;
const cache = new Map<string, ParsedTemplate>();

export function parseTemplate(text: string): ParsedTemplate {
  let parsed = cache.get(text);
  if (!parsed) {
    parsed = parse(text);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(text, parsed);
  }
  return parsed;
}

function render(text: string, variables: Record<string, string>): string {
  let output = '';
  for (const segment of parseTemplate(text).segments) {
    if (segment.kind === 'text') output += segment.text;
    // hasOwn: `{{constructor}}` must not print Object.prototype.constructor.
    else if (Object.hasOwn(variables, segment.name)) output += variables[segment.name];
  }
  return output;
}

/** Inserts values verbatim (plain text, no escaping); a variable without a value renders empty. */
export function renderTemplate(
  template: Pick<MessageTemplate, 'subject' | 'body'>,
  variables: Record<string, string>,
): RenderedMessage {
  return {
    subject: template.subject === null ? null : render(template.subject, variables),
    body: render(template.body, variables),
  };
}

function textErrors(field: 'subject' | 'body', text: string, type: NotificationType): TemplateFieldError[] {
  const parsed = parseTemplate(text);
  const known = variableNamesFor(type);
  return [
    ...parsed.errors.map((message) => ({ field, message })),
    ...parsed.variables
      .filter((name) => !known.includes(name))
      .map((name) => ({
        field,
        message: `unknown variable "${name}" for ${type}; known: ${known.join(', ')}`,
      })),
  ];
}

function subjectErrors(
  channel: MemberChannel,
  template: MessageTemplate,
  type: NotificationType,
): TemplateFieldError[] {
  const subject = template.subject;
  const field = 'subject' as const;
  if (channel === 'sms')
    return subject === null ? [] : [{ field, message: 'SMS has no subject; set it to null' }];
  if (subject === null || subject.trim() === '')
    return [{ field, message: `${channel} messages need a subject` }];
  const errors = textErrors(field, subject, type);
  const chars = charCount(subject);
  if (chars > TEMPLATE_LIMITS.subjectChars) {
    errors.push({
      field,
      message: `subject is ${chars} characters; at most ${TEMPLATE_LIMITS.subjectChars}`,
    });
  }
  if (/[\r\n]/.test(subject)) errors.push({ field, message: 'subject must be a single line' });
  return errors;
}

function bodyErrors(
  channel: MemberChannel,
  template: MessageTemplate,
  type: NotificationType,
): TemplateFieldError[] {
  const body = template.body;
  const field = 'body' as const;
  if (body.trim() === '') return [{ field, message: 'body is empty' }];
  const errors = textErrors(field, body, type);
  const chars = charCount(body);
  if (chars > TEMPLATE_LIMITS.bodyChars) {
    errors.push({ field, message: `body is ${chars} characters; at most ${TEMPLATE_LIMITS.bodyChars}` });
  }
  const staticChars = parseTemplate(body).staticChars;
  if (channel === 'sms' && staticChars > TEMPLATE_LIMITS.smsChars) {
    errors.push({
      field,
      message: `SMS text outside variables is already ${staticChars} characters; at most ${TEMPLATE_LIMITS.smsChars} are sent`,
    });
  }
  return errors;
}

/** Everything wrong with a template for this type and channel; empty when it can be saved. */
export function validateTemplate(
  type: NotificationType,
  channel: MemberChannel,
  template: MessageTemplate,
): TemplateFieldError[] {
  return [...subjectErrors(channel, template, type), ...bodyErrors(channel, template, type)];
}
