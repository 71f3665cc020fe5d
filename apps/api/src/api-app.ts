import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import {
  AppConfig,
  createValidationPipe,
  Metrics,
  ProblemDetailsFilter,
  REQUEST_ID_HEADER,
  requestIdFor,
} from '#libs/platform';
import { ApiModule } from './api.module.js';
import fastifyCookie from '@fastify/cookie';
import { mountSecurityHeaders } from './http/security-headers.js';
import { mountWebApp } from './http/web-app.js';
import { mountPublicSite } from './public/public-site.js';
import { buildOpenApiDocument, mountOpenApi } from './openapi.js';
import { installJsonBodyLimits } from './http/body-limits.js';
import { frameworkErrorOptions } from './http/framework-errors.js';
import { installLoadShedding } from './http/load-shedding.js';
import { installRequestMetrics } from './http/request-metrics.js';
import { mountMultipart } from './http/multipart.js';

export const API_PREFIX = 'api/v1';

/** Routes live under /api/v1, except the probes and the metrics. */
function applyRoutePrefix(app: NestFastifyApplication): void {
  app.setGlobalPrefix(API_PREFIX, {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'health/ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
}

/**
 * The OpenAPI document of this API without connecting to anything (Nest's preview mode:
 * modules are scanned, no provider is created), for `npm run openapi:types`. The e2e test
 * checks it against what the running server serves at /docs-json.
 */
export async function openApiDocumentOf(config: AppConfig): Promise<OpenAPIObject> {
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    applyRoutePrefix(app);
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/**
 * Builds the API application (not listening yet). main.ts and the e2e tests both use it,
 * so what is tested is what runs.
 */
export async function createApiApp(
  config: AppConfig,
  extraModules: Array<Type | DynamicModule> = [],
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    // Idle keep-alive sockets are closed on shutdown; in-flight requests are awaited.
    forceCloseConnections: 'idle',
    // Requests still arriving on open sockets while closing are answered (see http/drain.ts).
    return503OnClosing: false,
    ...frameworkErrorOptions(),
    // Behind a proxy, the caller's address (sign-in limits, security log) comes from X-Forwarded-For.
    trustProxy: config.TRUST_PROXY === 'true',
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.register(config, extraModules), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();

  // Before any route, so that the headers cover all of them (API, docs, dashboard, web app).
  mountSecurityHeaders(app);
  // Reads the browser session's refresh cookie (apps/api/src/identity/session.controller.ts).
  await app.register(fastifyCookie as never);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
    });
  // Before shedding, so that the 503s it answers are counted too.
  installRequestMetrics(app.getHttpAdapter().getInstance(), app.get(Metrics));
  installLoadShedding(app.getHttpAdapter().getInstance(), config.HTTP_MAX_CONCURRENCY);
  // Imports arrive as the file itself (CSV or xlsx), up to 20 MiB.
  const fastify = app.getHttpAdapter().getInstance();
  for (const type of ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: 20 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
  }
  // Attachments arrive as multipart/form-data, streamed by their route (http/multipart.ts).
  await mountMultipart(app, config);
  installJsonBodyLimits(app, { maxDepth: config.JSON_MAX_DEPTH, maxBytes: config.BODY_LIMIT_BYTES });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(createValidationPipe());
  applyRoutePrefix(app);
  mountOpenApi(app, config.OPENAPI_UI === 'true');
  if (config.QUEUE_DASHBOARD === 'true') {
    // Loaded only when on: nothing of Bull Board is loaded where the dashboard is off.
    const { mountQueueDashboard } = await import('./admin/queue-dashboard.js');
    await mountQueueDashboard(app);
  }
  // The citizens' pages at /public (reserved by the web application below).
  await mountPublicSite(app);
  await mountWebApp(app, config);
  return app;
}
