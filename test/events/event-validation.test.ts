import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { happened, name, paid, publish, refunded, send } from './event-test-kit.ts';

/** Malformed events: refused with the field named, alone or in a batch, and never stored. */

const visit = (id: string, memberId: string) => happened(id, 'store.visited', memberId, { store: 'SH-01' });

// Schema-level mistakes refuse the whole request; attribute mistakes refuse only their event.
const invalid = [
  {
    name: 'order.paid without amountMinor',
    wholeBatch: false,
    field: 'body/attributes/amountMinor',
    event: happened('', 'order.paid', 'val-nobody', { orderId: 'v-1' }),
  },
  {
    name: 'order.paid without orderId',
    wholeBatch: false,
    field: 'body/attributes/orderId',
    event: happened('', 'order.paid', 'val-nobody', { amountMinor: 100 }),
  },
  {
    name: 'a negative amount',
    wholeBatch: false,
    field: 'body/attributes/amountMinor',
    event: paid('', 'val-nobody', 'v-1', -1),
  },
  {
    name: 'a line item without its unit price',
    wholeBatch: false,
    field: 'body/attributes/items/0/unitPriceMinor',
    event: paid('', 'val-nobody', 'v-1', 100, { items: [{ sku: 'A', quantity: 1 }] }),
  },
  {
    name: 'a currency in lower case',
    wholeBatch: false,
    field: 'body/attributes/currency',
    event: paid('', 'val-nobody', 'v-1', 100, { currency: 'cny' }),
  },
  {
    name: 'a refund with both amountMinor and items',
    wholeBatch: false,
    field: 'body/attributes',
    event: refunded('', 'val-nobody', 'v-1', { amountMinor: 100, items: [{ sku: 'A', quantity: 1 }] }),
  },
  {
    name: 'a refund of zero units',
    wholeBatch: false,
    field: 'body/attributes/items/0/quantity',
    event: refunded('', 'val-nobody', 'v-1', { items: [{ sku: 'A', quantity: 0 }] }),
  },
  {
    name: 'a type that is not a dotted lower-case name',
    wholeBatch: true,
    field: 'body/type',
    event: { ...paid('', 'val-nobody', 'v-1', 100), type: 'Order Paid' },
  },
  {
    name: 'an occurredAt that is not a date-time',
    wholeBatch: true,
    field: 'body/occurredAt',
    event: { ...paid('', 'val-nobody', 'v-1', 100), occurredAt: 'yesterday' },
  },
].map((scenario, index) => ({ ...scenario, index }));

describe.each(ENGINES)('event validation (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
    await publish(api, {
      name: name('到店'),
      trigger: 'store.visited',
      reward: { kind: 'fixed', points: 5 },
    });
  });
  afterAll(async () => api?.close());

  test.each(invalid)('alone: $name → 400 at $field, nothing stored', async ({ event, field, index }) => {
    const id = `bad-${index}`;
    const reply = await api.call('POST', '/v1/events', { ...event, id });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect(reply.body.errors).toContainEqual(expect.objectContaining({ field }));
    expect((await api.call('GET', `/v1/events/${id}`)).body.code).toBe('event_not_found');
    expect((await api.call('GET', '/v1/members/val-nobody')).status).toBe(404);
  });

  test.each(invalid)(
    'in a batch: $name is refused at body/events/1/…',
    async ({ event, field, wholeBatch, index }) => {
      const events = [
        visit(`vb-${index}-0`, 'val-batch'),
        { ...event, id: `vb-${index}-1` },
        visit(`vb-${index}-2`, 'val-batch'),
      ];
      const at = field.replace('body', 'body/events/1');
      const reply = await api.call('POST', '/v1/events/batch', { events });
      if (wholeBatch) {
        expect(reply.status).toBe(400);
        expect(reply.body.errors).toContainEqual(expect.objectContaining({ field: at }));
        return;
      }
      expect(reply.status).toBe(200);
      const [before, bad, after] = reply.body.results;
      expect([before.status, bad.status, after.status]).toEqual([201, 400, 201]);
      expect(bad.body.code).toBe('validation_failed');
      expect(bad.body.errors).toContainEqual(expect.objectContaining({ field: at }));
      expect(after.body.points).toBe(5);
    },
  );

  test('a batch of more than 1000 events is refused whole', async () => {
    const events = Array.from({ length: 1001 }, (_, i) => visit(`big-${i}`, `big-${i % 7}`));
    const reply = await api.call('POST', '/v1/events/batch', { events });
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe('validation_failed');
    expect((await api.call('GET', '/v1/events/big-0')).status).toBe(404);
    expect((await api.call('POST', '/v1/events/batch', { events: [] })).status).toBe(400);
  });

  test('a refused event is not stored: corrected and resent under its id, it is judged afresh', async () => {
    await send(api, happened('fix-1', 'store.visited', 'ivy', { amountMinor: -1 }), 400);
    expect(await send(api, visit('fix-1', 'ivy'))).toMatchObject({ points: 5, memberCreated: true });
  });
});
