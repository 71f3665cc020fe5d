import { timingSafeEqual } from 'node:crypto';
import { DomainError } from '../errors/domain-error.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Who may read /metrics, for the API's guard and the worker's health server alike: with a
 * METRICS_TOKEN configured, a caller presenting it as a bearer token (from anywhere; a
 * missing or wrong one is 401); without one, loopback callers only (others 403). `ip` is the
 * caller's address as the server sees it (behind a trusted proxy: from X-Forwarded-For).
 */
export function checkMetricsAccess(
  token: string,
  ip: string | undefined,
  authorization: string | undefined,
): DomainError | null {
  if (token) {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(presented);
    const b = Buffer.from(token);
    if (a.length === b.length && timingSafeEqual(a, b)) return null;
    return new DomainError('UNAUTHENTICATED', 'Metrics need the configured metrics token as a bearer token');
  }
  if (ip && LOOPBACK.test(ip)) return null;
  return new DomainError('FORBIDDEN', 'Metrics are served to loopback callers only (no METRICS_TOKEN is configured)');
}
