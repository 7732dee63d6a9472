import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { settingsErrorsZhCN, settingsZhCN } from './messages.zh-CN.ts';

/** The Program settings screen's messages in English: the same keys as messages.zh-CN.ts. */
export const settingsEn: MessagesLike<typeof settingsZhCN> = {
  title: 'Program settings',
};

export const settingsErrorsEn: MessagesLike<typeof settingsErrorsZhCN> = {};
