import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply } from 'fastify';
import { JifenError } from '../../shared/errors.ts';
import type { TypedApp } from '../route-deps.ts';

/**
 * The admin console (console/, a single-page app built by Vite to console/dist) at /console/, on
 * the API's own port. Its hashed assets are cached for a year (a new build has new names);
 * index.html is never cached, so a new build is picked up on the next page load. Any other path
 * under /console/ is a screen of the app (history fallback): `/console/members/m-1001` answers
 * index.html and the app's router opens the screen. A file that does not exist under assets/ (or
 * at the top with a file extension) is a 404, not the app. None of these routes is in the OpenAPI
 * document: they are pages, not the API.
 */

/** console/dist from src/http/routes (the sources) and from dist/http/routes (the compiled code) alike. */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../console/dist/', import.meta.url));

export const CONSOLE_PATH = '/console/';

/**
 * The pages' Content-Security-Policy: everything from this origin only. Ant Design writes its
 * styles at run time (CSS-in-JS), hence 'unsafe-inline' for styles; scripts stay 'self'.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';

export async function consoleRoutes(app: TypedApp, distDir = CONSOLE_DIST): Promise<void> {
  // Only reply.sendFile: which path answers what is decided below, not by the plugin's wildcard.
  await app.register(fastifyStatic, { root: distDir, serve: false, cacheControl: false, etag: true });

  const built = () => existsSync(join(distDir, 'index.html'));

  function page(reply: FastifyReply) {
    if (!built()) {
      throw new JifenError('console_not_built', {
        detail: `The console has not been built (no ${join(distDir, 'index.html')}): run \`npm run build\` and reload.`,
      });
    }
    return reply
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CONSOLE_CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .sendFile('index.html');
  }

  app.get('/console', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect(CONSOLE_PATH, 301),
  );
  app.get('/console/', { schema: { hide: true } }, async (_request, reply) => page(reply));
  app.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.params['*'];
    // A file (hashed assets, the favicon at the top): sent as it is, or 404. Anything else is a
    // screen, also when it looks like a file name: member ids may hold dots (`zhang.wei@shop.cn`).
    if (path.startsWith('assets/') || (!path.includes('/') && /\.[a-z0-9]+$/i.test(path))) {
      if (!built()) return page(reply);
      const file = resolve(distDir, path);
      if (!file.startsWith(resolve(distDir) + sep) || !existsSync(file) || !statSync(file).isFile()) {
        throw new JifenError('route_not_found', { detail: `The console has no file ${request.url}.` });
      }
      const cacheControl = path.startsWith('assets/') ? IMMUTABLE : 'no-cache';
      return reply
        .header('cache-control', cacheControl)
        .header('x-content-type-options', 'nosniff')
        .sendFile(path);
    }
    return page(reply);
  });
}
