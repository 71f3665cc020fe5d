import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/platform';
import { PublicRateLimit, type RenderedAnswer } from '#libs/tracking';

/**
 * The public pages' own Content-Security-Policy, stricter than the application's: no script
 * at all, styles from the server's stylesheet only (the charts are SVG attributes), nothing
 * from another origin, no form posts, never framed.
 */
export const PUBLIC_PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Does If-None-Match name this entity tag (weak comparison, RFC 9110 §13.1.2)? */
export function matchesIfNoneMatch(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  return value.split(',').some((t) => strip(t) === strip(etag));
}

/**
 * Sends a public answer as a cache or CDN wants it: ETag, Cache-Control public with
 * PUBLIC_MAX_AGE_SECONDS, 304 without a body when If-None-Match names the tag. Never a cookie.
 */
export function sendPublic(
  request: FastifyRequest,
  reply: FastifyReply,
  answer: RenderedAnswer,
  config: AppConfig,
): FastifyReply {
  reply
    .header('etag', answer.etag)
    .header('cache-control', `public, max-age=${config.PUBLIC_MAX_AGE_SECONDS}`)
    .header('vary', 'Accept-Encoding');
  if (answer.contentType.startsWith('text/html')) reply.header('content-security-policy', PUBLIC_PAGE_CSP);
  if (matchesIfNoneMatch(request.headers['if-none-match'], answer.etag)) return reply.code(304).send();
  if (answer.filename) reply.header('content-disposition', `attachment; filename="${answer.filename}"`);
  return reply.code(200).header('content-type', answer.contentType).send(answer.body);
}

/** The per-address limit of every public route (PUBLIC_RATE_LIMIT_PER_MINUTE, counted in Redis): 429 past it. */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(private readonly limit: PublicRateLimit) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.limit.take(request.ip);
    return true;
  }
}
