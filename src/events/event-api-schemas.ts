import { Type } from '@sinclair/typebox';
import { PageQuery } from '../shared/api-schemas.ts';

/** Response and request shapes of the events API; the OpenAPI document is generated from them. */

const Text = Type.Object({ 'zh-CN': Type.String(), en: Type.String() });

export const EventPageQuery = PageQuery;

export const EventParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 200 }) });

export const EventOutcome = Type.Object(
  {
    // An outcome is not a resource of its own (the event is: `StoredEvent`, whose `id` this is);
    // it names the event it belongs to, so by the API's rule for references it keeps `eventId`.
    eventId: Type.String({
      description: 'The event this is the outcome of (its `id`: GET /v1/events/{eventId}).',
    }),
    type: Type.String(),
    memberId: Type.String(),
    occurredAt: Type.String({ format: 'date-time' }),
    receivedAt: Type.String({ format: 'date-time' }),
    memberCreated: Type.Boolean(),
    points: Type.Integer({ description: 'Points awarded minus points a refund took back.' }),
    growth: Type.Integer(),
    awards: Type.Array(
      Type.Object(
        {
          ruleId: Type.String(),
          version: Type.Integer(),
          points: Type.Integer(),
          growth: Type.Integer(),
          reason: Text,
          entryIds: Type.Array(Type.String()),
        },
        { additionalProperties: true },
      ),
    ),
    misses: Type.Array(Type.Object({ ruleId: Type.String(), version: Type.Integer(), why: Text })),
    order: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    refund: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
    note: Type.Union([Text, Type.Null()]),
  },
  {
    description:
      'What the event earned (or took back), by which rule versions, and why other rules did not fire.',
  },
);

export const StoredEvent = Type.Object({
  id: Type.String(),
  type: Type.String(),
  memberId: Type.String(),
  occurredAt: Type.String({ format: 'date-time' }),
  receivedAt: Type.String({ format: 'date-time' }),
  attributes: Type.Object({}, { additionalProperties: true }),
  outcome: EventOutcome,
});

export const EventBatchResult = Type.Object({
  results: Type.Array(
    Type.Object({
      eventId: Type.String({
        description:
          'The event this result is about, as the request sent it (also when the event was refused and never stored).',
      }),
      status: Type.Integer({ description: 'The HTTP status this event would have had on its own.' }),
      replayed: Type.Boolean(),
      body: Type.Unknown({ description: 'The event outcome, or a problem document.' }),
    }),
  ),
});
