import type { FastifyInstance } from 'fastify';
import type { JifenMetrics } from '../observability/metrics.ts';

/**
 * Counts and times every answered request by method, route pattern and status (404s without a
 * route are `unmatched`), and serves `GET /metrics` on the API unless it has a port of its own.
 * Metric children are cached per label set: building prom-client's label key on every request
 * showed up in the bench.
 */
export function installHttpMetrics(app: FastifyInstance, metrics: JifenMetrics, serveRoute: boolean): void {
  const children = new Map<
    string,
    { count: { inc(): void }; duration: { observe(seconds: number): void } }
  >();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    const key = `${request.method} ${status} ${route}`;
    let child = children.get(key);
    if (!child) {
      const labels = { method: request.method, route, status };
      child = { count: metrics.httpRequests.labels(labels), duration: metrics.httpDuration.labels(labels) };
      children.set(key, child);
    }
    child.count.inc();
    child.duration.observe(reply.elapsedTime / 1000);
    done();
  });
  if (serveRoute) {
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
      const { contentType, text } = await metrics.scrape();
      return reply.type(contentType).send(text);
    });
  }
}
