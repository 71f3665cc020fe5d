import { Server as NetServer, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';

/**
 * Whether this process is shutting down. Readiness answers 503 from the first moment, so
 * that a load balancer stops routing here while the requests already sent are answered.
 */
export const shutdownState = { draining: false };

export interface HttpDrain {
  /**
   * Readiness 503 and `Connection: close` on every answer for `delayMs`; then no new
   * connections, every request already received answered, idle sockets closed. Resolves
   * when no request is left; the app can then close its pools.
   */
  drain(delayMs: number): Promise<void>;
}

/**
 * Tracks requests and sockets of a Fastify server so that shutdown cuts nothing off.
 *
 * Node's `server.close()` also closes every socket it deems idle, and a keep-alive socket
 * whose next request is still in the kernel's buffer looks idle: its client gets
 * ECONNRESET for a request it did send. So the listening socket is closed on its own,
 * sockets are closed only once they carry no request, and each answer tells the client
 * to close (`Connection: close`) so that it opens no new request on this socket.
 */
export function installHttpDrain(fastify: FastifyInstance): HttpDrain {
  const logger = new Logger('Drain');
  const busy = new Map<Socket, number>();
  const sockets = new Set<Socket>();
  fastify.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      busy.delete(socket);
    });
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    const socket = request.raw.socket;
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      const left = (busy.get(socket) ?? 1) - 1;
      if (left > 0) busy.set(socket, left);
      else busy.delete(socket);
    };
    reply.raw.once('finish', finish);
    reply.raw.once('close', finish);
    if (shutdownState.draining) reply.header('connection', 'close');
    done();
  });

  const closeIdle = () => {
    for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
  };

  return {
    async drain(delayMs) {
      shutdownState.draining = true;
      logger.log({ delayMs, openSockets: sockets.size }, 'draining: readiness 503, answers close their connections');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      // Stop accepting without http.Server's own close(), which would also reset sockets
      // it deems idle (see above). Connections already queued are accepted first.
      await nextTurn();
      const server = fastify.server;
      if (server.listening) NetServer.prototype.close.call(server);
      // A request whose bytes have arrived is parsed within a turn or two of the event
      // loop; only a socket that stays without one for several turns is idle.
      for (let quiet = 0; quiet < 3;) {
        await nextTurn();
        if (busy.size > 0) {
          quiet = 0;
          await new Promise((resolve) => setTimeout(resolve, 10));
        } else {
          quiet++;
        }
      }
      closeIdle();
      logger.log({}, 'drained: every received request answered');
    },
  };
}
