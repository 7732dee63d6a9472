import { liveDraw, text, WHEEL } from '../../rewards/draws/draw-kit.ts';
import { ADDRESS, COUPON, fundedMember, LOUNGE, liveReward, MUG } from '../../rewards/reward-kit.ts';
import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** The catalogue, redemptions and their lifecycle, coupon codes, checkout, lucky draws. */

const CASH_MUG = { ...MUG, pricePoints: 100, cashMinor: 990 };
const POOL_COUPON = { ...COUPON, coupon: { codeSource: 'pool' } };

/** Two redemptions of `reward` by one funded member (goods get a shipping address). */
async function twoRedemptions(program: TestApi, reward: object): Promise<[string, string]> {
  const { id: rewardId } = await liveReward(program, reward);
  const memberId = await fundedMember(program, [5_000]);
  const redeem = async () =>
    (await ok(program, 'POST', '/v1/redemptions', { memberId, rewardId, shippingAddress: ADDRESS })).id;
  return [await redeem(), await redeem()];
}

const ship = (program: TestApi, redemptionId: string) =>
  ok(program, 'POST', `/v1/redemptions/${redemptionId}/ship`, {
    carrier: 'SF',
    trackingNumber: redemptionId,
  });

/** 2 points pay for 1 fen; half of the cart may be paid with points. */
async function checkoutShop(program: TestApi) {
  await ok(program, 'PATCH', '/v1/program', { pointValue: { points: 2, amountMinor: 1 } });
  await ok(program, 'PUT', '/v1/checkout/settings', { enabled: true, maxShareOfOrder: 0.5 });
  const memberId = await fundedMember(program, [50_000]);
  const cart = { currency: 'CNY', items: [{ sku: 'tea', quantity: 2, unitPriceMinor: 3_000 }] };
  const authorize = (orderId: string) =>
    ok(program, 'POST', '/v1/checkout/authorizations', { memberId, orderId, points: 4_000, cart });
  return { memberId, cart, authorize };
}

export const rewardCases: WriteCases = {
  'POST /v1/rewards': {
    prepare: async () => ({
      request: { url: '/v1/rewards', body: MUG },
      other: { url: '/v1/rewards', body: LOUNGE },
    }),
  },
  'PATCH /v1/rewards/{rewardId}': {
    prepare: async (program) => {
      const { id } = await ok(program, 'POST', '/v1/rewards', MUG);
      const url = `/v1/rewards/${id}`;
      return { request: { url, body: { status: 'live' } }, other: { url, body: { pricePoints: 320 } } };
    },
  },
  'POST /v1/redemptions': {
    prepare: async (program) => {
      const { id: rewardId } = await liveReward(program, MUG);
      const memberId = await fundedMember(program, [2_000]);
      const body = { memberId, rewardId, shippingAddress: ADDRESS };
      return {
        request: { url: '/v1/redemptions', body },
        other: { url: '/v1/redemptions', body: { ...body, quantity: 2 } },
      };
    },
  },
  'POST /v1/redemptions/{redemptionId}/ship': {
    prepare: async (program) => {
      const [first, second] = await twoRedemptions(program, MUG);
      const body = { carrier: 'SF Express', trackingNumber: 'SF1234567890' };
      return {
        request: { url: `/v1/redemptions/${first}/ship`, body },
        other: { url: `/v1/redemptions/${second}/ship`, body },
      };
    },
  },
  'POST /v1/redemptions/{redemptionId}/deliver': {
    prepare: async (program) => {
      const [first, second] = await twoRedemptions(program, MUG);
      for (const redemptionId of [first, second]) await ship(program, redemptionId);
      return {
        request: { url: `/v1/redemptions/${first}/deliver` },
        other: { url: `/v1/redemptions/${second}/deliver` },
      };
    },
  },
  'POST /v1/redemptions/{redemptionId}/cancel': {
    prepare: async (program) => {
      const [first, second] = await twoRedemptions(program, MUG);
      return {
        request: {
          url: `/v1/redemptions/${first}/cancel`,
          body: { reason: 'out of stock at the warehouse' },
        },
        other: { url: `/v1/redemptions/${second}/cancel` },
      };
    },
  },
  'POST /v1/redemptions/{redemptionId}/pay': {
    prepare: async (program) => {
      const [first, second] = await twoRedemptions(program, CASH_MUG);
      return {
        request: { url: `/v1/redemptions/${first}/pay` },
        other: { url: `/v1/redemptions/${second}/pay` },
      };
    },
  },
  'POST /v1/rewards/{rewardId}/codes': {
    prepare: async (program) => {
      const { id } = await liveReward(program, POOL_COUPON);
      const url = `/v1/rewards/${id}/codes`;
      return {
        request: { url, body: { codes: ['POOL-0001', 'POOL-0002'] } },
        other: { url, body: { codes: ['POOL-0003'] } },
      };
    },
  },
  'POST /v1/coupon-codes/{code}/use': {
    prepare: async (program) => {
      const { id: rewardId } = await liveReward(program, COUPON);
      const memberId = await fundedMember(program, [1_000]);
      const redeemed = await ok(program, 'POST', '/v1/redemptions', { memberId, rewardId, quantity: 2 });
      const [first, second] = redeemed.couponCodes.map((code: { code: string }) => code.code);
      return {
        request: { url: `/v1/coupon-codes/${first}/use`, body: { orderId: 'pos-1', store: 'SH-001' } },
        other: { url: `/v1/coupon-codes/${second}/use`, body: { orderId: 'pos-2' } },
      };
    },
  },
  'PUT /v1/checkout/settings': {
    prepare: async () => ({
      request: {
        url: '/v1/checkout/settings',
        body: { enabled: true, maxShareOfOrder: 0.3, stepPoints: 10 },
      },
      other: { url: '/v1/checkout/settings', body: { enabled: false } },
    }),
  },
  'POST /v1/checkout/quote': {
    readOnly: true,
    prepare: async (program) => {
      const { memberId, cart } = await checkoutShop(program);
      return {
        request: { url: '/v1/checkout/quote', body: { memberId, ...cart } },
        other: { url: '/v1/checkout/quote', body: { memberId, ...cart, shippingMinor: 800 } },
      };
    },
  },
  'POST /v1/checkout/authorizations': {
    prepare: async (program) => {
      const { memberId, cart } = await checkoutShop(program);
      const body = { memberId, orderId: 'order-1', points: 4_000, cart };
      return {
        request: { url: '/v1/checkout/authorizations', body },
        other: { url: '/v1/checkout/authorizations', body: { ...body, orderId: 'order-2' } },
      };
    },
  },
  'POST /v1/checkout/payments/{orderId}/capture': {
    prepare: async (program) => {
      const { authorize } = await checkoutShop(program);
      for (const orderId of ['order-1', 'order-2']) await authorize(orderId);
      return {
        request: { url: '/v1/checkout/payments/order-1/capture', body: { points: 3_000 } },
        other: { url: '/v1/checkout/payments/order-2/capture' },
      };
    },
  },
  'POST /v1/checkout/payments/{orderId}/void': {
    prepare: async (program) => {
      const { authorize } = await checkoutShop(program);
      for (const orderId of ['order-1', 'order-2']) await authorize(orderId);
      return {
        request: { url: '/v1/checkout/payments/order-1/void' },
        other: { url: '/v1/checkout/payments/order-2/void' },
      };
    },
  },
  'POST /v1/checkout/payments/{orderId}/refunds': {
    prepare: async (program) => {
      const { authorize } = await checkoutShop(program);
      for (const orderId of ['order-1', 'order-2']) {
        await authorize(orderId);
        await ok(program, 'POST', `/v1/checkout/payments/${orderId}/capture`);
      }
      return {
        request: {
          url: '/v1/checkout/payments/order-1/refunds',
          body: { items: [{ sku: 'tea', quantity: 1 }] },
        },
        other: { url: '/v1/checkout/payments/order-2/refunds', body: { amountMinor: 1_000 } },
      };
    },
  },
  'POST /v1/draws': {
    prepare: async () => ({
      request: { url: '/v1/draws', body: WHEEL },
      other: { url: '/v1/draws', body: { ...WHEEL, costPoints: 20 } },
    }),
  },
  'PATCH /v1/draws/{drawId}': {
    prepare: async (program) => {
      const { id } = await ok(program, 'POST', '/v1/draws', WHEEL);
      const url = `/v1/draws/${id}`;
      return {
        request: { url, body: { status: 'live' } },
        other: { url, body: { name: text('新春转盘', 'Spring wheel') } },
      };
    },
  },
  'POST /v1/draws/{drawId}/play': {
    prepare: async (program) => {
      const { id } = await liveDraw(program);
      const [first, second] = [await fundedMember(program, [100]), await fundedMember(program, [100])];
      const url = `/v1/draws/${id}/play`;
      return { request: { url, body: { memberId: first } }, other: { url, body: { memberId: second } } };
    },
  },
};
