import { Type } from '@sinclair/typebox';
import {
  getWebhookDeliveryDetail,
  listEndpointDeliveries,
} from '../../notifications/webhooks/delivery-log.ts';
import { replayDelivery, replayEndpointRange } from '../../notifications/webhooks/replay-deliveries.ts';
import {
  CreateEndpointBody,
  DeletedEndpoint,
  Delivery,
  DeliveryDetail,
  DeliveryParams,
  DeliveryStatus,
  Endpoint,
  EndpointParams,
  EndpointPatch,
  EndpointWithSecret,
  ReplayRangeBody,
  RotateSecretBody,
} from '../../notifications/webhooks/webhook-api-schemas.ts';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  type WebhookEndpoint,
  webhookEndpointView,
} from '../../notifications/webhooks/webhook-endpoint-store.ts';
import { IdempotencyHeaders, PageQuery, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { wholeList } from '../../shared/pages.ts';
import { isStorableDate, NOT_STORABLE_DATE } from '../../shared/storable-dates.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

const tags = ['webhooks'];

const withSecret = (endpoint: WebhookEndpoint) => ({
  ...webhookEndpointView(endpoint),
  secret: endpoint.secret,
});

/** Webhooks (SPEC §3.6): the program's endpoints, their delivery log, and replays. */
export function webhookRoutes(app: TypedApp, deps: RouteDeps): void {
  app.post(
    '/v1/webhooks',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Add a webhook endpoint (at most 20); its signing secret is in this answer only',
        headers: IdempotencyHeaders,
        body: CreateEndpointBody,
        response: { 201: EndpointWithSecret, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const endpoint = await createWebhookEndpoint(tx, context.programId, request.body, context.now);
        // The idempotency record keeps no copy of the secret: a replay answers without it.
        const view = webhookEndpointView(endpoint);
        return { status: 201, body: withSecret(endpoint), replayBody: { ...view, secret: null } };
      }),
  );

  app.get(
    '/v1/webhooks',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        summary: "The program's webhook endpoints (secrets are never listed)",
        response: { 200: pageOf(Endpoint), ...problemResponses },
      },
    },
    async (request) =>
      wholeList(
        (await listWebhookEndpoints(deps.db, principalOf(request).programId)).map(webhookEndpointView),
      ),
  );

  app.get(
    '/v1/webhooks/:endpointId',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        summary: 'One webhook endpoint',
        params: EndpointParams,
        response: { 200: Endpoint, ...problemResponses },
      },
    },
    async (request) =>
      webhookEndpointView(
        await getWebhookEndpoint(deps.db, principalOf(request).programId, request.params.endpointId),
      ),
  );

  app.patch(
    '/v1/webhooks/:endpointId',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Change the URL, types, description or status of an endpoint',
        params: EndpointParams,
        body: EndpointPatch,
        response: { 200: Endpoint, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const endpoint = await deps.db.transaction((tx) =>
        updateWebhookEndpoint(tx, programId, request.params.endpointId, request.body, deps.clock.now()),
      );
      return webhookEndpointView(endpoint);
    },
  );

  app.post(
    '/v1/webhooks/:endpointId/rotate-secret',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary:
          'Replace the signing secret; the old one keeps signing next to it for overlapSeconds (default a day). The new one is in this answer only',
        params: EndpointParams,
        headers: IdempotencyHeaders,
        body: RotateSecretBody,
        response: { 200: EndpointWithSecret, ...problemResponses },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        const endpoint = await rotateWebhookSecret(
          tx,
          context.programId,
          request.params.endpointId,
          context.now,
          request.body?.overlapSeconds,
        );
        const view = webhookEndpointView(endpoint);
        return { status: 200, body: withSecret(endpoint), replayBody: { ...view, secret: null } };
      }),
  );

  app.delete(
    '/v1/webhooks/:endpointId',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Delete an endpoint; what was still pending for it is dead-lettered, its log stays',
        params: EndpointParams,
        response: { 200: DeletedEndpoint, ...problemResponses },
      },
    },
    async (request) => {
      const { programId } = principalOf(request);
      const result = await deps.db.transaction((tx) =>
        deleteWebhookEndpoint(tx, programId, request.params.endpointId, deps.clock.now()),
      );
      return { ...result, deleted: true as const };
    },
  );

  app.get(
    '/v1/webhooks/:endpointId/deliveries',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        summary: "An endpoint's deliveries, newest first (also after the endpoint was deleted)",
        params: EndpointParams,
        querystring: Type.Object({ ...PageQuery.properties, status: Type.Optional(DeliveryStatus) }),
        response: { 200: pageOf(Delivery), ...problemResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      return listEndpointDeliveries(deps.db, principalOf(request).programId, request.params.endpointId, {
        limit,
        cursor,
        status,
      });
    },
  );

  app.get(
    '/v1/webhook-deliveries/:deliveryId',
    {
      config: { permission: 'webhooks:read' },
      schema: {
        tags,
        summary: 'One delivery with every attempt (status code, error, response excerpt) and its message',
        params: DeliveryParams,
        response: { 200: DeliveryDetail, ...problemResponses },
      },
    },
    async (request) =>
      getWebhookDeliveryDetail(deps.db, principalOf(request).programId, request.params.deliveryId),
  );

  app.post(
    '/v1/webhook-deliveries/:deliveryId/replay',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary: 'Send a delivery again, whatever its status (pending, due now; attempts keep counting)',
        params: DeliveryParams,
        response: { 202: Delivery, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const delivery = await deps.db.transaction((tx) =>
        replayDelivery(tx, programId, request.params.deliveryId, deps.clock.now()),
      );
      reply.code(202);
      return delivery;
    },
  );

  app.post(
    '/v1/webhooks/:endpointId/replay',
    {
      config: { permission: 'webhooks:manage' },
      schema: {
        tags,
        summary:
          'Send every message of [from, to) the endpoint receives again, including those from before it existed (at most 100,000)',
        params: EndpointParams,
        body: ReplayRangeBody,
        response: { 202: Type.Object({ replayed: Type.Integer() }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const { programId } = principalOf(request);
      const { from, to, types } = request.body;
      const unstorable = Object.entries({ from, to }).filter(([, value]) => !isStorableDate(value));
      if (unstorable.length > 0)
        throw new JifenError('validation_failed', {
          detail: unstorable.map(([field]) => `body/${field} ${NOT_STORABLE_DATE}`).join('; '),
          extensions: {
            errors: unstorable.map(([field]) => ({ field: `body/${field}`, message: NOT_STORABLE_DATE })),
          },
        });
      const replayed = await deps.db.transaction((tx) =>
        replayEndpointRange(
          tx,
          programId,
          request.params.endpointId,
          { from: new Date(from), to: new Date(to), types },
          deps.clock.now(),
        ),
      );
      reply.code(202);
      return replayed;
    },
  );
}
