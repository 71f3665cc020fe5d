import createClient, { type Middleware } from 'openapi-fetch';
import { ApiProblem } from './problem';
import type { paths } from './schema';
import { session } from '../auth/token';

/**
 * The one client of the server, generated from its OpenAPI document (`paths`). Requests are
 * typed by the schema; so are answers, as far as the document describes them. What every call
 * needs is added here, never by a page: the bearer token (in memory only), If-Match from the
 * ETag of the resource's last read, and an Idempotency-Key per user action.
 */

/** ETags by resource path (`/api/v1/proposals/<id>`), from the last GET of that resource. */
const etags = new Map<string, string>();

/** `/api/v1/proposals/<id>/transitions` acts on `/api/v1/proposals/<id>`. */
function resourceOf(url: string): string {
  const path = new URL(url, location.origin).pathname;
  const m = /^(\/api\/v1\/[a-z-]+\/[0-9a-f-]{36})(?:\/(?:transitions|corrections))?$/.exec(path);
  return m ? m[1] : path;
}

/** A v4 UUID from getRandomValues: crypto.randomUUID needs a secure context, and an intranet may serve plain http. */
export function newIdempotencyKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const conventions: Middleware = {
  onRequest({ request }) {
    const token = session.token;
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    if (
      request.method === 'PATCH' ||
      (request.method === 'POST' && /\/(transitions|corrections)$/.test(new URL(request.url).pathname))
    ) {
      const etag = etags.get(resourceOf(request.url));
      if (etag && !request.headers.get('if-match')) request.headers.set('if-match', etag);
    }
    if (request.method === 'POST' && !request.headers.get('idempotency-key'))
      request.headers.set('idempotency-key', newIdempotencyKey());
    return request;
  },
  onResponse({ request, response }) {
    const etag = response.headers.get('etag');
    if (etag && (request.method === 'GET' || response.ok)) etags.set(resourceOf(request.url), etag);
    return response;
  },
};

/**
 * fetch with one retry after a refreshed session: a 401 on an ordinary call means the
 * 15-minute access token ended; the refresh cookie gets a new one, once. When that fails the
 * person is told they were signed out.
 */
async function fetchWithRefresh(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(input);
  if (response.status !== 401 || !session.token) return response;
  const renewed = await session.refresh();
  if (!renewed) {
    session.signedOut('サインアウトされました。もう一度サインインしてください。');
    return response;
  }
  retry.headers.set('authorization', `Bearer ${session.token}`);
  return fetch(retry);
}

/**
 * The If-Match header a typed call must name: left blank, the middleware fills it with the ETag
 * of the resource's last read, so a person acts on what they saw (412 if someone changed it since).
 */
export const FROM_LAST_READ = { 'If-Match': '' };

export const api = createClient<paths>({ baseUrl: location.origin, fetch: fetchWithRefresh });
api.use(conventions);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Untyped = any;
/** The answer's body type; while the OpenAPI document does not describe an answer yet, it is untyped. */
export type Data<T> = [NonNullable<T>] extends [never] ? Untyped : NonNullable<T>;

/** The successful answer of an openapi-fetch call, or an ApiProblem thrown for TanStack Query to hold. */
export async function answer<R extends { data?: unknown; error?: unknown; response: Response }>(
  call: Promise<R>,
): Promise<Data<R['data']>> {
  const { data, error, response } = await call;
  if (!response.ok) throw await ApiProblem.from(response, error);
  return data as Data<R['data']>;
}

/** Forgets what was read (sign-out). */
export function forgetEtags(): void {
  etags.clear();
}

type Json<S> = S extends { content: { 'application/json': infer T } } ? T : never;
type Ok<R> = R extends { 200: infer S } ? Json<S> : R extends { 201: infer S } ? Json<S> : never;
/**
 * The body of an operation's success answer, read from the generated `paths`
 * (`Answer<'/api/v1/deadlines', 'get'>`); untyped while the document does not describe it.
 */
export type Answer<P extends keyof paths, M extends keyof paths[P]> = Data<
  paths[P][M] extends { responses: infer R } ? Ok<R> : never
>;
/** One item of a list answer (`items` of a page, or the array itself). */
export type Item<P extends keyof paths, M extends keyof paths[P]> =
  Answer<P, M> extends { items: Array<infer T> } ? T : Answer<P, M> extends Array<infer T> ? T : Data<never>;
/** The JSON body an operation takes, from the generated `paths`. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;
