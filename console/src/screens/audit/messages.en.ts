import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { auditErrorsZhCN, auditZhCN } from './messages.zh-CN.ts';

/** The Audit log screen's messages in English: the same keys as messages.zh-CN.ts. */
export const auditEn: MessagesLike<typeof auditZhCN> = {
  title: 'Audit log',
};

export const auditErrorsEn: MessagesLike<typeof auditErrorsZhCN> = {};
