import type { FastifyInstance } from 'fastify';
import type { StoppablePart } from '../ops/graceful-shutdown.ts';
import { JifenError } from '../shared/errors.ts';
import { problemBody } from '../shared/problem.ts';

/**
 * Once the app starts closing, a request that still arrives (on a keep-alive connection that was
 * busy when the listener closed) is refused at once with 503 problem+json and `Connection: close`:
 * nothing of it runs, so the client may safely send it elsewhere or again later.
 */
export function installShutdownGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply
      .code(503)
      .header('connection', 'close')
      .header('retry-after', '1')
      .type('application/problem+json')
      .send(problemBody(new JifenError('shutting_down')));
  });
}

/** The listening app as a part of `serve` to stop: no new connections, in-flight requests finish. */
export function httpServerPart(app: FastifyInstance): StoppablePart {
  let inFlight = 0;
  app.server.on('request', (_request, response) => {
    inFlight++;
    response.once('close', () => inFlight--);
  });
  return {
    name: 'HTTP server',
    async stop() {
      // server.close() reaps only the keep-alive connections idle at that moment; reap those that
      // fall idle as their last request is answered too, so none holds the close open.
      const reaper = setInterval(() => app.server.closeIdleConnections(), 50);
      try {
        await app.close();
      } finally {
        clearInterval(reaper);
      }
    },
    pending: () => `${inFlight} request(s) in flight`,
    abandon: () => app.server.closeAllConnections(),
  };
}
