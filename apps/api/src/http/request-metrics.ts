import type { FastifyInstance } from 'fastify';
import type { Metrics } from '#libs/platform';

/**
 * Every answered request into the request histogram, labelled with its route pattern
 * (`/api/v1/proposals/:id`), never the raw URL: ids and query strings would make one
 * series per object. Requests no route matched share `route="unmatched"`.
 */
export function installRequestMetrics(fastify: FastifyInstance, metrics: Metrics): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
