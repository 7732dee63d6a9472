import type { FuzzFixtures } from './fuzz-fixtures.ts';
import { RULE, TIERS, WHEEL } from './fuzz-fixtures.ts';

/**
 * For each write operation: a body it accepts, and which fixture each path id names. The fuzzer
 * mutates one part of this valid request at a time, so the rest of it gets past the schema and
 * the request reaches the command. An operation missing here is still fuzzed, with a body made
 * from its schema and ids that do not exist.
 */

type Body = Record<string, unknown> | undefined;

export interface RequestPlan {
  body: (fixtures: FuzzFixtures) => Promise<Body>;
  /** Path parameter → fixture name, where it differs from {@link PARAM_FIXTURES}. */
  params?: Record<string, string>;
  /** A success leaves its path fixtures usable (credits to a member); by default it uses them up. */
  keepsFixtures?: boolean;
  /** What a success made and the program may hold only so many of (webhook endpoints): delete it. */
  cleanup?: (answer: Record<string, unknown>) => { method: 'DELETE'; url: string };
  /**
   * A success changed what later writes read (program settings, tiers, templates, a member's
   * facts): the probe writes run next, so a setting that is stored but breaks them is found.
   */
  probeAfterSuccess?: boolean;
  /** A success changed program-wide settings: send the valid request again to restore them. */
  resetAfterSuccess?: boolean;
}

export const PARAM_FIXTURES: Record<string, string> = {
  memberId: 'member',
  entryId: 'entry',
  holdId: 'hold',
  keyId: 'spareKey',
  ruleId: 'rule',
  rewardId: 'reward',
  redemptionId: 'redemptionToShip',
  code: 'couponCode',
  orderId: 'authorizedOrder',
  drawId: 'draw',
  endpointId: 'endpoint',
  deliveryId: 'delivery',
  messageId: 'inboxMessage',
  programId: 'program',
};

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const at = (iso: string) => iso;
const body =
  (make: (fixtures: FuzzFixtures) => Body | Promise<Body>) =>
  async (fixtures: FuzzFixtures): Promise<Body> =>
    make(fixtures);
const member = (fixtures: FuzzFixtures) => fixtures.get('member');

const orderEvent = async (fixtures: FuzzFixtures) => ({
  id: fixtures.unique('fz-ev'),
  type: 'order.paid',
  memberId: await member(fixtures),
  occurredAt: at('2026-03-01T01:00:00Z'),
  attributes: {
    orderId: fixtures.unique('fz-ord'),
    amountMinor: 12_800,
    currency: 'CNY',
    items: [{ sku: 'A1', category: 'cups', quantity: 2, unitPriceMinor: 6_400 }],
  },
});

const TEMPLATE = { subject: '{{points}} 积分', body: '您获得 {{points}} 积分。', category: 'transactional' };

export const VALID_REQUESTS: Record<string, RequestPlan> = {
  'PUT /v1/members/{memberId}': {
    probeAfterSuccess: true,
    body: body(() => ({
      status: 'active',
      birthday: '1990-05-01',
      joinedAt: '2025-01-01T00:00:00Z',
      channel: 'app',
      store: 'SH-001',
      tags: ['vip'],
      attributes: { city: 'Shanghai', visits: 3, prefs: { color: 'red' } },
    })),
  },
  'POST /v1/members/{memberId}/credits': {
    body: body(() => ({
      points: 10,
      reason: text('奖励', 'Bonus'),
      pendingDays: 0,
      expiresAt: '2027-01-01T00:00:00Z',
      growth: 1,
    })),
    keepsFixtures: true,
  },
  'POST /v1/members/{memberId}/debits': {
    body: body(() => ({ points: 1, reason: 'spend' })),
    keepsFixtures: true,
  },
  'POST /v1/members/{memberId}/adjustments': {
    body: body(() => ({
      points: 5,
      reason: 'goodwill',
      operator: 'ops@example.com',
      expiresAt: '2027-01-01T00:00:00Z',
    })),
  },
  'POST /v1/entries/{entryId}/reversal': { body: body(() => ({ reason: 'mistake', operator: 'ops' })) },
  'POST /v1/transfers': {
    body: body(async (f) => ({
      fromMemberId: await member(f),
      toMemberId: await f.get('otherMember'),
      points: 1,
      reason: 'gift',
    })),
  },
  'POST /v1/credits/batch': {
    body: body(async (f) => ({
      items: [
        {
          idempotencyKey: f.unique('fz-batch'),
          memberId: await member(f),
          points: 1,
          reason: 'batch',
          pendingDays: 0,
          growth: 0,
        },
      ],
    })),
  },
  'POST /v1/holds': {
    body: body(async (f) => ({ memberId: await member(f), points: 1, reason: 'hold', ttlSeconds: 600 })),
  },
  'POST /v1/holds/{holdId}/capture': { body: body(() => ({ points: 1 })) },
  'POST /v1/holds/{holdId}/void': { body: body(() => ({ reason: 'not needed' })) },
  'POST /v1/api-keys': { body: body(() => ({ name: 'pos', scopes: ['members:read', 'ledger:read'] })) },
  'DELETE /v1/api-keys/{keyId}': { body: body(() => undefined) },
  'PATCH /v1/program': {
    resetAfterSuccess: true,
    probeAfterSuccess: true,
    body: body(() => ({
      name: 'Fuzz program',
      currency: 'CNY',
      pointValue: { points: 1, amountMinor: 1 },
      timezone: 'America/Los_Angeles',
      expiryPolicy: { kind: 'rolling', unit: 'months', count: 24 },
      negativeBalance: 'allow_debt',
      restoredLotGraceDays: 30,
      transferLimits: { minPoints: 1, maxPoints: 1_000_000, dailyMaxPoints: 10_000_000 },
      holdTtlSeconds: 3_600,
      autoCreateMembers: true,
    })),
  },
  'POST /v1/programs': {
    body: body((f) => ({
      name: f.unique('fz-program'),
      currency: 'USD',
      pointValue: { points: 100, amountMinor: 1 },
      timezone: 'America/New_York',
      expiryPolicy: { kind: 'end_of_period', unit: 'year', plusPeriods: 1 },
      negativeBalance: 'cap_at_zero',
      restoredLotGraceDays: 7,
      transferLimits: { minPoints: 1, maxPoints: 10_000, dailyMaxPoints: 100_000 },
      holdTtlSeconds: 900,
      autoCreateMembers: false,
    })),
  },
  'POST /v1/programs/{programId}/archive': { body: body(() => undefined) },
  'POST /v1/programs/{programId}/keys': { body: body(() => ({ name: 'owner' })) },
  'POST /v1/rules': { body: body(() => RULE) },
  'PUT /v1/rules/{ruleId}/draft': { body: body(() => RULE), keepsFixtures: true },
  'POST /v1/rules/{ruleId}/publish': { body: body(() => undefined), params: { ruleId: 'draftRule' } },
  'POST /v1/rules/{ruleId}/retire': { body: body(() => undefined), params: { ruleId: 'publishedRule' } },
  'POST /v1/rules/preview': {
    body: body(async (f) => {
      const { id: _id, ...event } = await orderEvent(f);
      return { event, useDrafts: true };
    }),
  },
  'POST /v1/members/{memberId}/change-id': {
    // The member goes by a new id afterwards (its fixture is used up), and later writes still work.
    probeAfterSuccess: true,
    body: body((fixtures) => ({ newMemberId: fixtures.unique('fz-new-id') })),
  },
  'POST /v1/rules/back-test': {
    body: body(() => ({ from: '2026-01-01T00:00:00Z', to: '2026-03-02T00:00:00Z' })),
  },
  'POST /v1/events': { body: body(orderEvent) },
  'POST /v1/events/batch': { body: body(async (f) => ({ events: [await orderEvent(f)] })) },
  'PUT /v1/tiers': { resetAfterSuccess: true, probeAfterSuccess: true, body: body(() => TIERS) },
  'PUT /v1/members/{memberId}/tier': {
    probeAfterSuccess: true,
    body: body(() => ({ tier: 'gold', until: '2026-12-31T16:00:00Z', reason: 'vip' })),
  },
  'POST /v1/members/{memberId}/tier/retention': {
    body: body(() => undefined),
    params: { memberId: 'silverMember' },
  },
  'POST /v1/rewards': {
    body: body(() => ({
      type: 'voucher',
      name: text('代金券', 'Voucher'),
      description: text('满 100 可用', 'On orders over 100'),
      imageUrl: 'https://example.com/v.png',
      pricePoints: 100,
      cashMinor: null,
      stock: 10,
      limits: { perDay: 1, perWeek: 2, perMonth: 3, lifetime: 10 },
      eligibleTiers: ['silver'],
      availableFrom: '2026-01-01T00:00:00Z',
      availableUntil: null,
      voucher: { valueMinor: 1_000, currency: 'CNY' },
    })),
  },
  'PATCH /v1/rewards/{rewardId}': {
    body: body(() => ({ pricePoints: 12, stock: 999_999, limits: { perDay: 100 } })),
  },
  'POST /v1/redemptions': {
    body: body(async (f) => ({
      memberId: await member(f),
      rewardId: await f.get('reward'),
      quantity: 1,
      shippingAddress: {
        name: '王小明',
        phone: '13800000000',
        lines: ['上海市静安区南京西路 1 号'],
        postalCode: '200040',
      },
    })),
  },
  'POST /v1/redemptions/{redemptionId}/ship': {
    body: body(() => ({ carrier: 'SF', trackingNumber: 'SF123' })),
  },
  'POST /v1/redemptions/{redemptionId}/deliver': {
    body: body(() => undefined),
    params: { redemptionId: 'shippedRedemption' },
  },
  'POST /v1/redemptions/{redemptionId}/cancel': {
    body: body(() => ({ reason: 'changed mind' })),
    params: { redemptionId: 'redemptionToCancel' },
  },
  'POST /v1/rewards/{rewardId}/codes': {
    body: body((f) => ({ codes: [f.unique('FZ-CODE').toUpperCase()] })),
    params: { rewardId: 'poolReward' },
    keepsFixtures: true,
  },
  'POST /v1/coupon-codes/{code}/use': { body: body((f) => ({ orderId: f.unique('pos'), store: 'SH-001' })) },
  'POST /v1/redemptions/{redemptionId}/pay': {
    body: body(() => undefined),
    params: { redemptionId: 'redemptionToPay' },
  },
  'PUT /v1/checkout/settings': {
    resetAfterSuccess: true,
    probeAfterSuccess: true,
    body: body(() => ({ enabled: true, maxShareOfOrder: 1, minPoints: 0, stepPoints: 1 })),
  },
  'POST /v1/checkout/quote': {
    body: body(async (f) => ({
      memberId: await member(f),
      currency: 'CNY',
      items: [{ sku: 'a', quantity: 1, unitPriceMinor: 1_000, deductible: true }],
      shippingMinor: 100,
    })),
  },
  'POST /v1/checkout/authorizations': {
    body: body(async (f) => ({
      memberId: await member(f),
      orderId: f.unique('fz-order'),
      points: 10,
      cart: {
        currency: 'CNY',
        items: [{ sku: 'a', quantity: 1, unitPriceMinor: 1_000, deductible: true }],
        shippingMinor: 0,
      },
    })),
  },
  'POST /v1/checkout/payments/{orderId}/capture': { body: body(() => ({ points: 50 })) },
  'POST /v1/checkout/payments/{orderId}/void': { body: body(() => undefined) },
  'POST /v1/checkout/payments/{orderId}/refunds': {
    body: body(() => ({ amountMinor: 10 })),
    params: { orderId: 'capturedOrder' },
  },
  'POST /v1/draws': { body: body(() => WHEEL) },
  'PATCH /v1/draws/{drawId}': { body: body(() => ({ costPoints: 2, perMemberPerDay: 10_000 })) },
  'POST /v1/draws/{drawId}/play': {
    body: body(async (f) => ({ memberId: await member(f) })),
    keepsFixtures: true,
  },
  'POST /v1/webhooks': {
    cleanup: (answer) => ({ method: 'DELETE', url: `/v1/webhooks/${answer.id}` }),
    body: body(() => ({ url: 'https://example.com/fuzz', types: ['points.earned'], status: 'enabled' })),
  },
  'PATCH /v1/webhooks/{endpointId}': { body: body(() => ({ types: ['points.earned', 'points.spent'] })) },
  'DELETE /v1/webhooks/{endpointId}': { body: body(() => undefined) },
  'POST /v1/webhooks/{endpointId}/rotate-secret': {
    body: body(() => ({ overlapSeconds: 60 })),
    keepsFixtures: true,
  },
  'POST /v1/webhook-deliveries/{deliveryId}/replay': { body: body(() => undefined), keepsFixtures: true },
  'POST /v1/webhooks/{endpointId}/replay': {
    body: body(() => ({
      from: '2026-01-01T00:00:00Z',
      to: '2026-03-02T00:00:00Z',
      types: ['points.earned'],
    })),
    keepsFixtures: true,
  },
  'POST /v1/members/{memberId}/inbox/{messageId}/read': { body: body(() => undefined) },
  'POST /v1/members/{memberId}/inbox/read-all': { body: body(() => undefined), keepsFixtures: true },
  'PUT /v1/members/{memberId}/notification-preferences': {
    probeAfterSuccess: true,
    body: body(() => ({
      email: 'member@example.com',
      phone: '13800000000',
      language: 'zh-CN',
      channels: { inbox: true, email: true, sms: false },
      marketingConsent: false,
    })),
    keepsFixtures: true,
  },
  'PATCH /v1/notification-settings': {
    resetAfterSuccess: true,
    probeAfterSuccess: true,
    body: body(() => ({
      defaultLanguage: 'zh-CN',
      reminderOffsetsDays: [7, 1],
      quietHours: { start: '22:00', end: '08:00' },
      channels: { 'points.earned': ['inbox'] },
    })),
  },
  'PUT /v1/notification-templates/{type}/{channel}/{language}': {
    probeAfterSuccess: true,
    body: body(() => TEMPLATE),
  },
  'DELETE /v1/notification-templates/{type}/{channel}/{language}': { body: body(() => undefined) },
  'POST /v1/notification-templates/preview': {
    body: body(() => ({ type: 'points.earned', channel: 'inbox', language: 'zh-CN', template: TEMPLATE })),
  },
};

/** Valid writes sent after a success that changed what they read (see probeAfterSuccess). */
export const PROBE_OPERATIONS = [
  'POST /v1/members/{memberId}/credits',
  'POST /v1/events',
  'POST /v1/holds',
  'POST /v1/redemptions',
  'POST /v1/checkout/authorizations',
  'POST /v1/members/{memberId}/tier/retention',
];
