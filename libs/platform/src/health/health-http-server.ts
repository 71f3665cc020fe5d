import { createServer, type Server } from 'node:http';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { liveness, ReadinessService } from './readiness.service.js';

/**
 * The worker has no API, only this tiny HTTP server for /health and /health/ready, so
 * that an orchestrator can probe it like the API.
 */
@Injectable()
export class HealthHttpServer implements OnApplicationShutdown {
  private readonly logger = new Logger(HealthHttpServer.name);
  private server: Server | null = null;

  constructor(private readonly readiness: ReadinessService) {}

  async listen(port: number, host: string): Promise<number> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'GET') return send(405, { status: 'error', message: 'GET only' });
      if (path === '/health') return send(200, liveness());
      if (path === '/health/ready') {
        this.readiness.check().then(
          (a) => send(a.httpStatus, a.body),
          (error) => {
            this.logger.error({ err: error }, 'readiness check failed');
            send(503, { status: 'error' });
          },
        );
        return;
      }
      send(404, { status: 'error', message: 'not found' });
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }
}
