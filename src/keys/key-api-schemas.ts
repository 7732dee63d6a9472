import { Type } from '@sinclair/typebox';
import { MAX_RATE_LIMIT_PER_MINUTE, SCOPES } from './api-keys.ts';

/** Response and request shapes of the API key endpoints; the OpenAPI document is generated from them. */

export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the key, to recognise it.' }),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()], {
    description: "Requests a minute this key may make; null: the deployment's default.",
  }),
  requiresApproval: Type.Boolean({
    description: "The key's points actions above the program's approval threshold wait for a checker.",
  }),
});

export const RateLimitPerMinute = Type.Union(
  [Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT_PER_MINUTE }), Type.Null()],
  {
    description:
      "Requests a minute this key may make (429 past it); null or absent: the deployment's default.",
  },
);

export const ScopeName = Type.Union([...SCOPES.map((scope) => Type.Literal(scope)), Type.Literal('*')]);
