import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { staffErrorsZhCN, staffZhCN } from './messages.zh-CN.ts';

/** The Staff & roles screen's messages in English: the same keys as messages.zh-CN.ts. */
export const staffEn: MessagesLike<typeof staffZhCN> = {
  title: 'Staff & roles',
};

export const staffErrorsEn: MessagesLike<typeof staffErrorsZhCN> = {};
