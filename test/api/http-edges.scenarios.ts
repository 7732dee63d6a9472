import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApi } from '../support/test-api.ts';
import { expectLedgerSound, expectProblem, openShop, type Reply, type Shop } from './api-scenarios.ts';

interface RawRequest {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: string;
  contentType?: string;
  payload?: string | Buffer;
  status: number;
  code: string;
  verify?: (reply: Reply) => void;
}

const MIB = 1_048_576;

const scenarios: RawRequest[] = [
  {
    name: 'a body over 1 MiB is payload_too_large, with the limit',
    method: 'POST',
    url: '/v1/members/m/credits',
    contentType: 'application/json',
    payload: JSON.stringify({ points: 10, reason: 'x'.repeat(MIB) }),
    status: 413,
    code: 'payload_too_large',
    verify: (reply) => expect(reply.body.limitBytes).toBe(MIB),
  },
  {
    name: 'a body cut short is malformed_json',
    method: 'POST',
    url: '/v1/members/m/credits',
    contentType: 'application/json',
    payload: '{"points": 10, "reason": "x"',
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'single quotes are not JSON',
    method: 'PUT',
    url: '/v1/members/m',
    contentType: 'application/json',
    payload: "{'status': 'frozen'}",
    status: 400,
    code: 'malformed_json',
  },
  {
    name: 'an empty JSON body where a body is required says the body is missing',
    method: 'POST',
    url: '/v1/members/m/debits',
    contentType: 'application/json',
    payload: '',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'an empty JSON body where the body is optional is no body (void of an unknown hold)',
    method: 'POST',
    url: '/v1/holds/hld_06h0zzzzzzzzzzzzzzzzzzzzzz/void',
    contentType: 'application/json',
    payload: '',
    status: 404,
    code: 'hold_not_found',
  },
  {
    name: 'a malformed percent-encoding in the URL is problem+json',
    method: 'GET',
    url: '/v1/members/%zz',
    status: 400,
    code: 'validation_failed',
  },
  {
    name: 'plain text is unsupported_media_type',
    method: 'POST',
    url: '/v1/members/m/credits',
    contentType: 'text/plain',
    payload: 'points=10',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a form is unsupported_media_type',
    method: 'POST',
    url: '/v1/members/m/debits',
    contentType: 'application/x-www-form-urlencoded',
    payload: 'points=10&reason=x',
    status: 415,
    code: 'unsupported_media_type',
  },
  {
    name: 'a path that does not exist is route_not_found',
    method: 'GET',
    url: '/v1/points',
    status: 404,
    code: 'route_not_found',
    verify: (reply) => expect(reply.body.detail).toContain('GET /v1/points'),
  },
  {
    name: 'a method the path does not have is method_not_allowed, with Allow',
    method: 'DELETE',
    url: '/v1/members/m',
    status: 405,
    code: 'method_not_allowed',
    verify: (reply) => {
      expect(reply.headers.allow).toBe('GET, HEAD, PUT');
      expect(reply.body.allow).toEqual(['GET', 'HEAD', 'PUT']);
    },
  },
  {
    name: 'a wrong method on a path with parameters and a query is method_not_allowed too',
    method: 'PATCH',
    url: '/v1/members/m/entries?limit=1',
    status: 405,
    code: 'method_not_allowed',
    verify: (reply) => expect(reply.headers.allow).toBe('GET, HEAD'),
  },
  {
    name: 'a wrong method on a path that does not exist is still route_not_found',
    method: 'DELETE',
    url: '/v1/members/m/nothing-here',
    status: 404,
    code: 'route_not_found',
  },
];

/** Registers this table in the caller's describe, on the caller's API. */
export function httpEdgeScenarios(use: () => TestApi): void {
  describe('HTTP edges', () => {
    let api: TestApi;
    let shop: Shop;
    beforeAll(async () => {
      api = use();
      shop = await openShop(api);
      await shop.member('m');
      await shop.credit('m', 100);
    });
    afterAll(async () => expectLedgerSound(api));

    test.each(scenarios)('$name', async (scenario) => {
      const response = await api.app.inject({
        method: scenario.method,
        url: scenario.url,
        headers: {
          authorization: `Bearer ${shop.key}`,
          ...(scenario.contentType ? { 'content-type': scenario.contentType } : {}),
        },
        ...(scenario.payload === undefined ? {} : { payload: scenario.payload }),
      });
      const reply: Reply = { status: response.statusCode, body: response.json(), headers: response.headers };
      expectProblem(reply, scenario.status, scenario.code);
      scenario.verify?.(reply);
      // Nothing the refused request said reached the member.
      const member = await shop.call('GET', '/v1/members/m');
      expect(member.body).toMatchObject({ status: 'active', balances: { available: 100 } });
    });

    test('a body just under 1 MiB is accepted', async () => {
      // JSON allows any amount of whitespace: pad a small body to a few bytes under the limit.
      const text = `{${' '.repeat(MIB - 64)}"points": 1, "reason": "x"}`;
      expect(text.length).toBeLessThan(MIB);
      const response = await api.app.inject({
        method: 'POST',
        url: '/v1/members/m/credits',
        headers: { authorization: `Bearer ${shop.key}`, 'content-type': 'application/json' },
        payload: text,
      });
      expect(response.statusCode).toBe(201);
      await shop.debit('m', 1);
    });

    test('an unexpected failure is a 500 internal_error with an instance id, and no internals leak', async () => {
      const { query, transaction } = api.db;
      const fail = async () => {
        throw new Error('relation "secret_table" is on fire');
      };
      Object.assign(api.db, { query: fail, transaction: fail });
      let reply: Reply;
      try {
        reply = await shop.call('POST', '/v1/members/m/credits', { points: 5, reason: 'x' });
      } finally {
        Object.assign(api.db, { query, transaction });
      }
      expectProblem(reply, 500, 'internal_error');
      expect(reply.body.instance).toEqual(expect.any(String));
      expect(JSON.stringify(reply.body)).not.toContain('secret_table');
      expect((await shop.balances('m')).available).toBe(100);
    });
  });
}
