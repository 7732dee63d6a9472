import { fanOutMessages } from '../../../src/notifications/dispatch/fan-out.ts';
import type { TestApi } from '../../support/test-api.ts';

/**
 * Realistic things for bad requests to aim at, so ids in paths exist and requests get past the
 * schema into the commands: a member with points, an entry, an open hold, rules in each state,
 * tiers, rewards and redemptions in each state, a coupon code, checkout payments, a live draw, a
 * webhook endpoint with a delivery, an inbox message. Each is made on first use; a write that
 * succeeds on one of them (captures the hold, ships the redemption) replaces it before its next use.
 */

const text = (zh: string, en: string) => ({ 'zh-CN': zh, en });

export const RULE = {
  name: text('消费积分', 'Purchase points'),
  trigger: 'order.paid',
  condition: { all: [{ field: 'event.amountMinor', op: 'gte', value: 100 }] },
  reward: { kind: 'per_amount', points: 1, perAmountMinor: 100, rounding: 'floor' },
  target: { points: 1, growth: 1 },
  schedule: { from: '2026-01-01', weekdays: [1, 2, 3, 4, 5, 6, 7], hours: { from: '00:00', to: '23:59' } },
  limits: { perMemberPoints: { day: 100_000 }, oncePer: 'orderId', budgetPoints: 10_000_000 },
  pendingDays: 0,
  expiresInDays: 365,
  priority: 10,
  stacking: { mode: 'stack' },
};

export const TIERS = {
  tiers: [
    { code: 'normal', name: text('普通', 'Normal'), entryGrowth: 0, retainGrowth: 0 },
    {
      code: 'silver',
      name: text('银卡', 'Silver'),
      entryGrowth: 1_000,
      retainGrowth: 800,
      benefits: {
        earnMultiplier: 1.2,
        birthdayBonusPoints: 100,
        retainWithPoints: 500,
        perks: [text('包邮', 'Free shipping')],
      },
    },
    { code: 'gold', name: text('金卡', 'Gold'), entryGrowth: 5_000, retainGrowth: 4_000 },
  ],
  window: { kind: 'rolling_months', months: 12 },
  evaluation: { kind: 'period_end', every: 'month' },
  downgrade: 'one_step',
  refundsCanDowngrade: false,
};

const GOODS = { type: 'goods', name: text('马克杯', 'Mug'), pricePoints: 10, stock: 1_000_000 };
const CASH_GOODS = { ...GOODS, name: text('加钱购', 'Points + cash'), cashMinor: 990 };
const COUPON = { type: 'coupon', name: text('九折券', '10% off'), pricePoints: 10 };
const ADDRESS = {
  name: '王小明',
  phone: '13800000000',
  lines: ['上海市静安区南京西路 1 号'],
  postalCode: '200040',
};
export const WHEEL = {
  name: text('幸运转盘', 'Lucky wheel'),
  costPoints: 1,
  perMemberPerDay: 10_000,
  availableFrom: null,
  availableUntil: null,
  prizes: [
    { name: text('10 积分', '10 points'), weight: 1, stock: 1_000, kind: 'points', points: 10 },
    { name: text('耳机', 'Earbuds'), weight: 1, stock: 1_000, kind: 'item' },
  ],
  consolation: { name: text('谢谢参与', 'Next time'), weight: 1, points: 1 },
};
const CART = {
  currency: 'CNY',
  items: [{ sku: 'a', quantity: 1, unitPriceMinor: 100_000, deductible: true }],
  shippingMinor: 0,
};

type Body = Record<string, unknown>;

/** A fixture the app refused to make (under the settings a fuzzed request left behind). */
export class FixtureUnavailable extends Error {}

export class FuzzFixtures {
  private readonly made = new Map<string, string>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly building: string[] = [];
  private sequence = 0;
  /** Requests sent to make fixtures (not counted as fuzz requests). */
  setupRequests = 0;

  constructor(private readonly api: TestApi) {}

  /** A fresh suffix for ids that must not repeat (order ids, event ids, batch keys). */
  unique(prefix: string): string {
    this.sequence += 1;
    return `${prefix}-${this.sequence}-${Date.now().toString(36)}`;
  }

  /** The fixture's id, made now if it was never made or was used up. */
  async get(name: string): Promise<string> {
    const parent = this.building.at(-1);
    if (parent) {
      const set = this.dependents.get(name) ?? new Set();
      set.add(parent);
      this.dependents.set(name, set);
    }
    const existing = this.made.get(name);
    if (existing !== undefined) return existing;
    const factory = this.factories[name];
    if (!factory) throw new Error(`no fixture named ${name}`);
    this.building.push(name);
    try {
      const id = await factory();
      this.made.set(name, id);
      return id;
    } finally {
      this.building.pop();
    }
  }

  /** Forget a used-up fixture, and every fixture made from it. */
  async useUp(name: string): Promise<void> {
    const id = this.made.get(name);
    if (id === undefined) return;
    this.made.delete(name);
    // A program holds at most 20 webhook endpoints: a patched one is deleted, not left behind.
    if (name === 'endpoint') await this.api.call('DELETE', `/v1/webhooks/${id}`);
    for (const dependent of this.dependents.get(name) ?? []) await this.useUp(dependent);
  }

  private async ok(
    method: Parameters<TestApi['call']>[0],
    url: string,
    body?: unknown,
    key = this.api.key,
  ): Promise<Body> {
    this.setupRequests += 1;
    const reply = await this.api.call(method, url, body, { authorization: `Bearer ${key}` });
    if (reply.status >= 300) {
      throw new FixtureUnavailable(
        `fixture ${method} ${url} answered ${reply.status}: ${JSON.stringify(reply.body)}`,
      );
    }
    return reply.body as Body;
  }

  private async liveReward(body: Body): Promise<string> {
    await this.get('setup');
    const created = await this.ok('POST', '/v1/rewards', body);
    await this.ok('PATCH', `/v1/rewards/${created.id}`, { status: 'live' });
    return created.id as string;
  }

  private async redemption(rewardFixture: string, extra: Body = {}): Promise<Body> {
    return this.ok('POST', '/v1/redemptions', {
      memberId: await this.get('member'),
      rewardId: await this.get(rewardFixture),
      ...extra,
    });
  }

  private async authorize(): Promise<string> {
    await this.get('setup');
    const orderId = this.unique('fz-order');
    await this.ok('POST', '/v1/checkout/authorizations', {
      memberId: await this.get('member'),
      orderId,
      points: 100,
      cart: CART,
    });
    return orderId;
  }

  private readonly factories: Record<string, () => Promise<string>> = {
    /** A live program with no key yet (the admin key's routes act on it). */
    program: async () =>
      (await this.ok('POST', '/v1/programs', { name: this.unique('fz-program') }, this.api.adminKey))
        .id as string,
    setup: async () => {
      // West of UTC, so the local midnights after late dates fall in the next UTC year.
      await this.ok('PATCH', '/v1/program', {
        pointValue: { points: 1, amountMinor: 1 },
        timezone: 'America/Los_Angeles',
      });
      await this.ok('PUT', '/v1/checkout/settings', {
        enabled: true,
        maxShareOfOrder: 1,
        minPoints: 0,
        stepPoints: 1,
      });
      await this.ok('PUT', '/v1/tiers', TIERS);
      const rule = await this.ok('POST', '/v1/rules', RULE);
      await this.ok('POST', `/v1/rules/${rule.id}/publish`);
      return 'done';
    },
    member: async () => {
      await this.get('setup');
      const memberId = this.unique('fz-m');
      await this.ok('PUT', `/v1/members/${memberId}`, { channel: 'app', attributes: { city: 'Shanghai' } });
      await this.ok('POST', `/v1/members/${memberId}/credits`, {
        points: 1_000_000,
        reason: 'seed',
        growth: 100,
      });
      return memberId;
    },
    silverMember: async () => {
      await this.get('setup');
      const memberId = this.unique('fz-silver');
      await this.ok('PUT', `/v1/members/${memberId}`, {});
      await this.ok('POST', `/v1/members/${memberId}/credits`, {
        points: 10_000,
        reason: 'seed',
        growth: 1_000,
      });
      return memberId;
    },
    otherMember: async () => {
      const memberId = this.unique('fz-to');
      await this.ok('PUT', `/v1/members/${memberId}`, {});
      return memberId;
    },
    entry: async () => {
      const credited = await this.ok('POST', `/v1/members/${await this.get('member')}/credits`, {
        points: 100,
        reason: 'to reverse',
      });
      return (credited.entries as Body[])[0]!.id as string;
    },
    hold: async () => {
      const hold = await this.ok('POST', '/v1/holds', {
        memberId: await this.get('member'),
        points: 100,
        reason: 'hold',
      });
      return ((hold.hold as Body | undefined)?.id ?? hold.id) as string;
    },
    spareKey: async () => {
      const created = await this.ok('POST', '/v1/api-keys', { name: 'spare', scopes: ['members:read'] });
      return (created.key as Body).id as string;
    },
    rule: async () => (await this.ok('POST', '/v1/rules', RULE)).id as string,
    draftRule: async () => (await this.ok('POST', '/v1/rules', RULE)).id as string,
    publishedRule: async () => {
      const ruleId = (await this.ok('POST', '/v1/rules', RULE)).id as string;
      await this.ok('POST', `/v1/rules/${ruleId}/publish`);
      return ruleId;
    },
    reward: () => this.liveReward(GOODS),
    cashReward: () => this.liveReward(CASH_GOODS),
    couponReward: () => this.liveReward(COUPON),
    poolReward: async () => {
      await this.get('setup');
      const created = await this.ok('POST', '/v1/rewards', { ...COUPON, coupon: { codeSource: 'pool' } });
      return created.id as string;
    },
    redemptionToShip: async () =>
      (await this.redemption('reward', { shippingAddress: ADDRESS })).id as string,
    redemptionToCancel: async () =>
      (await this.redemption('reward', { shippingAddress: ADDRESS })).id as string,
    shippedRedemption: async () => {
      const id = (await this.redemption('reward', { shippingAddress: ADDRESS })).id as string;
      await this.ok('POST', `/v1/redemptions/${id}/ship`, { carrier: 'SF', trackingNumber: 'SF1' });
      return id;
    },
    redemptionToPay: async () =>
      (await this.redemption('cashReward', { shippingAddress: ADDRESS })).id as string,
    couponCode: async () => {
      const redeemed = await this.redemption('couponReward');
      return (redeemed.couponCodes as Body[])[0]!.code as string;
    },
    authorizedOrder: () => this.authorize(),
    capturedOrder: async () => {
      const orderId = await this.authorize();
      await this.ok('POST', `/v1/checkout/payments/${orderId}/capture`, {});
      return orderId;
    },
    draw: async () => {
      await this.get('setup');
      const created = await this.ok('POST', '/v1/draws', WHEEL);
      await this.ok('PATCH', `/v1/draws/${created.id}`, { status: 'live' });
      return created.id as string;
    },
    endpoint: async () =>
      (await this.ok('POST', '/v1/webhooks', { url: 'https://example.com/hooks', types: [] })).id as string,
    delivery: async () => {
      const endpointId = await this.get('endpoint');
      await this.get('inboxMessage');
      const [row] = await this.api.db.query<{ id: string }>(
        'select id from deliveries where program_id = $1 and endpoint_id = $2 order by id desc limit 1',
        [this.api.programId, endpointId],
      );
      if (!row) throw new Error('fan-out made no webhook delivery');
      return row.id;
    },
    inboxMessage: async () => {
      const memberId = await this.get('member');
      await this.get('endpoint');
      await this.ok('POST', `/v1/members/${memberId}/credits`, { points: 1, reason: 'for the inbox' });
      await fanOutMessages(this.api.db, this.api.clock, { emailConfigured: false });
      const [row] = await this.api.db.query<{ id: string }>(
        `select i.id from inbox_messages i join members m using (program_id, member_key)
          where i.program_id = $1 and m.member_id = $2 order by i.id desc limit 1`,
        [this.api.programId, memberId],
      );
      if (!row) throw new Error('fan-out made no inbox message');
      return row.id;
    },
  };
}
