import { afterAll, beforeAll, describe, expect, test } from 'vitest';
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
