import { perYuan, publish } from '../../events/event-test-kit.ts';
import { fundedMember } from '../../rewards/reward-kit.ts';
import type { TestApi } from '../../support/test-api.ts';
import { configure, grow, TIERS } from '../../tiers/tier-kit.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Earning rules, events, tiers. */

const perYuanTimes = (points: number) => ({
  ...perYuan,
  reward: { ...perYuan.reward, points },
});

async function draft(program: TestApi, definition: object = perYuan): Promise<string> {
  return (await ok(program, 'POST', '/v1/rules', definition)).id;
}

/** An order paid a day before the clock (the test clock's "now" is the first of March 2026). */
const orderPaid = (id: string, memberId: string, amountMinor: number) => ({
  id,
  type: 'order.paid',
  memberId,
  occurredAt: '2026-02-28T06:30:00Z',
  attributes: { orderId: `order-${id}`, amountMinor, currency: 'CNY' },
});

export const ruleCases: WriteCases = {
  'POST /v1/rules': {
    prepare: async () => ({
      request: { url: '/v1/rules', body: perYuan },
      other: { url: '/v1/rules', body: perYuanTimes(2) },
    }),
  },
  'PUT /v1/rules/{ruleId}/draft': {
    prepare: async (program) => {
      const ruleId = await publish(program, perYuan);
      const url = `/v1/rules/${ruleId}/draft`;
      return { request: { url, body: perYuanTimes(2) }, other: { url, body: perYuanTimes(3) } };
    },
  },
  'POST /v1/rules/{ruleId}/publish': {
    prepare: async (program) => {
      const [first, second] = [await draft(program), await draft(program, perYuanTimes(2))];
      return {
        request: { url: `/v1/rules/${first}/publish` },
        other: { url: `/v1/rules/${second}/publish` },
      };
    },
  },
  'POST /v1/rules/{ruleId}/retire': {
    prepare: async (program) => {
      const [first, second] = [await publish(program, perYuan), await publish(program, perYuanTimes(2))];
      return { request: { url: `/v1/rules/${first}/retire` }, other: { url: `/v1/rules/${second}/retire` } };
    },
  },
  'POST /v1/rules/preview': {
    readOnly: true,
    prepare: async (program) => {
      await publish(program, perYuan);
      await draft(program, perYuanTimes(2));
      const memberId = await fundedMember(program, []);
      const event = { type: 'order.paid', memberId, attributes: { amountMinor: 12_800, currency: 'CNY' } };
      return {
        request: { url: '/v1/rules/preview', body: { event, useDrafts: true } },
        other: { url: '/v1/rules/preview', body: { event } },
      };
    },
  },
  'POST /v1/rules/back-test': {
    readOnly: true,
    prepare: async (program) => {
      await publish(program, perYuan);
      const memberId = await fundedMember(program, []);
      await ok(program, 'POST', '/v1/events', orderPaid('paid-1', memberId, 9_900));
      const from = '2026-02-01T00:00:00Z';
      return {
        request: { url: '/v1/rules/back-test', body: { from, to: '2026-03-01T00:00:00Z' } },
        other: { url: '/v1/rules/back-test', body: { from, to: '2026-02-28T00:00:00Z' } },
      };
    },
  },
  'POST /v1/events': {
    prepare: async (program) => {
      await publish(program, perYuan);
      const memberId = await fundedMember(program, []);
      return {
        request: { url: '/v1/events', body: orderPaid('e-1', memberId, 10_000) },
        other: { url: '/v1/events', body: orderPaid('e-2', memberId, 10_000) },
      };
    },
  },
  'POST /v1/events/batch': {
    prepare: async (program) => {
      await publish(program, perYuan);
      const memberId = await fundedMember(program, []);
      const events = [orderPaid('e-1', memberId, 10_000), orderPaid('e-2', memberId, 2_000)];
      return {
        request: { url: '/v1/events/batch', body: { events } },
        other: { url: '/v1/events/batch', body: { events: [orderPaid('e-3', memberId, 500)] } },
      };
    },
  },
  'PUT /v1/tiers': {
    prepare: async () => {
      const [normal, silver, ...rest] = TIERS.tiers;
      const cheaperSilver = { ...TIERS, tiers: [normal, { ...silver, entryGrowth: 900 }, ...rest] };
      return { request: { url: '/v1/tiers', body: TIERS }, other: { url: '/v1/tiers', body: cheaperSilver } };
    },
  },
  'PUT /v1/members/{memberId}/tier': {
    prepare: async (program) => {
      await configure(program);
      const memberId = await fundedMember(program, []);
      const url = `/v1/members/${memberId}/tier`;
      const until = '2026-06-30T16:00:00Z';
      return {
        request: { url, body: { tier: 'gold', until, reason: 'store opening guest' } },
        other: { url, body: { tier: 'silver', until, reason: 'store opening guest' } },
      };
    },
  },
  'POST /v1/members/{memberId}/tier/retention': {
    prepare: async (program) => {
      await configure(program);
      const [first, second] = [await fundedMember(program, []), await fundedMember(program, [])];
      // Gold keeps itself for 2,000 points (tier-kit's TIERS).
      for (const memberId of [first, second]) await grow(program, memberId, 5_000);
      return {
        request: { url: `/v1/members/${first}/tier/retention` },
        other: { url: `/v1/members/${second}/tier/retention` },
      };
    },
  },
};
