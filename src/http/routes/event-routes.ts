import { Type } from '@sinclair/typebox';
import {
  EventBatchResult,
  EventOutcome,
  EventPageQuery,
  EventParams,
  StoredEvent,
} from '../../events/event-api-schemas.ts';
import { EventInputSchema } from '../../events/event-input.ts';
import { getEvent, listMemberEvents } from '../../events/event-store.ts';
import { ingestEvents } from '../../events/ingest-events.ts';
import { MemberParams } from '../../members/member-api-schemas.ts';
import { pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { actorOf, type Principal } from '../../staff/principal.ts';
import { CHECKS_ITEMS_ITSELF } from '../ajv-compilers.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';
import { sendOutcome } from '../write-route.ts';
import { MAX_BATCH_ITEMS } from './batch-routes.ts';

/** Event intake: what happened to members; the published rules decide what it is worth. */
export function eventRoutes(app: TypedApp, deps: RouteDeps): void {
  const context = (principal: Principal) => ({
    programId: principal.programId,
    now: deps.clock.now(),
    source: { kind: 'event' as const, ...actorOf(principal) },
  });

  app.post(
    '/v1/events',
    {
      config: { permission: 'events:write' },
      schema: {
        tags: ['events'],
        summary:
          'Send one event; the rules in force award points and growth (the event id is its idempotency key)',
        body: EventInputSchema,
        response: { 201: EventOutcome, ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      return sendOutcome(
        reply,
        await deps.events.send(principal.programId, actorOf(principal), request.body),
      );
    },
  );

  app.post(
    '/v1/events/batch',
    {
      config: { permission: 'events:write' },
      bodyLimit: 16 * 1_048_576,
      schema: {
        tags: ['events'],
        summary: `Up to ${MAX_BATCH_ITEMS} events in one transaction, each with its own answer`,
        body: Type.Object(
          { events: Type.Array(EventInputSchema, { minItems: 1, maxItems: MAX_BATCH_ITEMS }) },
          { additionalProperties: false, [CHECKS_ITEMS_ITSELF]: true },
        ),
        response: { 200: EventBatchResult, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { events } = request.body;
      const results = await ingestEvents(deps.db, context(principal), events, {
        at: (index) => `body/events/${index}`,
      });
      return {
        results: results.map((result, index) => ({ eventId: events[index]!.id, ...result })),
      };
    },
  );

  app.get(
    '/v1/events/:eventId',
    {
      config: { permission: 'events:read' },
      schema: {
        tags: ['events'],
        summary: 'One stored event with its outcome',
        params: EventParams,
        response: { 200: StoredEvent, ...problemResponses },
      },
    },
    async (request) => getEvent(deps.db, principalOf(request).programId, request.params.eventId),
  );

  app.get(
    '/v1/members/:memberId/events',
    {
      config: { permission: 'events:read' },
      schema: {
        tags: ['events'],
        summary: "A member's events with their outcomes, newest first",
        params: MemberParams,
        querystring: EventPageQuery,
        response: { 200: pageOf(StoredEvent), ...problemResponses },
      },
    },
    async (request) =>
      listMemberEvents(deps.db, principalOf(request).programId, request.params.memberId, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  );
}
