import { Type } from '@sinclair/typebox';
import { MemberId } from '../../shared/api-schemas.ts';

/** Response and request shapes of the member inbox (站内信); the OpenAPI document is generated from them. */

export const InboxMessageParams = Type.Object({
  memberId: MemberId,
  messageId: Type.String({ minLength: 1, maxLength: 64 }),
});

export const InboxMessage = Type.Object({
  id: Type.String({ description: 'The message id (the same one webhooks carry).' }),
  type: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  category: Type.String({ description: 'transactional or marketing.' }),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
