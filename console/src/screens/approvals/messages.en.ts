import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { approvalsErrorsZhCN, approvalsZhCN } from './messages.zh-CN.ts';

/** The Approvals screen's messages in English: the same keys as messages.zh-CN.ts. */
export const approvalsEn: MessagesLike<typeof approvalsZhCN> = {
  title: 'Approvals',
};

export const approvalsErrorsEn: MessagesLike<typeof approvalsErrorsZhCN> = {};
