import { Type } from '@sinclair/typebox';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

export function healthRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness and readiness: 200 once the server can serve',
        response: { 200: Type.Object({ status: Type.Literal('ok'), engine: Type.String() }) },
      },
    },
    async () => {
      await deps.db.query('select 1');
      return { status: 'ok' as const, engine: deps.db.engine };
    },
  );
}
