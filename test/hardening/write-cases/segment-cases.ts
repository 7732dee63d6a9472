import type { TestApi } from '../../support/test-api.ts';
import type { WriteCases } from './write-case.ts';

const NAME = { 'zh-CN': '常客', en: 'Regulars' };
const atLeast = (orders: number) => ({ field: 'activity.orders.30d', op: 'gte', value: orders });
const SETTINGS = {
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
};

let made = 0;
async function segment(program: TestApi): Promise<string> {
  const id = `seg-${++made}`;
  const created = await program.call('POST', '/v1/segments', { id, name: NAME, condition: atLeast(1) });
  if (created.status !== 201) throw new Error(`segment: ${JSON.stringify(created.body)}`);
  return id;
}

/** Segments (issue 19): definitions, recomputation, settings. */
export const segmentCases: WriteCases = {
  'POST /v1/segments': {
    prepare: async () => ({
      request: { url: '/v1/segments', body: { id: 'regulars', name: NAME, condition: atLeast(2) } },
      other: { url: '/v1/segments', body: { id: 'frequent', name: NAME, condition: atLeast(3) } },
    }),
  },
  'PATCH /v1/segments/{segmentId}': {
    prepare: async (program) => {
      const url = `/v1/segments/${await segment(program)}`;
      return {
        request: { url, body: { condition: atLeast(2) } },
        other: { url, body: { condition: atLeast(3) } },
      };
    },
  },
  'DELETE /v1/segments/{segmentId}': {
    prepare: async (program) => ({
      request: { url: `/v1/segments/${await segment(program)}` },
      other: { url: `/v1/segments/${await segment(program)}` },
    }),
  },
  'POST /v1/segments/preview': {
    readOnly: true,
    prepare: async () => ({
      request: { url: '/v1/segments/preview', body: { condition: atLeast(1) } },
      other: { url: '/v1/segments/preview', body: { condition: atLeast(2) } },
    }),
  },
  'POST /v1/segments/recompute': {
    prepare: async () => ({
      request: { url: '/v1/segments/recompute' },
      other: { url: '/v1/segments/recompute', body: {} },
    }),
  },
  'PUT /v1/segment-settings': {
    prepare: async () => ({
      request: { url: '/v1/segment-settings', body: SETTINGS },
      other: { url: '/v1/segment-settings', body: { ...SETTINGS, rfmWindowDays: 180 } },
    }),
  },
};
