import answers from './operation-answers.json' with { type: 'json' };

/**
 * Request examples of the OpenAPI document, by operationId, in the order they make sense as one
 * story (create a member, credit, spend, send an event...). `test/api/openapi-document.test.ts`
 * replays them in this order against a live server and checks each answers `status`; ids the
 * server makes (a rule's, a hold's) are taken from earlier answers by `captures` (param name →
 * path in the answer). The answers shown as response examples are recorded from that replay by
 * `npm run openapi:snapshot` (src/http/operation-answers.json), so they are real answers.
 */
export interface OperationExample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
  captures?: Record<string, string>;
}

const reason = { 'zh-CN': '消费 ¥500.00,每 1 元积 1 分', en: 'Spent ¥500.00: 1 point per ¥1' };

export const OPERATION_EXAMPLES: Record<string, OperationExample> = {
  getHealth: { status: 200 },
  getProgram: { status: 200 },
  upsertMember: {
    params: { memberId: 'm-1001' },
    body: { birthday: '1990-05-01', tags: ['vip'], channel: 'app', store: 'SH-01' },
    status: 201,
  },
  getMember: { params: { memberId: 'm-1001' }, status: 200 },
  createCredit: {
    params: { memberId: 'm-1001' },
    headers: { 'idempotency-key': 'order-88-earn' },
    body: { points: 500, reason },
    status: 201,
  },
  createDebit: {
    params: { memberId: 'm-1001' },
    headers: { 'idempotency-key': 'coffee-coupon-1' },
    body: { points: 120, reason: { 'zh-CN': '兑换咖啡券', en: 'Coffee coupon' } },
    status: 201,
    captures: { entryId: 'entries.0.id' },
  },
  getEntry: { params: { entryId: 'ent_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listMemberEntries: { params: { memberId: 'm-1001' }, query: { limit: '20' }, status: 200 },
  listMemberLots: { params: { memberId: 'm-1001' }, status: 200 },
  createRule: {
    body: {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 1, perAmountMinor: 100 },
    },
    status: 201,
    captures: { ruleId: 'id' },
  },
  publishRule: { params: { ruleId: 'rul_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  getRule: { params: { ruleId: 'rul_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listRules: { status: 200 },
  previewRules: {
    body: {
      event: { type: 'order.paid', memberId: 'm-1001', attributes: { orderId: 'o-1', amountMinor: 12800 } },
    },
    status: 200,
  },
  createEvent: {
    body: {
      id: 'evt-7001',
      type: 'order.paid',
      memberId: 'm-1002',
      occurredAt: '2026-03-01T01:30:00Z',
      attributes: { orderId: 'o-7001', amountMinor: 12800 },
    },
    status: 201,
  },
  getEvent: { params: { eventId: 'evt-7001' }, status: 200 },
  listMemberEvents: { params: { memberId: 'm-1002' }, status: 200 },
  createTransfer: {
    headers: { 'idempotency-key': 'gift-1001-1002' },
    body: { fromMemberId: 'm-1001', toMemberId: 'm-1002', points: 50, reason: 'gift' },
    status: 201,
  },
  createHold: {
    headers: { 'idempotency-key': 'checkout-A-1' },
    body: { memberId: 'm-1001', points: 100, reason: '积分抵现', ttlSeconds: 900 },
    status: 201,
    captures: { holdId: 'hold.id' },
  },
  captureHold: {
    params: { holdId: 'hld_06h4xx8fjg6s58h7q6728vs4tn' },
    headers: { 'idempotency-key': 'checkout-A-1-capture' },
    body: { points: 60 },
    status: 200,
  },
  getHold: { params: { holdId: 'hld_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  reverseEntry: {
    params: { entryId: 'ent_06h4xx8fjg6s58h7q6728vs4tn' },
    headers: { 'idempotency-key': 'coffee-coupon-1-refund' },
    body: { reason: 'refund' },
    status: 201,
  },
  listMembers: { query: { idPrefix: 'm-', limit: '20' }, status: 200 },
};

/** The answer recorded for an operation's example, if there is one. */
export function recordedAnswer(operationId: string): unknown {
  return (answers as Record<string, unknown>)[operationId];
}
