import { inspect } from 'node:util';
import type { DynamicModule, INestApplicationContext, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '#libs/platform';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker-app.js';

/** Configuration for an e2e file: its own database, and its own queue prefix on the shared Redis. */
export function testConfig(databaseUrl: string, overrides: Record<string, string> = {}): AppConfig {
  const dbName = new URL(databaseUrl).pathname.slice(1);
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL,
    QUEUE_PREFIX: `{${dbName}}`,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_INTERVAL_MS: '200',
    DATABASE_POOL_SIZE: '5',
    // Opening a connection counts against the acquire timeout too, and test files run side by
    // side on a busy machine; the overload test sets the production-like short one itself.
    DATABASE_ACQUIRE_TIMEOUT_MS: '3000',
    // Off unless a file needs them (they load @fastify/static, whose ESM-only dependency
    // jest.config.js transforms); test/e2e/web-app and the browser specs turn them on.
    OPENAPI_UI: 'false',
    QUEUE_DASHBOARD: 'false',
    ...overrides,
  });
}

export interface RunningApi {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** The real API, in process, listening on a free loopback port. */
export async function startApi(config: AppConfig, extraModules: Array<Type | DynamicModule> = []): Promise<RunningApi> {
  const app = await createApiApp(config, extraModules);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The real worker (relay, processors, schedulers), in process. */
export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  return createWorkerApp(config);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- e2e answers are read structurally and each read is asserted; typing ~570 call sites buys nothing a failing assertion does not already show
export interface HttpAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** fetch, with the body parsed when it is JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- e2e answers are read structurally and each read is asserted; typing ~570 call sites buys nothing a failing assertion does not already show
export async function http<T = any>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<HttpAnswer<T>> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  const text = await res.text();
  const body: unknown = /json/.test(res.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
  // The caller names the body's type (T); the tests assert on it, so no runtime check here.
  return { status: res.status, headers: res.headers, body: body as T, text };
}

/** Polls until `check` returns a truthy value; timing never decides a test, so the limit is generous. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? ` (last error: ${last instanceof Error ? String(last) : inspect(last)})` : ''}`,
  );
}
