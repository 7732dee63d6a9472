import answers from './operation-answers.json' with { type: 'json' };

/**
 * Request examples of the OpenAPI document, by operationId, in the order they make sense as one
 * story (create a member, credit, spend, send an event...); every operation has one (the document
 * test fails on an operation without). `test/api/openapi-document.test.ts` replays them in this
 * order against a live server and checks each answers `status`; ids the server makes (a rule's, a
 * hold's) are taken from earlier answers by `captures` (param name → path in the answer). The
 * answers shown as response examples are recorded from that replay by `npm run openapi:snapshot`
 * (src/http/operation-answers.json), so they are real answers.
 */
export interface OperationExample {
  params?: Record<string, string>;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
  status: number;
  captures?: Record<string, string>;
  /** Sent with the deployment's admin key (the program routes) instead of the program's key. */
  key?: 'admin';
  /** Sent with the staff session token captured as `sessionToken` (a sign-in's `token`) instead of a key. */
  session?: true;
  /**
   * Requests the example needs sent first, not shown in the document (a second hold to void when
   * the example's hold was captured): `{name}` in the path is an id captured so far.
   */
  before?: SetupRequest[];
  /** The dispatcher has fanned out the messages recorded so far (deliveries, inbox messages). */
  afterDispatch?: true;
  /** The background work started so far (an import's commit) has finished. */
  afterBackground?: true;
}

export interface SetupRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  path: string;
  /** Sent with the staff session (`sessionToken`) instead of the example's own credentials. */
  session?: true;
  body?: unknown;
  captures?: Record<string, string>;
}

const template = {
  subject: '获得 {{points}} 积分',
  body: '您获得 {{points}} 积分。',
  category: 'transactional',
};
const cart = {
  currency: 'CNY',
  items: [{ sku: 'tea', quantity: 2, unitPriceMinor: 5900 }],
  shippingMinor: 800,
};
const reason = { 'zh-CN': '消费 ¥500.00,每 1 元积 1 分', en: 'Spent ¥500.00: 1 point per ¥1' };

/** The store clerk's credit of `points`, held for a checker by the approval policy (202). */
function heldCredit(points: number): SetupRequest {
  return {
    session: true,
    method: 'POST',
    path: '/v1/members/m-1001/credits',
    body: { points, reason: 'Opening gift for a corporate card', store: 'SH-01' },
    captures: { approvalId: 'id' },
  };
}

/** A live goods reward (these fields over a stock of 100) redeemed by m-1001 with a shipping address. */
function redeemedGoods(reward: Record<string, unknown>): SetupRequest[] {
  return [
    {
      method: 'POST',
      path: '/v1/rewards',
      body: { type: 'goods', ...reward, stock: 100 },
      captures: { rewardId: 'id' },
    },
    { method: 'PATCH', path: '/v1/rewards/{rewardId}', body: { status: 'live' } },
    {
      method: 'POST',
      path: '/v1/redemptions',
      body: {
        memberId: 'm-1001',
        rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn',
        quantity: 1,
        shippingAddress: {
          name: '王小明',
          phone: '13800138000',
          lines: ['上海市静安区南京西路 1 号'],
          postalCode: '200040',
        },
      },
      captures: { redemptionId: 'id' },
    },
  ];
}

export const OPERATION_EXAMPLES: Record<string, OperationExample> = {
  getHealth: { status: 200 },
  getCurrentProgram: { status: 200, captures: { programId: 'id' } },
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
  createImport: {
    body: {
      kind: 'balances',
      fileName: 'opening-balances.csv',
      content:
        'importId,memberId,points,earnedAt\nob-1,m-1001,300,2025-12-01 10:00\nob-2,m-1001,-5,2025-12-01\n',
    },
    status: 201,
    captures: { importId: 'id' },
  },
  getImport: { params: { importId: 'imp_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  commitImport: {
    params: { importId: 'imp_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { skipErrors: true },
    status: 202,
  },
  undoImport: {
    params: { importId: 'imp_06h4xx8fjg6s58h7q6728vs4tn' },
    status: 200,
    afterBackground: true,
  },
  listImports: { query: { limit: '20' }, status: 200 },
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
  voidHold: {
    params: { holdId: 'hld_06h4xx8fjg6s58h7q6728vs4tn' },
    before: [
      {
        method: 'POST',
        path: '/v1/holds',
        body: { memberId: 'm-1001', points: 30, reason: '积分抵现', ttlSeconds: 900 },
        captures: { holdId: 'hold.id' },
      },
    ],
    body: { reason: '顾客取消支付' },
    status: 200,
  },
  reverseEntry: {
    params: { entryId: 'ent_06h4xx8fjg6s58h7q6728vs4tn' },
    headers: { 'idempotency-key': 'coffee-coupon-1-refund' },
    body: { reason: 'refund' },
    status: 201,
  },
  listMembers: { query: { idPrefix: 'm-', limit: '20' }, status: 200 },
  getReadiness: { status: 200 },
  createAdjustment: {
    params: { memberId: 'm-1001' },
    headers: { 'idempotency-key': 'goodwill-7' },
    body: { points: 20, reason: '客服补偿', operator: 'agent-7' },
    status: 201,
  },
  createCreditBatch: {
    body: {
      items: [{ memberId: 'm-1002', points: 100, reason: '开卡礼', idempotencyKey: 'welcome-m-1002' }],
    },
    status: 200,
  },
  replaceRuleDraft: {
    params: { ruleId: 'rul_06h4xx8fjg6s58h7q6728vs4tn' },
    body: {
      name: { 'zh-CN': '消费积分', en: 'Purchase points' },
      trigger: 'order.paid',
      reward: { kind: 'per_amount', points: 2, perAmountMinor: 100 },
    },
    status: 200,
  },
  backTestRules: {
    body: { from: '2026-02-01T00:00:00+08:00', to: '2026-03-01T00:00:00+08:00' },
    status: 200,
  },
  createEventBatch: {
    body: {
      events: [
        { id: 'evt-7002', type: 'member.checked_in', memberId: 'm-1001', occurredAt: '2026-03-01T01:40:00Z' },
      ],
    },
    status: 200,
  },
  replaceTierConfig: {
    body: {
      window: { kind: 'calendar_year' },
      evaluation: { kind: 'period_end', every: 'year' },
      downgrade: 'one_step',
      tiers: [
        { code: 'normal', name: { 'zh-CN': '普通', en: 'Member' }, entryGrowth: 0, retainGrowth: 0 },
        {
          code: 'silver',
          name: { 'zh-CN': '银卡', en: 'Silver' },
          entryGrowth: 1000,
          retainGrowth: 800,
          benefits: { earnMultiplier: 1.2, retainWithPoints: 500 },
        },
        {
          code: 'gold',
          name: { 'zh-CN': '金卡', en: 'Gold' },
          entryGrowth: 5000,
          retainGrowth: 4000,
          benefits: { earnMultiplier: 1.5, birthdayBonusPoints: 888 },
        },
      ],
    },
    status: 201,
  },
  getTierConfig: { status: 200 },
  assignMemberTier: {
    params: { memberId: 'm-1001' },
    body: { tier: 'gold', until: '2026-12-31T16:00:00Z', reason: 'VIP 补偿' },
    status: 200,
  },
  listSegmentFields: { status: 200 },
  createSegment: {
    body: {
      id: 'regulars',
      name: { 'zh-CN': '常客', en: 'Regulars' },
      description: 'Two orders or more in the last 30 days',
      condition: { field: 'activity.orders.30d', op: 'gte', value: 2 },
    },
    status: 201,
  },
  previewSegment: {
    body: { condition: { field: 'activity.spendMinor.365d', op: 'gte', value: 100_000 } },
    status: 200,
  },
  updateSegment: {
    params: { segmentId: 'regulars' },
    body: {
      condition: {
        all: [
          { field: 'activity.orders.30d', op: 'gte', value: 2 },
          { field: 'member.status', op: 'eq', value: 'active' },
        ],
      },
    },
    status: 200,
  },
  recomputeSegments: { status: 200 },
  listSegments: { status: 200 },
  getSegment: { params: { segmentId: 'regulars' }, status: 200 },
  listSegmentMembers: { params: { segmentId: 'stage_active' }, status: 200 },
  exportSegmentMembers: { params: { segmentId: 'stage_active' }, status: 200 },
  listSegmentSizes: { params: { segmentId: 'regulars' }, query: { from: '2026-03-01' }, status: 200 },
  getMemberSegments: { params: { memberId: 'm-1001' }, status: 200 },
  getSegmentSettings: { status: 200 },
  replaceSegmentSettings: {
    body: {
      rfmWindowDays: 365,
      stages: {
        newDays: 30,
        activeDays: 90,
        atRiskDays: 180,
        churnedDays: 365,
        highValueMinMonetary: 5,
        highValueMinFrequency: 4,
      },
      recomputeEveryMinutes: 60,
    },
    status: 200,
  },
  archiveSegment: { params: { segmentId: 'regulars' }, status: 200 },
  getMemberTier: { params: { memberId: 'm-1001' }, status: 200 },
  listMemberTierHistory: { params: { memberId: 'm-1001' }, status: 200 },
  retainMemberTier: {
    params: { memberId: 'm-1001' },
    headers: { 'idempotency-key': 'retain-silver-2026' },
    before: [
      {
        method: 'POST',
        path: '/v1/members/m-1001/credits',
        body: { points: 1000, reason: '年度消费', growth: 1200 },
      },
    ],
    status: 201,
  },
  createReward: {
    body: {
      type: 'coupon',
      name: { 'zh-CN': '九折券', en: '10% off' },
      pricePoints: 100,
      stock: 1000,
      limits: { perDay: 1 },
    },
    status: 201,
    captures: { rewardId: 'id' },
  },
  updateReward: {
    params: { rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { status: 'live' },
    status: 200,
  },
  getReward: { params: { rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listRewards: { query: { memberId: 'm-1001' }, status: 200 },
  createRedemption: {
    headers: { 'idempotency-key': 'redeem-1' },
    body: { memberId: 'm-1001', rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn', quantity: 1 },
    status: 201,
    captures: { redemptionId: 'id' },
  },
  getRedemption: { params: { redemptionId: 'rdm_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listRedemptions: { query: { memberId: 'm-1001' }, status: 200 },
  listMemberRedemptions: { params: { memberId: 'm-1001' }, status: 200 },
  cancelRedemption: {
    params: { redemptionId: 'rdm_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { reason: '用户取消' },
    status: 200,
  },
  getCouponCode: {
    params: { code: 'JF-7Q2M-9XKD' },
    before: [
      {
        method: 'POST',
        path: '/v1/redemptions',
        body: { memberId: 'm-1002', rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn', quantity: 1 },
        captures: { code: 'couponCodes.0.code' },
      },
    ],
    status: 200,
  },
  useCouponCode: {
    params: { code: 'JF-7Q2M-9XKD' },
    body: { orderId: 'pos-20260301-17', store: 'SH-01' },
    status: 200,
  },
  shipRedemption: {
    params: { redemptionId: 'rdm_06h4xx8fjg6s58h7q6728vs4tn' },
    before: redeemedGoods({
      name: { 'zh-CN': '品牌保温杯', en: 'Insulated tumbler' },
      pricePoints: 200,
    }),
    body: { carrier: 'SF', trackingNumber: 'SF1234567890' },
    status: 200,
  },
  deliverRedemption: { params: { redemptionId: 'rdm_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  payRedemption: {
    params: { redemptionId: 'rdm_06h4xx8fjg6s58h7q6728vs4tn' },
    before: redeemedGoods({
      name: { 'zh-CN': '积分加钱购:帆布袋', en: 'Tote bag, points + cash' },
      pricePoints: 100,
      cashMinor: 990,
    }),
    status: 200,
  },
  addCouponCodes: {
    params: { rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn' },
    before: [
      {
        method: 'POST',
        path: '/v1/rewards',
        body: {
          type: 'coupon',
          name: { 'zh-CN': '合作商户代金券', en: 'Partner voucher' },
          pricePoints: 300,
          coupon: { codeSource: 'pool' },
        },
        captures: { rewardId: 'id' },
      },
    ],
    body: { codes: ['TEA-2026-0001', 'TEA-2026-0002', 'TEA-2026-0003'] },
    status: 200,
  },
  getCouponCodeSummary: { params: { rewardId: 'rwd_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  createWebhook: {
    body: { url: 'https://erp.example.com/jifen', types: ['points.earned'] },
    status: 201,
    captures: { endpointId: 'id' },
  },
  getWebhook: { params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  updateWebhook: {
    params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { description: 'ERP' },
    status: 200,
  },
  listWebhooks: { status: 200 },
  listWebhookDeliveries: {
    params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' },
    afterDispatch: true,
    status: 200,
    captures: { deliveryId: 'data.0.id' },
  },
  getWebhookDelivery: { params: { deliveryId: 'dlv_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  replayWebhookDelivery: { params: { deliveryId: 'dlv_06h4xx8fjg6s58h7q6728vs4tn' }, status: 202 },
  replayWebhookMessages: {
    params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { from: '2026-03-01T00:00:00Z', to: '2026-03-02T00:00:00Z', types: ['points.earned'] },
    status: 202,
  },
  replaceMemberNotificationPreferences: {
    params: { memberId: 'm-1001' },
    body: {
      phone: '13800138000',
      email: 'm1001@example.com',
      channels: { sms: true },
      marketingConsent: false,
    },
    status: 200,
  },
  getMemberNotificationPreferences: { params: { memberId: 'm-1001' }, status: 200 },
  listMemberInbox: { params: { memberId: 'm-1001' }, status: 200, captures: { messageId: 'data.0.id' } },
  markInboxMessageRead: {
    params: { memberId: 'm-1001', messageId: 'msg_06h4xx8fjg6s58h7q6728vs4tn' },
    status: 200,
  },
  getMemberInboxUnreadCount: { params: { memberId: 'm-1001' }, status: 200 },
  markMemberInboxRead: { params: { memberId: 'm-1001' }, status: 200 },
  getNotificationSettings: { status: 200 },
  listNotificationTemplates: { status: 200 },
  listNotificationTemplateVariables: { status: 200 },
  replaceNotificationTemplate: {
    params: { type: 'points.earned', channel: 'inbox', language: 'zh-CN' },
    body: template,
    status: 200,
  },
  previewNotificationTemplate: {
    body: { type: 'points.earned', channel: 'inbox', language: 'zh-CN', template },
    status: 200,
  },
  deleteNotificationTemplate: {
    params: { type: 'points.earned', channel: 'inbox', language: 'zh-CN' },
    status: 200,
  },
  getMemberExpiryCalendar: { params: { memberId: 'm-1001' }, status: 200 },
  getExpiryCalendar: { status: 200 },
  replaceCheckoutSettings: { body: { enabled: true, maxShareOfOrder: 0.5, stepPoints: 1 }, status: 200 },
  getCheckoutSettings: { status: 200 },
  quoteCheckout: {
    body: {
      memberId: 'm-1001',
      currency: 'CNY',
      items: [{ sku: 'tea', quantity: 2, unitPriceMinor: 5900 }],
      shippingMinor: 800,
    },
    status: 200,
  },
  createCheckoutAuthorization: {
    body: { memberId: 'm-1001', orderId: 'ord-9001', points: 100, cart },
    status: 201,
  },
  getCheckoutPayment: { params: { orderId: 'ord-9001' }, status: 200 },
  captureCheckoutPayment: { params: { orderId: 'ord-9001' }, body: { points: 100 }, status: 200 },
  refundCheckoutPayment: { params: { orderId: 'ord-9001' }, body: { amountMinor: 500 }, status: 200 },
  voidCheckoutPayment: {
    params: { orderId: 'ord-9002' },
    before: [
      {
        method: 'POST',
        path: '/v1/checkout/authorizations',
        body: { memberId: 'm-1001', orderId: 'ord-9002', points: 100, cart },
      },
    ],
    status: 200,
  },
  listApiKeys: { status: 200 },
  createApiKey: {
    body: { name: 'pos-terminal', scopes: ['members:read', 'ledger:write'] },
    status: 201,
    captures: { keyId: 'key.id' },
  },
  revokeApiKey: { params: { keyId: 'key_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  createDraw: {
    body: {
      name: { 'zh-CN': '幸运转盘', en: 'Lucky wheel' },
      costPoints: 10,
      prizes: [{ name: { 'zh-CN': '50 积分', en: '50 points' }, weight: 30, kind: 'points', points: 50 }],
      consolation: { name: { 'zh-CN': '谢谢参与', en: 'Better luck next time' }, weight: 70 },
    },
    status: 201,
    captures: { drawId: 'id' },
  },
  updateDraw: { params: { drawId: 'drw_06h4xx8fjg6s58h7q6728vs4tn' }, body: { status: 'live' }, status: 200 },
  getDraw: { params: { drawId: 'drw_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listDraws: { status: 200 },
  playDraw: {
    params: { drawId: 'drw_06h4xx8fjg6s58h7q6728vs4tn' },
    headers: { 'idempotency-key': 'spin-1' },
    body: { memberId: 'm-1001' },
    status: 201,
  },
  listDrawPlays: { params: { drawId: 'drw_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  updateCurrentProgram: { body: { restoredLotGraceDays: 30, holdTtlSeconds: 900 }, status: 200 },
  updateNotificationSettings: { body: { reminderOffsetsDays: [30, 7] }, status: 200 },
  retireRule: { params: { ruleId: 'rul_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  rotateWebhookSecret: {
    params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { overlapSeconds: 86_400 },
    status: 200,
  },
  deleteWebhook: { params: { endpointId: 'whk_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  createStaff: {
    headers: { 'idempotency-key': 'staff-wang-fang' },
    body: {
      login: '+86 138 0013 8000',
      name: '王芳',
      role: 'store_clerk',
      storeIds: ['SH-01'],
      password: 'tea-till-2026',
    },
    status: 201,
    captures: { staffId: 'id' },
  },
  listStaff: { status: 200 },
  getStaff: { params: { staffId: 'stf_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  updateStaff: {
    params: { staffId: 'stf_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { storeIds: ['SH-01', 'SH-02'] },
    status: 200,
  },
  resetStaffPassword: {
    params: { staffId: 'stf_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { password: 'new-till-pass-2026' },
    status: 200,
  },
  createRole: {
    body: { name: 'till supervisor', permissions: ['members:read', 'ledger:credit', 'redemptions:create'] },
    status: 201,
    captures: { roleId: 'id' },
  },
  listRoles: { status: 200 },
  getRole: { params: { roleId: 'rol_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  updateRole: {
    params: { roleId: 'rol_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { permissions: ['members:read', 'ledger:credit', 'redemptions:create', 'redemptions:cancel'] },
    status: 200,
  },
  deleteRole: { params: { roleId: 'rol_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  login: {
    body: { login: '+86 138 0013 8000', password: 'new-till-pass-2026', mode: 'token' },
    status: 201,
    captures: { sessionToken: 'token' },
  },
  getSession: { session: true, status: 200 },
  getApprovalPolicy: { status: 200 },
  setApprovalPolicy: {
    body: { pointsAbove: 1000, bulk: true, tierAssignments: true, expiresAfterHours: 48 },
    status: 200,
  },
  // The store clerk's credits above 1,000 points wait for a checker (202 with the request).
  cancelApproval: {
    session: true,
    before: [heldCredit(5000)],
    params: { approvalId: 'apr_06h4xx8fjg6s58h7q6728vs4tn' },
    status: 200,
  },
  listApprovals: {
    before: [heldCredit(2000)],
    query: { status: 'pending' },
    status: 200,
  },
  getApproval: { params: { approvalId: 'apr_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  approveApproval: {
    params: { approvalId: 'apr_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { comment: 'Checked the card agreement' },
    status: 200,
  },
  rejectApproval: {
    before: [heldCredit(3000)],
    params: { approvalId: 'apr_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { comment: 'No agreement attached' },
    status: 200,
  },
  listStaffNotices: { session: true, status: 200 },
  getStaffNoticesUnreadCount: { session: true, status: 200 },
  markStaffNoticesRead: { session: true, body: {}, status: 200 },
  refreshSession: { session: true, status: 201, captures: { sessionToken: 'token' } },
  switchProgram: {
    session: true,
    body: { programId: 'prg_06h4xx8fjg6s58h7q6728vs4tn' },
    status: 201,
    captures: { sessionToken: 'token' },
  },
  changePassword: {
    session: true,
    body: { currentPassword: 'new-till-pass-2026', newPassword: 'my-own-pass-2026' },
    status: 200,
  },
  enrolTotp: { session: true, status: 201 },
  // A code depends on the secret and the time: the examples show the answers to a wrong code.
  confirmTotp: { session: true, body: { totp: '000000' }, status: 401 },
  disableTotp: { session: true, body: { totp: '123456' }, status: 409 },
  logout: { session: true, status: 200 },
  createProgram: {
    key: 'admin',
    body: {
      name: 'Tea House',
      currency: 'CNY',
      timezone: 'Asia/Shanghai',
      pointValue: { points: 100, amountMinor: 100 },
      expiryPolicy: { kind: 'end_of_period', unit: 'year', plusPeriods: 1 },
    },
    status: 201,
    captures: { programId: 'id' },
  },
  getProgram: { key: 'admin', params: { programId: 'prg_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  listPrograms: { key: 'admin', query: { limit: '20' }, status: 200 },
  createProgramKey: {
    key: 'admin',
    params: { programId: 'prg_06h4xx8fjg6s58h7q6728vs4tn' },
    body: { name: 'tea owner' },
    status: 201,
  },
  archiveProgram: { key: 'admin', params: { programId: 'prg_06h4xx8fjg6s58h7q6728vs4tn' }, status: 200 },
  // The story so far is in the audit log: its staff actions, sign-ins and admin changes.
  listAuditRecords: { query: { action: 'staff.', limit: '3' }, status: 200 },
  exportAuditRecords: { query: { action: 'staff.login' }, status: 200 },
  exportMemberPersonalData: { params: { memberId: 'm-1001' }, status: 200 },
  // A member who asked to be forgotten: their id was their phone number.
  eraseMemberPersonalData: {
    params: { memberId: '13800138000' },
    before: [
      {
        method: 'PUT',
        path: '/v1/members/13800138000',
        body: { name: '韩梅梅', nickname: '梅子', birthday: '1992-06-01' },
      },
    ],
    body: { forgetMemberId: true },
    status: 200,
  },
  verifyAuditLog: { status: 200 },
  // Finance: the story's journal so far (March 2026 in Shanghai), its totals and the month's trial balance.
  exportJournal: {
    query: { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00', format: 'csv' },
    status: 200,
  },
  getJournalTotals: {
    query: { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' },
    status: 200,
  },
  getTrialBalance: { query: { period: '2026-03' }, status: 200 },
  changeMemberId: {
    params: { memberId: 'm-1002' },
    headers: { 'idempotency-key': 'merge-1002' },
    body: { newMemberId: 'card-88002' },
    status: 200,
  },
};

/** The answer recorded for an operation's example, if there is one. */
export function recordedAnswer(operationId: string): unknown {
  return (answers as Record<string, unknown>)[operationId];
}
