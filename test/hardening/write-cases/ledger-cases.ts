import { fundedMember } from '../../rewards/reward-kit.ts';
import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Members, the ledger, holds, and the program's keys and settings. */

const reason = 'idempotency check';

async function hold(program: TestApi, memberId: string, points: number): Promise<string> {
  const held = await ok(program, 'POST', '/v1/holds', { memberId, points, reason });
  return held.hold.id;
}

async function apiKey(program: TestApi, name: string): Promise<string> {
  return (await ok(program, 'POST', '/v1/api-keys', { name, scopes: ['members:read'] })).key.id;
}

export const ledgerCases: WriteCases = {
  'PUT /v1/members/{memberId}': {
    prepare: async () => ({
      request: { url: '/v1/members/ann', body: { tags: ['vip'], channel: 'app' } },
      other: { url: '/v1/members/ann', body: { tags: ['new'] } },
    }),
  },
  'POST /v1/members/{memberId}/change-id': {
    prepare: async (program) => {
      const [first, second] = [await fundedMember(program, [100]), await fundedMember(program, [100])];
      return {
        request: { url: `/v1/members/${first}/change-id`, body: { newMemberId: `${first}-renamed` } },
        other: { url: `/v1/members/${second}/change-id`, body: { newMemberId: `${second}-renamed` } },
      };
    },
  },
  'POST /v1/members/{memberId}/erasure': {
    prepare: async (program) => {
      const [first, second] = [await fundedMember(program, [100]), await fundedMember(program, [100])];
      return {
        request: { url: `/v1/members/${first}/erasure`, body: {} },
        other: { url: `/v1/members/${second}/erasure`, body: { forgetMemberId: true } },
      };
    },
  },
  'POST /v1/members/{memberId}/credits': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, []);
      const url = `/v1/members/${memberId}/credits`;
      return {
        request: { url, body: { points: 100, reason: 'purchase', growth: 100 } },
        other: { url, body: { points: 101, reason: 'purchase' } },
      };
    },
  },
  'POST /v1/members/{memberId}/debits': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, [500]);
      const url = `/v1/members/${memberId}/debits`;
      return { request: { url, body: { points: 30, reason } }, other: { url, body: { points: 31, reason } } };
    },
  },
  'POST /v1/members/{memberId}/adjustments': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, [500]);
      const url = `/v1/members/${memberId}/adjustments`;
      return {
        request: { url, body: { points: 50, reason: 'goodwill', operator: 'ops@shop' } },
        other: { url, body: { points: -5, reason: 'correction', operator: 'ops@shop' } },
      };
    },
  },
  'POST /v1/entries/{entryId}/reversal': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, []);
      const credit = (points: number) =>
        ok(program, 'POST', `/v1/members/${memberId}/credits`, { points, reason });
      const [first, second] = [(await credit(100)).entries[0].id, (await credit(200)).entries[0].id];
      return {
        request: { url: `/v1/entries/${first}/reversal`, body: { reason: 'wrong order', operator: 'ops' } },
        other: { url: `/v1/entries/${second}/reversal` },
      };
    },
  },
  'POST /v1/transfers': {
    prepare: async (program) => {
      const [from, to] = [await fundedMember(program, [500]), await fundedMember(program, [])];
      const body = { fromMemberId: from, toMemberId: to, points: 40, reason: 'gift' };
      return {
        request: { url: '/v1/transfers', body },
        other: { url: '/v1/transfers', body: { ...body, points: 41 } },
      };
    },
  },
  'POST /v1/credits/batch': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, []);
      const item = (idempotencyKey: string, points: number) => ({ idempotencyKey, memberId, points, reason });
      return {
        request: { url: '/v1/credits/batch', body: { items: [item('b-1', 10), item('b-2', 20)] } },
        other: { url: '/v1/credits/batch', body: { items: [item('b-3', 30)] } },
      };
    },
  },
  'POST /v1/holds': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, [500]);
      const body = { memberId, points: 40, reason, ttlSeconds: 600 };
      return {
        request: { url: '/v1/holds', body },
        other: { url: '/v1/holds', body: { ...body, points: 41 } },
      };
    },
  },
  'POST /v1/holds/{holdId}/capture': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, [500]);
      const [first, second] = [await hold(program, memberId, 100), await hold(program, memberId, 100)];
      return {
        request: { url: `/v1/holds/${first}/capture`, body: { points: 60 } },
        other: { url: `/v1/holds/${second}/capture` },
      };
    },
  },
  'POST /v1/holds/{holdId}/void': {
    prepare: async (program) => {
      const memberId = await fundedMember(program, [500]);
      const [first, second] = [await hold(program, memberId, 100), await hold(program, memberId, 100)];
      return {
        request: { url: `/v1/holds/${first}/void`, body: { reason: 'order cancelled' } },
        other: { url: `/v1/holds/${second}/void` },
      };
    },
  },
  'POST /v1/api-keys': {
    secretShownOnce: true,
    prepare: async () => ({
      request: { url: '/v1/api-keys', body: { name: 'till', scopes: ['ledger:write', 'members:read'] } },
      other: { url: '/v1/api-keys', body: { name: 'till 2', scopes: ['ledger:write'] } },
    }),
  },
  'DELETE /v1/api-keys/{keyId}': {
    prepare: async (program) => {
      const [first, second] = [await apiKey(program, 'old till'), await apiKey(program, 'spare till')];
      return { request: { url: `/v1/api-keys/${first}` }, other: { url: `/v1/api-keys/${second}` } };
    },
  },
  'PATCH /v1/program': {
    prepare: async () => ({
      request: { url: '/v1/program', body: { name: 'Tea House', holdTtlSeconds: 1200 } },
      other: { url: '/v1/program', body: { name: 'Coffee House' } },
    }),
  },
};
