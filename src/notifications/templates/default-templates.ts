import type { Language, MemberChannel, NotificationType } from '../message-types.ts';
import { EN_TEXTS } from './default-texts-en.ts';
import { ZH_CN_TEXTS } from './default-texts-zh-cn.ts';
import type { DefaultTexts, MessageTemplate } from './template-types.ts';

/** What a program sends until it writes its own templates (SPEC §3.6). */

const TEXTS: Record<Language, Record<NotificationType, DefaultTexts>> = {
  'zh-CN': ZH_CN_TEXTS,
  en: EN_TEXTS,
};

/** A fresh copy each call, so a caller editing it cannot change the defaults for everyone. */
export function defaultTemplate(
  type: NotificationType,
  channel: MemberChannel,
  language: Language,
): MessageTemplate {
  const texts = TEXTS[language][type];
  if (channel === 'sms') return { subject: null, body: texts.sms, category: 'transactional' };
  return { ...texts[channel], category: 'transactional' };
}

const DEFAULT_CHANNELS: Record<NotificationType, readonly MemberChannel[]> = {
  // Missing an expiry costs the member points, so it is worth an email and an SMS.
  'points.expiring': ['inbox', 'email', 'sms'],
  'points.earned': ['inbox'],
  'points.spent': ['inbox'],
  'points.expired': ['inbox'],
  'points.adjusted': ['inbox'],
  'points.reversed': ['inbox'],
  'tier.changed': ['inbox', 'email'],
  'redemption.created': ['inbox', 'email'],
  'redemption.cancelled': ['inbox', 'email'],
  // Delivery news is time-sensitive: the member may need to be home to receive the parcel.
  'redemption.shipped': ['inbox', 'sms'],
  'redemption.delivered': ['inbox', 'sms'],
  // For operators: it reaches them through webhooks, never the member.
  'risk.case.opened': [],
};

/** The member channels a program sends `type` on unless it chooses otherwise. */
export const defaultChannelsFor = (type: NotificationType): MemberChannel[] => [...DEFAULT_CHANNELS[type]];
