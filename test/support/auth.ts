import { http } from './apps.js';
import { DEMO_PASSWORD } from './database.js';

/** Signs in through the API and answers the Authorization header value. */
export async function signIn(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const res = await http(`${baseUrl}/api/v1/auth/token`, { method: 'POST', json: { username, password } });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${res.text}`);
  return `Bearer ${res.body.access_token}`;
}

/** A small client bound to one caller. */
export function as(baseUrl: string, authorization: string | null) {
  const call = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}) =>
    http(`${baseUrl}/api/v1${path}`, {
      method,
      json,
      headers: { ...(authorization ? { authorization } : {}), ...headers },
    });
  return {
    get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
    post: (path: string, json?: unknown, headers?: Record<string, string>) => call('POST', path, json, headers),
    patch: (path: string, json?: unknown, headers?: Record<string, string>) => call('PATCH', path, json, headers),
    delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
    call,
  };
}
