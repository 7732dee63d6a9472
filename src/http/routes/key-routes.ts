import { Type } from '@sinclair/typebox';
import { ALL_SCOPES, createApiKey, findApiKey, listApiKeys, revokeApiKey } from '../../keys/api-keys.ts';
import { ApiKey, RateLimitPerMinute, ScopeName } from '../../keys/key-api-schemas.ts';
import { pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { wholeList } from '../../shared/pages.ts';
import { PERMISSION_NAMES, permissionsOfScope } from '../../staff/permissions.ts';
import { holds, type Principal } from '../../staff/principal.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/**
 * A key acts only on keys whose every scope it has itself: keys:manage alone must neither mint an
 * owner key nor revoke one (which would lock the owner out). A key may revoke itself: it holds its
 * own scopes, and retiring a key from the key itself is how a leaked key is shut down fastest.
 * A staff member holds a scope when they hold every permission it grants (`*`: all of them).
 */
function holdsScope(principal: Principal, scope: string): boolean {
  if (principal.kind === 'api_key') {
    return principal.scopes.includes(ALL_SCOPES) || principal.scopes.includes(scope);
  }
  const granted = scope === ALL_SCOPES ? PERMISSION_NAMES : permissionsOfScope(scope);
  return granted.every((permission) => holds(principal, permission));
}

function assertHoldsEveryScope(
  principal: Principal,
  scopes: readonly string[],
  verb: 'grant' | 'revoke',
): void {
  const missing = scopes.find((scope) => !holdsScope(principal, scope));
  if (missing !== undefined) {
    const what =
      verb === 'grant' ? `grant the "${missing}" scope` : `revoke a key with the "${missing}" scope`;
    throw new JifenError('insufficient_scope', {
      detail: `This ${principal.kind === 'staff' ? 'staff member' : 'key'} cannot ${what}, which it does not have itself.`,
      extensions: { requiredScope: missing },
    });
  }
}

export function keyRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/api-keys',
    {
      config: { permission: 'keys:read' },
      schema: {
        tags: ['keys'],
        summary: "The program's API keys (never their secrets)",
        response: { 200: pageOf(ApiKey), ...problemResponses },
      },
    },
    async (request) => wholeList(await listApiKeys(deps.db, principalOf(request).programId)),
  );

  app.post(
    '/v1/api-keys',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['keys'],
        summary: 'Create an API key; its secret is in this response only',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            scopes: Type.Array(ScopeName, { minItems: 1, uniqueItems: true }),
            rateLimitPerMinute: Type.Optional(RateLimitPerMinute),
            requiresApproval: Type.Optional(
              Type.Boolean({
                description:
                  "Gate the key's points actions by the program's approval policy, as staff's are (default false: keys are integrations).",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
        }),
        response: {
          201: Type.Object({
            key: ApiKey,
            secret: Type.Union([Type.String(), Type.Null()], {
              description: 'The key itself, shown only in the first answer (null in a replay).',
            }),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) =>
      deps.send(request, reply, async (tx, context) => {
        assertHoldsEveryScope(principalOf(request), request.body.scopes, 'grant');
        const created = await createApiKey(tx, context.programId, request.body, context.now);
        // The secret is never stored, not even in the idempotency record: a replay omits it.
        return { status: 201, body: created, replayBody: { key: created.key, secret: null } };
      }),
  );

  app.delete(
    '/v1/api-keys/:keyId',
    {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['keys'],
        summary: 'Revoke an API key (it stops working at once)',
        params: Type.Object({ keyId: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: ApiKey, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      // A key's scopes never change, so checking before the update cannot race with a change.
      const target = await findApiKey(deps.db, principal.programId, request.params.keyId);
      if (target) assertHoldsEveryScope(principal, target.scopes, 'revoke');
      const revoked = await revokeApiKey(
        deps.db,
        principal.programId,
        request.params.keyId,
        deps.clock.now(),
      );
      deps.auth.forget();
      return revoked;
    },
  );
}
