import { type TLiteral, Type } from '@sinclair/typebox';
import { MESSAGE_TYPES } from '../message-types.ts';

/** Response and request shapes of the webhook endpoints and their deliveries; the OpenAPI document is generated from them. */

// Typed as a tuple of literals so the route's request types know the exact names.
type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K] & string> };
// Member news and the webhook-only types (an import committed or undone).
const NotificationTypeName = Type.Union(
  MESSAGE_TYPES.map((type) => Type.Literal(type)) as unknown as Literals<typeof MESSAGE_TYPES>,
);
const EndpointStatus = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')], {
  description: 'Disabled endpoints receive nothing new and cannot be replayed to.',
});
export const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('dead'),
]);
const EndpointTypes = Type.Array(NotificationTypeName, {
  maxItems: MESSAGE_TYPES.length,
  uniqueItems: true,
  description: 'Only these message types; empty or absent: every type.',
});
const EndpointFields = {
  url: Type.String({
    minLength: 1,
    maxLength: 2048,
    description: 'http or https, without credentials; deliveries are signed instead.',
  }),
  types: EndpointTypes,
  description: Type.String({ maxLength: 500 }),
  status: EndpointStatus,
};
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const Endpoint = Type.Object({
  id: Type.String(),
  url: Type.String(),
  types: EndpointTypes,
  description: Type.String(),
  status: EndpointStatus,
  secretPrefix: Type.String({ description: 'The first characters of the signing secret.' }),
  previousSecretUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'After a rotation: until when the old secret also signs each delivery',
  }),
  createdAt: DateTime,
  updatedAt: DateTime,
});
export const EndpointWithSecret = Type.Object({
  ...Endpoint.properties,
  secret: Type.Union([Type.String(), Type.Null()], {
    description:
      'The signing secret (whsec_...), shown in this answer only: store it now. Null in an idempotent replay.',
  }),
});
export const Delivery = Type.Object({
  id: Type.String(),
  messageId: Type.String({ description: 'The id receivers de-duplicate on.' }),
  type: Type.Union([Type.String(), Type.Null()]),
  endpointId: Type.String(),
  status: DeliveryStatus,
  attemptCount: Type.Integer(),
  nextAttemptAt: DateTime,
  lastAttemptAt: NullableDateTime,
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime,
  deliveredAt: NullableDateTime,
});
export const DeliveryDetail = Type.Object({
  ...Delivery.properties,
  attempts: Type.Array(
    Type.Object({
      attempt: Type.Integer(),
      startedAt: DateTime,
      durationMs: Type.Integer(),
      ok: Type.Boolean(),
      statusCode: Type.Union([Type.Integer(), Type.Null()]),
      error: Type.Union([Type.String(), Type.Null()]),
      responseExcerpt: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  message: Type.Union([
    Type.Object({
      id: Type.String(),
      type: Type.String(),
      memberId: Type.Union([Type.String(), Type.Null()]),
      createdAt: DateTime,
      data: Type.Object(
        {},
        {
          additionalProperties: true,
          description: 'As webhooks carry it (docs/webhooks.md): localized text as {"zh-CN", "en"}.',
        },
      ),
    }),
    Type.Null(),
  ]),
});

export const EndpointParams = Type.Object({ endpointId: Type.String({ minLength: 1, maxLength: 64 }) });
export const DeliveryParams = Type.Object({ deliveryId: Type.String({ minLength: 1, maxLength: 64 }) });
export const CreateEndpointBody = Type.Object(
  {
    url: EndpointFields.url,
    types: Type.Optional(EndpointFields.types),
    description: Type.Optional(EndpointFields.description),
    status: Type.Optional(EndpointFields.status),
  },
  { additionalProperties: false },
);
export const EndpointPatch = Type.Partial(Type.Object(EndpointFields), { additionalProperties: false });
export const RotateSecretBody = Type.Optional(
  Type.Object(
    {
      overlapSeconds: Type.Optional(
        Type.Integer({
          minimum: 0,
          maximum: 7 * 24 * 3600,
          description: 'How long the old secret still signs (0: it stops at once)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
);
export const DeletedEndpoint = Type.Object({
  id: Type.String(),
  deleted: Type.Literal(true),
  deadLetteredDeliveries: Type.Integer({
    description: 'Pending deliveries that will not be sent.',
  }),
});
export const ReplayRangeBody = Type.Object(
  {
    from: DateTime,
    to: Type.String({ format: 'date-time', description: 'Exclusive.' }),
    types: Type.Optional(EndpointTypes),
  },
  { additionalProperties: false },
);
