import fastifyHelmet from '@fastify/helmet';
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

/**
 * Security headers through @fastify/helmet, on every route. Registered before any route so
 * that its hook covers them all. No upgrade-insecure-requests: a city may serve plain http
 * inside its network, and the upgrade would break every page there.
 */
export async function mountSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyHelmet as never, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'same-origin' },
  });
}
