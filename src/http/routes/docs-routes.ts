import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { TypedApp } from '../route-deps.ts';

const require = createRequire(import.meta.url);
const SWAGGER_UI_DIR = join(require.resolve('swagger-ui-dist/package.json'), '..');
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Jifen API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', persistAuthorization: true });</script>
</body></html>`;

/** The OpenAPI document (generated from the route schemas) and a browsable view of it, served offline. */
export function docsRoutes(app: TypedApp): void {
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(PAGE),
  );
  app.get<{ Params: { asset: string } }>(
    '/docs/:asset',
    { schema: { hide: true } },
    async (request, reply) => {
      const type = ASSETS[request.params.asset];
      if (!type) return reply.callNotFound();
      return reply.type(type).send(readFileSync(join(SWAGGER_UI_DIR, request.params.asset)));
    },
  );
}
