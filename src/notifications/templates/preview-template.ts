import type { Language, MemberChannel, NotificationDataByType, NotificationType } from '../message-types.ts';
import { defaultTemplate } from './default-templates.ts';
import { renderTemplate, validateTemplate } from './render-template.ts';
import { sampleData } from './sample-data.ts';
import {
  charCount,
  type MessageTemplate,
  type RenderedMessage,
  TEMPLATE_LIMITS,
  type TemplateContext,
  type TemplateFieldError,
} from './template-types.ts';
import { templateVariables } from './template-variables.ts';

export { sampleData } from './sample-data.ts';

export interface PreviewRequest<T extends NotificationType> extends TemplateContext {
  type: T;
  channel: MemberChannel;
  language: Language;
  /** The template being edited; the default one when absent. */
  template?: MessageTemplate;
  /** A real payload to try; a sample when absent. */
  data?: NotificationDataByType[T];
}

export interface TemplatePreview {
  rendered: RenderedMessage;
  variables: Record<string, string>;
  errors: TemplateFieldError[];
}

/** Renders a template the way it would be sent, with what is wrong with it, without sending anything. */
export function previewTemplate<T extends NotificationType>(request: PreviewRequest<T>): TemplatePreview {
  const { type, channel, language } = request;
  const template = request.template ?? defaultTemplate(type, channel, language);
  const variables = templateVariables(type, request.data ?? sampleData(type), language, {
    timezone: request.timezone,
    tierNames: request.tierNames,
  });
  const rendered = renderTemplate(template, variables);
  const errors = validateTemplate(type, channel, template);
  const smsChars = charCount(rendered.body);
  // Static text within the limit can still overflow once long values (a reason, a reward name) are in.
  if (channel === 'sms' && smsChars > TEMPLATE_LIMITS.smsChars) {
    errors.push({
      field: 'body',
      message: `this SMS renders to ${smsChars} characters; at most ${TEMPLATE_LIMITS.smsChars} are sent`,
    });
  }
  return { rendered, variables, errors };
}
