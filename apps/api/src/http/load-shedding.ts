import type { FastifyInstance } from 'fastify';
import { DomainError, sendProblem } from '#libs/platform';

/** Never shed: probes must tell the truth under load, and metrics are how load is seen. */
const EXEMPT = /^\/(health(\/|$|\?)|metrics(\?|$))/;

/**
 * At most `limit` requests of this instance are worked on at once; one more is refused at
 * once with 503 OVERLOADED and Retry-After, before authentication or the pool. Without it
 * the excess waits for a database connection until the acquire timeout, every request
 * gets slower, and the waiting holds memory; with it, what is admitted stays fast and a
 * client (or balancer) learns at once to go elsewhere or come back.
 */
export function installLoadShedding(fastify: FastifyInstance, limit: number): void {
  if (limit <= 0) return;
  let active = 0;
  fastify.addHook('onRequest', (request, reply, done) => {
    if (EXEMPT.test(request.url)) return done();
    if (active >= limit) {
      sendProblem(
        request,
        reply,
        new DomainError('OVERLOADED', `This instance is working on its limit of ${limit} requests; retry shortly`, [], {
          retryAfterSeconds: 1,
        }),
      );
      return;
    }
    active++;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      active--;
    };
    reply.raw.once('finish', leave);
    reply.raw.once('close', leave);
    done();
  });
}
