import { createServer, type Server } from 'node:http';
import { Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../errors/problem-details.filter.js';
import { Metrics } from '../metrics/metrics.js';
import { checkMetricsAccess } from '../metrics/metrics-access.js';
import { liveness, ReadinessService } from './readiness.service.js';

/**
 * The worker has no API, only this tiny HTTP server for /health and /health/ready, so
 * that an orchestrator can probe it like the API, and /metrics for Prometheus (the same
 * access rule as the API's: the metrics token, or loopback when none is configured).
 */
@Injectable()
export class HealthHttpServer implements OnApplicationShutdown {
  private readonly logger = new Logger(HealthHttpServer.name);
  private server: Server | null = null;

  constructor(
    private readonly readiness: ReadinessService,
    private readonly config: AppConfig,
    @Optional() private readonly metrics?: Metrics,
  ) {}

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
          (error: unknown) => {
            this.logger.error({ err: error }, 'readiness check failed');
            send(503, { status: 'error' });
          },
        );
        return;
      }
      if (path === '/metrics' && this.metrics) {
        const refused = checkMetricsAccess(
          this.config.METRICS_TOKEN,
          req.socket.remoteAddress,
          req.headers.authorization,
        );
        if (refused) {
          const problem = problemFor(refused, { url: req.url });
          res.writeHead(problem.status, { 'content-type': PROBLEM_CONTENT_TYPE });
          return res.end(JSON.stringify(problem.body));
        }
        this.metrics.exposition().then(
          ({ contentType, body }) => {
            res.writeHead(200, { 'content-type': contentType });
            res.end(body);
          },
          (error: unknown) => {
            this.logger.error({ err: error }, 'metrics could not be collected');
            send(500, { status: 'error' });
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
