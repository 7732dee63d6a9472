import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { membersErrorsZhCN, membersZhCN } from './messages.zh-CN.ts';

/** The Members screen's messages in English: the same keys as messages.zh-CN.ts. */
export const membersEn: MessagesLike<typeof membersZhCN> = {
  title: 'Members',
};

export const membersErrorsEn: MessagesLike<typeof membersErrorsZhCN> = {};
