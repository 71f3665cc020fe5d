import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as forward, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

/**
 * The built web app (dist/web) in front of an API, on one origin: API paths are forwarded,
 * hashed assets served, any other path gets index.html (the SPA's own router). Used while
 * the API does not serve dist/web itself; `webOrigin` prefers the API when it does.
 */
const DIST = join(process.cwd(), 'dist/web');
const API_PATHS = /^\/(api|docs|health|admin|metrics|public)(\/|$|\?|-)/;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.woff': 'font/woff', '.svg': 'image/svg+xml', '.json': 'application/json' };

export async function webOrigin(apiUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const probe = await fetch(`${apiUrl}/`).catch(() => null);
  if (probe?.ok && /text\/html/.test(probe.headers.get('content-type') ?? '')) return { url: apiUrl, close: async () => {} };
  const api = new URL(apiUrl);
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (API_PATHS.test(url)) {
      const upstream = forward({ host: api.hostname, port: api.port, method: req.method, path: url, headers: { ...req.headers, host: api.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
      return;
    }
    const path = normalize(decodeURIComponent(url.split('?')[0])).replace(/^(\.\.[/\\])+/, '');
    let file = join(DIST, path);
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) file = join(DIST, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
