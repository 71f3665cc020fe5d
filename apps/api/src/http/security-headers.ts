import { createRequire } from 'node:module';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The Content-Security-Policy of every answer (pages, Swagger UI, the queue dashboard, JSON).
 * Nothing outside the server's origin: the city's network (LGWAN) has no internet, and a page
 * that cannot reach elsewhere cannot leak there either.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  // No inline script and no eval: an injected <script> never runs.
  scriptSrc: ["'self'"],
  // 'unsafe-inline' for styles only, because mermaid writes a <style> element into each SVG
  // it draws (and Swagger UI and Bull Board style elements inline). Styles cannot run code.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
};

/** What helmet is configured with. */
const HELMET_OPTIONS = {
  contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
  referrerPolicy: { policy: 'same-origin' },
  // The same as frame-ancestors 'none', for browsers that know only the older header.
  frameguard: { action: 'deny' },
};

type HeaderValue = string | number | readonly string[];
type HelmetMiddleware = (
  req: unknown,
  res: { setHeader(name: string, value: HeaderValue): void; removeHeader(name: string): void },
  next: (error?: unknown) => void,
) => void;

/**
 * The headers helmet sets with HELMET_OPTIONS, found once by letting its middleware answer
 * a stand-in response. No route here configures helmet of its own and no nonce is used, so
 * the headers are the same on every answer — while @fastify/helmet rebuilds the middleware
 * (and re-parses the CSP) on every request, a few per cent of the API's CPU on the
 * transition path. Helmet is loaded as @fastify/helmet's own dependency, the version it
 * would have used.
 */
export function helmetHeaders(): { set: Array<[string, HeaderValue]>; removed: string[] } {
  const fromPlugin = createRequire(createRequire(import.meta.url).resolve('@fastify/helmet'));
  const helmet = fromPlugin('helmet') as (options: typeof HELMET_OPTIONS) => HelmetMiddleware;
  const set = new Map<string, HeaderValue>();
  const removed: string[] = [];
  let failure: unknown = null;
  helmet(HELMET_OPTIONS)(
    {},
    {
      setHeader: (name, value) => set.set(name.toLowerCase(), value),
      removeHeader: (name) => removed.push(name.toLowerCase()),
    },
    (error) => (failure = error ?? null),
  );
  if (failure) throw failure instanceof Error ? failure : new Error('security headers: helmet failed');
  if (!set.has('content-security-policy')) throw new Error('security headers: helmet set no Content-Security-Policy');
  return { set: [...set], removed };
}

/**
 * Security headers on every route, as @fastify/helmet would set them (helmetHeaders), in one
 * hook that copies them. Registered before any route so that it covers them all. No
 * upgrade-insecure-requests: a city may serve plain http inside its network, and the upgrade
 * would break every page there.
 */
export function mountSecurityHeaders(app: NestFastifyApplication): void {
  const { set, removed } = helmetHeaders();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (_request, reply, done) => {
      for (const name of removed) reply.raw.removeHeader(name);
      for (const [name, value] of set) reply.raw.setHeader(name, value);
      done();
    });
}
