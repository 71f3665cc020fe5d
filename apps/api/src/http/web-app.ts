import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig, DomainError, ERROR_TITLES, PROBLEM_CONTENT_TYPE, problemType, sendProblem } from '#libs/platform';
import { MAX_PATH_SEGMENT_LENGTH } from './framework-errors.js';

/**
 * Paths the web application never answers: the API, its documents, the probes, the
 * operators' pages, and `/public` (kept for the citizens' site). An unknown path under them
 * is the usual 404 problem+json, never the application's page.
 */
export const RESERVED_PREFIXES = ['/api', '/docs', '/health', '/admin', '/metrics', '/public'] as const;

/** Vite names every file under assets/ by its content hash: a changed file is a new URL. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and other unhashed files) are revalidated each time, so a new build shows at once. */
export const REVALIDATE = 'no-cache';

export function isReservedPath(path: string): boolean {
  return RESERVED_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The repository root: the nearest folder above this file with a package.json (src/ and dist/ alike). */
function repositoryRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return process.cwd();
}

export function webRootOf(config: AppConfig): string {
  return isAbsolute(config.WEB_ROOT) ? config.WEB_ROOT : resolve(repositoryRoot(), config.WEB_ROOT);
}

/**
 * Serves the built web application (apps/web → WEB_ROOT) at `/`: hashed assets for a year,
 * index.html revalidated, and index.html for every other GET/HEAD outside the reserved paths,
 * so that the application's own routes (`/proposals/123`) survive a reload. Without a build
 * the API still starts and `/` says so in a 404 problem+json.
 */
export async function mountWebApp(
  app: NestFastifyApplication,
  config: AppConfig,
): Promise<{ root: string; built: boolean }> {
  const fastify = app.getHttpAdapter().getInstance();
  const root = webRootOf(config);
  const built = existsSync(join(root, 'index.html'));
  const assets = join(root, 'assets') + sep;

  const notBuilt = (request: FastifyRequest, reply: FastifyReply) =>
    problem(reply, request, 'The web application is not built: run `npm run build` (it writes ' + root + ')');

  // Encapsulated, so reply.sendFile stays ours and other static plugins (Swagger UI, Bull Board) keep theirs.
  await fastify.register(async (scope) => {
    if (built) {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        // One route per file that exists at start: a missing asset is a 404, not the page.
        wildcard: false,
        index: false,
        cacheControl: false,
        setHeaders: (reply, filePath) => {
          reply.header('cache-control', filePath.startsWith(assets) ? IMMUTABLE : REVALIDATE);
        },
      });
    }
    const page = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0];
      // The catch-all route matches where a route's parameter was over Fastify's limit, so
      // the 414 that Fastify would have answered is answered here, from the same limit.
      if (path.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT_LENGTH)) {
        return sendProblem(
          request,
          reply,
          new DomainError('URI_TOO_LONG', 'A path segment of the request URI is too long'),
        );
      }
      if (isReservedPath(path)) return reply.callNotFound();
      if (!built) return notBuilt(request, reply);
      if (path.startsWith('/assets/')) return problem(reply, request, 'No such asset of the web application');
      return reply.header('cache-control', REVALIDATE).sendFile('index.html');
    };
    scope.get('/', page);
    scope.get('/*', page);
  });
  return { root, built };
}

function problem(reply: FastifyReply, request: FastifyRequest, detail: string) {
  return reply
    .code(404)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(
      JSON.stringify({
        type: problemType('NOT_FOUND'),
        title: ERROR_TITLES.NOT_FOUND,
        status: 404,
        detail,
        code: 'NOT_FOUND',
        instance: request.url.split('?')[0],
        traceId: String(request.id),
      }),
    );
}
