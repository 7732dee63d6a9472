import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { addStaffMember, tokenHeaders } from '../staff/staff-support.ts';
import type { TestApi } from '../support/test-api.ts';
import { expectLedgerSound, expectProblem, invalidFields, openShop, type Shop } from './api-scenarios.ts';

const TOTAL = 25;

interface PageScenario {
  name: string;
  /** The list, without limit and cursor. */
  path: string;
  limit: number;
  /** Runs after the first page is read, before the rest (e.g. new entries arrive meanwhile). */
  between?: (shop: Shop) => Promise<void>;
  pageSizes: number[];
  /** The ids every page together must give, in order, from the full list read first. */
  expected: (all: { id: string; type: string }[]) => string[];
}

const scenarios: PageScenario[] = [
  {
    name: 'entries, 10 at a time: newest first, no gaps, no duplicates',
    path: '/v1/members/m/entries',
    limit: 10,
    pageSizes: [10, 10, 10, 3],
    expected: (all) => all.map((entry) => entry.id),
  },
  {
    name: 'entries, one at a time',
    path: '/v1/members/m/entries',
    limit: 1,
    pageSizes: Array(TOTAL + 8).fill(1),
    expected: (all) => all.map((entry) => entry.id),
  },
  {
    name: 'entries, exactly all in one page: no next cursor',
    path: '/v1/members/m/entries',
    limit: TOTAL + 8,
    pageSizes: [TOTAL + 8],
    expected: (all) => all.map((entry) => entry.id),
  },
  {
    name: 'entries written between pages do not shift the pages already promised',
    path: '/v1/members/m/entries',
    limit: 10,
    between: async (shop) => {
      for (let i = 0; i < 3; i++) await shop.credit('m', 1);
    },
    pageSizes: [10, 10, 10, 3],
    expected: (all) => all.map((entry) => entry.id),
  },
  {
    name: 'entries of one type, 3 at a time',
    path: '/v1/members/m/entries?type=spend',
    limit: 3,
    pageSizes: [3, 3, 2],
    expected: (all) => all.filter((entry) => entry.type === 'spend').map((entry) => entry.id),
  },
  {
    name: 'lots, 10 at a time, oldest first',
    path: '/v1/members/m/lots?includeEmpty=true',
    limit: 10,
    pageSizes: [10, 10, 5],
    expected: (all) =>
      all
        .filter((entry) => entry.type === 'earn')
        .reverse()
        .map((entry) => entry.id),
  },
];

interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  responses: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }>;
}
interface OpenApiSchema {
  $ref?: string;
  properties?: Record<string, unknown>;
}

/** A schema of the document, its $ref followed. */
function resolved(
  document: { components?: { schemas?: Record<string, OpenApiSchema> } },
  schema?: OpenApiSchema,
) {
  if (!schema?.$ref) return schema;
  return document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')];
}

/** Registers this table in the caller's describe, on the caller's API. */
export function paginationScenarios(use: () => TestApi): void {
  describe('cursor pagination', () => {
    let api: TestApi;
    let shop: Shop;
    let all: { id: string; type: string; lots: { lotId: string }[] }[];
    beforeAll(async () => {
      api = use();
    });
    afterAll(async () => expectLedgerSound(api));

    /** A fresh member with 25 earn entries (25 lots) and 8 spends: 33 entries. */
    async function memberWithHistory() {
      shop = await openShop(api);
      await shop.member('m');
      for (let points = 1; points <= TOTAL; points++) await shop.credit('m', points);
      for (let i = 0; i < 8; i++) await shop.debit('m', 1);
      all = (await shop.call('GET', '/v1/members/m/entries?limit=200')).body.data;
      expect(all).toHaveLength(TOTAL + 8);
    }

    test.each(scenarios)('$name', async (scenario) => {
      await memberWithHistory();
      const isLots = scenario.path.includes('/lots');
      const ids: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const separator = scenario.path.includes('?') ? '&' : '?';
        const url = `${scenario.path}${separator}limit=${scenario.limit}${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await shop.call('GET', url);
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        sizes.push(page.body.data.length);
        for (const item of page.body.data) {
          ids.push(isLots ? item.entryId : item.id);
        }
        cursor = page.body.nextCursor;
        if (sizes.length === 1) await scenario.between?.(shop);
      } while (cursor !== null && sizes.length < 100);
      expect(sizes).toEqual(scenario.pageSizes);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(scenario.expected(all));
    });

    test('every list answers one envelope, and refuses a cursor it did not give out', async () => {
      shop = await openShop(api);
      await shop.member('m');
      for (let points = 1; points <= 3; points++) await shop.credit('m', points);
      const draw = await shop.call('POST', '/v1/draws', {
        name: { 'zh-CN': '转盘', en: 'Wheel' },
        costPoints: 1,
        prizes: [{ name: { 'zh-CN': '积分', en: 'Points' }, weight: 1, kind: 'points', points: 1 }],
        consolation: { name: { 'zh-CN': '谢谢参与', en: 'Next time' }, weight: 1 },
      });
      expect(draw.status, JSON.stringify(draw.body)).toBe(201);
      const endpoint = await shop.call('POST', '/v1/webhooks', { url: 'https://example.com/hook' });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      const ids: Record<string, string> = {
        memberId: 'm',
        drawId: draw.body.id,
        endpointId: endpoint.body.id,
        // A lifecycle stage: every program has them.
        segmentId: 'stage_active',
      };
      const document = (await shop.call('GET', '/openapi.json')).body;
      const owner = await addStaffMember(api, { role: 'owner', programId: shop.programId });
      const staffSession = await tokenHeaders(api, owner.loginUsed);
      const lists: string[] = [];
      for (const [path, item] of Object.entries<Record<string, OpenApiOperation>>(document.paths)) {
        const operation = item.get;
        if (!operation) continue;
        const ok = resolved(document, operation.responses['200']?.content?.['application/json']?.schema);
        if (!ok?.properties?.data) continue;
        lists.push(path);
        // The one envelope: data, nextCursor, hasMore, and nothing else.
        expect(Object.keys(ok.properties).sort(), path).toEqual(['data', 'hasMore', 'nextCursor']);
        const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'unknown');
        // The deployment's programs are listed with the admin key, a staff member's own lists
        // (/v1/auth/...) with their session, everything else with the shop's key.
        const get = (target: string) =>
          path.startsWith('/v1/programs')
            ? api.call('GET', target, undefined, { authorization: `Bearer ${api.adminKey}` })
            : path.startsWith('/v1/auth/')
              ? shop.call('GET', target, undefined, staffSession)
              : shop.call('GET', target);
        const page = await get(`${url}?limit=1`);
        expect(page.status, `${path} ${JSON.stringify(page.body)}`).toBe(200);
        expect(page.body.hasMore, path).toBe(page.body.nextCursor !== null);
        const pageable = (operation.parameters ?? []).some((p) => p.in === 'query' && p.name === 'cursor');
        if (!pageable) {
          expect(page.body.nextCursor, path).toBeNull();
          continue;
        }
        for (const cursor of [
          'zzz',
          'ent_06h4xx8fjg6s58h7q6728vs4tn',
          Buffer.from('["c9","x"]').toString('base64url'),
        ]) {
          const bad = await get(`${url}?cursor=${cursor}`);
          expectProblem(bad, 400, 'validation_failed');
          expect(invalidFields(bad), path).toContain('querystring/cursor');
        }
      }
      // Every list is in the table, those that page and those that are always whole.
      expect(lists.length).toBeGreaterThanOrEqual(17);
      expect(lists).toContain('/v1/members/{memberId}/tier-history');
      expect(lists).toContain('/v1/programs');
    });

    test('a page that is not the last says so: hasMore with a cursor that continues it', async () => {
      await memberWithHistory();
      const first = await shop.call('GET', '/v1/members/m/entries?limit=32');
      expect(first.body).toMatchObject({ hasMore: true });
      const last = await shop.call('GET', `/v1/members/m/entries?limit=32&cursor=${first.body.nextCursor}`);
      expect(last.body).toMatchObject({ hasMore: false, nextCursor: null });
      expect(last.body.data).toHaveLength(1);
    });

    test.each([
      ['limit=0', 'querystring/limit'],
      ['limit=201', 'querystring/limit'],
      ['limit=ten', 'querystring/limit'],
    ])('GET entries with %s is refused', async (query, field) => {
      shop = await openShop(api);
      await shop.member('m');
      const reply = await shop.call('GET', `/v1/members/m/entries?${query}`);
      expectProblem(reply, 400, 'validation_failed');
      expect(invalidFields(reply)).toContain(field);
    });
  });
}
