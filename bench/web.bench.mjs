#!/usr/bin/env node
// The web application in a real browser (Debian's Chromium under playwright-core): how long
// until a page shows what a person came for, against how long the same server takes to show
// a static page of the same size (the page's own rendered HTML, saved as a file and served
// by the API's static handler), measured in the same run, interleaved.
//
//   1. ダッシュボード: until the 令和4年度 table of the previous plan shows its totals (137);
//   2. 取組と進捗 with 5,000 initiatives in the plan: until the list shows its first rows; and the
//      same with 500, to show that the time does not grow with the plan's size (the list is
//      paged on the server: GET /initiatives?page=&pageSize=50).
//
//   node bench/web.bench.mjs        (or: npm run bench:web)
//
// Each page is measured twice over: repeated loads in one browser context (warm HTTP and code
// caches), and first visits, each in a fresh browser context (nothing cached: the bundle is
// downloaded and compiled as on a person's first visit after a release).
//
// Knobs (environment): WEB_BENCH_ITERATIONS (15), WEB_BENCH_FIRST_LOADS (7), WEB_BENCH_SIZES (500,5000),
// BENCH_SKIP_BUILD=1, BENCH_KEEP_DB=1, CHROMIUM_PATH, WEB_BENCH_TRACE=1 (the waterfall of a first and
// a repeated load). See bench/README.md.
//
// Plain Node ESM on purpose: it runs without a TypeScript loader, against the compiled dist/.

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from '../scripts/lib/setup.mjs';
import {
  ROOT,
  cleanUpOnSignal,
  cli,
  dropDatabase,
  freePort,
  intEnv,
  percentiles,
  productionSecrets,
  recreateDatabase,
  round,
  say,
  startNode,
  stopNode,
  testServices,
  urlFor,
  waitApiReady,
  withClient,
} from './lib/harness.mjs';

const DB_NAME = 'kaikaku_bench_web';
const ITERATIONS = intEnv('WEB_BENCH_ITERATIONS', 15);
const FIRST_LOADS = intEnv('WEB_BENCH_FIRST_LOADS', 7);
const SIZES = (process.env.WEB_BENCH_SIZES ?? '500,5000').split(',').map((s) => Number.parseInt(s.trim(), 10));
if (SIZES.some((n) => !Number.isInteger(n) || n <= 0))
  throw new Error('WEB_BENCH_SIZES: positive integers separated by commas');
/** The API serves a copy of dist/web with the static baselines added (it registers the files that exist when it starts). */
const WEB_ROOT = join(ROOT, '.local', 'bench-web');
const TARGET_RATIO = 3;
const TRACE = process.env.WEB_BENCH_TRACE === '1';

const DASHBOARD_CAPTION = '令和4年度 方針別の進捗状況（件）';

/**
 * What "shown" means, checked on every animation frame from the document's start (an init
 * script, so it runs before any of the page's own code, on the app and on the static copy
 * alike): the first frame's timestamp in which the predicate holds is the time, from the
 * navigation's start.
 */
function watcher(kind) {
  const dashboard = `(() => {
    for (const t of document.querySelectorAll('table')) {
      const c = t.querySelector('caption');
      if (c && c.textContent.trim() === ${JSON.stringify(DASHBOARD_CAPTION)}) {
        const total = t.querySelector('tfoot tr > :last-child');
        if (total && total.textContent.trim() === '137') return true;
      }
    }
    return false;
  })()`;
  const list = `(() => {
    for (const t of document.querySelectorAll('table')) {
      const c = t.querySelector('caption');
      if (c && c.textContent.trim().startsWith('取組の一覧') && t.querySelector('tbody tr a')) return true;
    }
    return false;
  })()`;
  return `(() => {
    window.__benchShownAt = null;
    window.__benchLongTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__benchLongTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
      }).observe({ type: 'longtask', buffered: true });
    } catch (e) { /* no long-task timing in this browser */ }
    window.__benchFrames = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__benchFrames.push([Math.round(e.startTime), Math.round(e.duration), Math.round(e.renderStart ? e.renderStart - e.startTime : 0)]);
      }).observe({ type: 'long-animation-frame', buffered: true });
    } catch (e) { /* no long-animation-frame timing in this browser */ }
    window.__benchDomAt = null;
    new MutationObserver((records, observer) => {
      let shown = false;
      try { shown = ${kind === 'dashboard' ? dashboard : list}; } catch (e) { shown = false; }
      if (shown) { window.__benchDomAt = performance.now(); observer.disconnect(); }
    }).observe(document, { childList: true, subtree: true, characterData: true });
    const check = (ts) => {
      if (window.__benchShownAt !== null) return;
      let shown = false;
      try { shown = ${kind === 'dashboard' ? dashboard : list}; } catch (e) { shown = false; }
      if (shown) window.__benchShownAt = ts;
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  })();`;
}

/** The commit and the uncommitted files of the code under test, for the results file. */
function codeState() {
  const git = (args) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return {
      head: git(['rev-parse', '--short', 'HEAD']),
      uncommitted: git(['status', '--porcelain', '--', 'apps', 'libs']).split('\n').filter(Boolean),
    };
  } catch {
    return null;
  }
}

/** A plan per size with that many initiatives, written with SQL as the owner (like the other benchmarks). */
async function prepareWorkload(ownerUrl) {
  return withClient(ownerUrl, async (db) => {
    await db.query('BEGIN');
    const plans = {};
    for (const n of SIZES) {
      const code = `bench-web-${n}`;
      const [{ id }] = (
        await db.query(
          `INSERT INTO plan (code, name, first_fiscal_year, last_fiscal_year) VALUES ($1, $2, 2024, 2027) RETURNING id`,
          [code, `ベンチマーク計画（取組${n.toLocaleString('en')}件）`],
        )
      ).rows;
      await db.query(
        `INSERT INTO plan_policy (plan_id, number, title) SELECT $1, k, '方針' || k FROM generate_series(1, 3) k`,
        [id],
      );
      await db.query(
        `INSERT INTO status_scale (plan_id, code, label_ja, normalized, position, colour)
         SELECT $1, code, label_ja, normalized, position, colour FROM status_scale WHERE plan_id = (SELECT id FROM plan WHERE code = 'kaikaku-2027')`,
        [id],
      );
      await db.query(
        `INSERT INTO initiative (plan_id, code, title, policy_id, owning_unit_id, source)
         SELECT $1, lpad(g::text, 5, '0'), 'ベンチ取組 ' || g || '（窓口DXの推進）', pol.ids[1 + g % cardinality(pol.ids)], u.ids[1 + g % cardinality(u.ids)], 'import'
           FROM generate_series(1, $2::int) g,
                (SELECT array_agg(id ORDER BY number) AS ids FROM plan_policy WHERE plan_id = $1) pol,
                (SELECT array_agg(id ORDER BY code) AS ids FROM org_unit WHERE kind IN ('bureau', 'ward')) u`,
        [id, n],
      );
      plans[n] = id;
    }
    const [{ id: stage3 }] = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`)).rows;
    await db.query('COMMIT');
    await db.query('ANALYZE');
    return { plans, stage3 };
  });
}

/**
 * The roll-up counts the dashboard reads, recounted once by the app's own RollupsService
 * (what the worker's nightly job runs), compiled, on one connection as the apps' role.
 */
async function recountRollups(appUrl) {
  const { DataSource } = await import('typeorm');
  const { RollupsService } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/tracking/src/rollups/rollups.service.js')).href
  );
  const dataSource = new DataSource({
    type: 'postgres',
    url: appUrl,
    entities: [],
    synchronize: false,
    useUTC: true,
    poolSize: 1,
    logging: false,
  });
  await dataSource.initialize();
  try {
    return await new RollupsService(dataSource, null).refreshAll();
  } finally {
    await dataSource.destroy();
  }
}

function startApi(port, env) {
  return startNode(join(ROOT, 'dist/apps/api/src/main.js'), {
    env: {
      ...env,
      PORT: String(port),
      OPENAPI_UI: 'false',
      QUEUE_DASHBOARD: 'false',
      WEB_ROOT,
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    },
  });
}

/** A browser context signed in as the secretariat through the web app's own session call. */
async function signedInContext(browser, baseUrl) {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1280, height: 800 },
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
  });
  const res = await context.request.post('/api/v1/auth/session', {
    data: { username: 'secretariat', password: process.env.DEMO_PASSWORD || 'kaikaku-demo' },
  });
  if (!res.ok()) throw new Error(`browser sign-in failed: ${res.status()} ${await res.text()}`);
  return context;
}

/**
 * A first visit of `path`: a fresh browser context (empty HTTP cache, no V8 code cache, no open
 * connection), signed in beforehand when the app is loaded (its refresh cookie is all it has).
 * Answers the time, and the waterfall when asked for.
 */
async function timeFirstVisit(browser, baseUrl, target, side, withTrace) {
  const context =
    side === 'page'
      ? await signedInContext(browser, baseUrl)
      : await browser.newContext({
          baseURL: baseUrl,
          viewport: { width: 1280, height: 800 },
          locale: 'ja-JP',
          timezoneId: 'Asia/Tokyo',
        });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: watcher(target.kind) });
    // The renderer's main-thread CPU time (Chromium's ThreadTime): what the load cost, less
    // sensitive than the wall clock to the other work on a shared machine.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const ms = await timeLoad(page, side === 'page' ? target.path : `/${target.file}`);
    const { metrics } = await cdp.send('Performance.getMetrics');
    const cpuMs = Math.round(1000 * (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN));
    // When the app's first line ran: the session refresh is the first request it sends.
    const refreshAt =
      side === 'page'
        ? await page.evaluate(() => {
            const refresh = performance
              .getEntriesByType('resource')
              .find((e) => new URL(e.name).pathname === '/api/v1/auth/session/refresh');
            return refresh ? Math.round(refresh.startTime) : null;
          })
        : null;
    return { ms, cpuMs, refreshAt, trace: withTrace ? await loadTrace(page) : undefined };
  } finally {
    await context.close();
  }
}

/** One load of `path`: ms from the navigation's start to the first frame that shows it. */
async function timeLoad(page, path, timeoutMs = 60_000) {
  await page.bringToFront();
  await page.goto(path, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(() => window.__benchShownAt, undefined, {
    timeout: timeoutMs,
    polling: 50,
  });
  return Number(await handle.jsonValue());
}

/**
 * Where a load's time went (WEB_BENCH_TRACE=1): every request of the document with its start
 * and end (ms from the navigation's start, Resource Timing), the long tasks on the main
 * thread, and the moment it was shown — a waterfall to read, not a figure.
 */
async function loadTrace(page) {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const r = (x) => Math.round(x);
    const requests = [nav, ...performance.getEntriesByType('resource')].map((e) => ({
      what: e.entryType === 'navigation' ? 'document' : new URL(e.name).pathname + new URL(e.name).search,
      start: r(e.startTime),
      ttfb: r(e.responseStart),
      end: r(e.responseEnd),
      bytes: e.transferSize,
      cached: e.transferSize === 0 && e.decodedBodySize > 0,
    }));
    return {
      shownAt: r(window.__benchShownAt),
      inDomAt: r(window.__benchDomAt ?? NaN),
      longFrames: window.__benchFrames,
      domContentLoaded: r(nav.domContentLoadedEventEnd),
      paints: performance.getEntriesByType('paint').map((p) => [p.name, r(p.startTime)]),
      longTasks: window.__benchLongTasks,
      requests,
    };
  });
}

function printTrace(label, trace) {
  const lines = [
    `  ${label}: shown at ${trace.shownAt} ms (in the DOM at ${trace.inDomAt} ms), DOMContentLoaded ${trace.domContentLoaded} ms, ${trace.paints.map(([n, t]) => `${n} ${t}`).join(', ')}`,
  ];
  for (const q of trace.requests)
    lines.push(
      `    ${String(q.start).padStart(5)} → ${String(q.end).padStart(5)} (ttfb ${String(q.ttfb).padStart(5)}) ${q.cached ? 'cache ' : `${String(Math.round(q.bytes / 1024)).padStart(4)} KiB`}  ${q.what.slice(0, 90)}`,
    );
  if (trace.longFrames.length)
    lines.push(
      `    long animation frames (start+duration ms, render after): ${trace.longFrames.map(([s, d, r]) => `${s}+${d}/${r}`).join(' ')}`,
    );
  if (trace.longTasks.length)
    lines.push(`    long tasks (start+duration ms): ${trace.longTasks.map(([s, d]) => `${s}+${d}`).join(' ')}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** The page as rendered, without its scripts: the static baseline of the same size. */
async function renderedHtml(page, path, kind) {
  await page.goto(path);
  await page
    .waitForFunction(() => window.__benchShownAt, undefined, { timeout: 60_000 })
    .catch(async (error) => {
      const shot = join(ROOT, '.local', `bench-web-failed-${kind}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
      throw new Error(`${path} did not show what it should within 60 s (see ${shot}): ${error.message}`);
    });
  await page.waitForLoadState('networkidle');
  const html = await page.evaluate(() => {
    const copy = document.documentElement.cloneNode(true);
    for (const e of copy.querySelectorAll('script, link[rel="modulepreload"]')) e.remove();
    return `<!doctype html>\n${copy.outerHTML}`;
  });
  if (!html.includes(kind === 'dashboard' ? DASHBOARD_CAPTION : '取組の一覧'))
    throw new Error(`the rendered ${path} lacks what it should show`);
  return html;
}

async function main() {
  const startedAt = new Date();
  if (process.env.BENCH_SKIP_BUILD === '1') say('BENCH_SKIP_BUILD=1: using dist/ as it is');
  else build();
  for (const file of ['dist/apps/api/src/main.js', 'dist/apps/cli/src/main.js', 'dist/web/index.html']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: the build did not produce it`);
  }
  const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((p) => p && existsSync(p));
  if (!executablePath)
    throw new Error('no Chromium: apt-get install -y chromium fonts-noto-cjk (or run the tests once as root)');

  const services = await testServices();
  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: appUrl,
    MIGRATION_DATABASE_URL: ownerUrl,
    QUEUE_BACKEND: 'redis',
    REDIS_URL: services.redisUrl,
    QUEUE_PREFIX: '{benchweb}',
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    // Production refuses to start without these: throwaway ones for this run.
    ...productionSecrets(),
  };

  let api = null;
  let browser = null;
  let dbCreated = false;
  const cleanup = async () => {
    if (browser) await browser.close().catch(() => undefined);
    browser = null;
    await stopNode(api).catch((e) => say(`stopping the API: ${e.message}`));
    api = null;
    rmSync(WEB_ROOT, { recursive: true, force: true });
    if (dbCreated && process.env.BENCH_KEEP_DB !== '1')
      await dropDatabase(services.migrationDatabaseUrl, DB_NAME).catch((e) => say(`dropping ${DB_NAME}: ${e.message}`));
    dbCreated = false;
    await services.release();
  };
  const finish = cleanUpOnSignal(cleanup);

  try {
    say(`creating ${DB_NAME}, migrating and loading the demo data…`);
    await recreateDatabase(services.migrationDatabaseUrl, DB_NAME);
    dbCreated = true;
    cli(['migrate'], env);
    cli(['seed'], env);
    say(`plans with ${SIZES.join(' and ')} initiatives…`);
    const { plans, stage3 } = await prepareWorkload(ownerUrl);
    say(`recounted ${await recountRollups(appUrl)} plan-years`);

    const targets = [
      {
        name: 'dashboard',
        label: `ダッシュボード（第3ステージ 令和4年度, 137 取組）`,
        kind: 'dashboard',
        path: `/dashboard?plan=${stage3}&year=2022`,
        file: 'bench-dashboard.html',
      },
      ...SIZES.map((n) => ({
        name: `list-${n}`,
        label: `取組と進捗（取組${n.toLocaleString('en')}件の計画, 50件/ページ）`,
        kind: 'list',
        path: `/tracking?plan=${plans[n]}`,
        file: `bench-list-${n}.html`,
      })),
    ];

    // Phase 1: render each page once and keep its HTML as the static baseline.
    rmSync(WEB_ROOT, { recursive: true, force: true });
    mkdirSync(WEB_ROOT, { recursive: true });
    cpSync(join(ROOT, 'dist/web'), WEB_ROOT, { recursive: true });
    let port = await freePort();
    let baseUrl = `http://127.0.0.1:${port}`;
    api = startApi(port, env);
    await waitApiReady(api, baseUrl);
    browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    let context = await signedInContext(browser, baseUrl);
    for (const t of targets) {
      const page = await context.newPage();
      await page.addInitScript({ content: watcher(t.kind) });
      const html = await renderedHtml(page, t.path, t.kind);
      writeFileSync(join(WEB_ROOT, t.file), html);
      t.staticBytes = Buffer.byteLength(html);
      await page.close();
    }
    await context.close();
    await stopNode(api);

    // Phase 2: the same server (restarted, so it serves the new files), measured interleaved.
    port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    api = startApi(port, env);
    await waitApiReady(api, baseUrl);
    context = await signedInContext(browser, baseUrl);
    const pages = {};
    for (const t of targets) {
      for (const side of ['page', 'static']) {
        const p = await context.newPage();
        await p.addInitScript({ content: watcher(t.kind) });
        pages[`${t.name}:${side}`] = p;
      }
      t.samples = { page: [], static: [] };
    }
    // The first load of each in the measured tabs fills their cache (the app's hashed bundles, the CSS),
    // and warms the restarted API up for what follows: not counted.
    for (const t of targets) {
      await timeLoad(pages[`${t.name}:static`], `/${t.file}`);
      await timeLoad(pages[`${t.name}:page`], t.path);
    }
    // First visits, each in a fresh context, interleaved like the repeated loads (ABBA per round).
    const first = Object.fromEntries(
      targets.map((t) => [t.name, { page: [], static: [], refreshAt: [], cpu: { page: [], static: [] } }]),
    );
    const traces = Object.fromEntries(targets.map((t) => [t.name, {}]));
    for (let i = 0; i < FIRST_LOADS; i++) {
      say(`first visits, round ${i + 1}/${FIRST_LOADS}…`);
      for (const t of targets) {
        const order = i % 2 === 0 ? ['static', 'page'] : ['page', 'static'];
        for (const side of order) {
          const withTrace = TRACE && side === 'page' && i === FIRST_LOADS - 1;
          const { ms, cpuMs, refreshAt, trace } = await timeFirstVisit(browser, baseUrl, t, side, withTrace);
          first[t.name][side].push(ms);
          first[t.name].cpu[side].push(cpuMs);
          if (refreshAt !== null) first[t.name].refreshAt.push(refreshAt);
          if (trace) traces[t.name].first = trace;
        }
      }
    }
    for (let i = 0; i < ITERATIONS; i++) {
      say(`round ${i + 1}/${ITERATIONS}…`);
      for (const t of targets) {
        // ABBA within the round, so a drift does not favour one side.
        const order = i % 2 === 0 ? ['static', 'page'] : ['page', 'static'];
        for (const side of order)
          t.samples[side].push(await timeLoad(pages[`${t.name}:${side}`], side === 'static' ? `/${t.file}` : t.path));
      }
    }

    if (TRACE) {
      for (const t of targets) {
        // One more load under Chromium's own tracing (DevTools' Performance panel reads the file).
        const p = pages[`${t.name}:page`];
        const tracePath = join(ROOT, '.local', `bench-web-trace-${t.name}.json`);
        await browser.startTracing(p, {
          path: tracePath,
          categories: [
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'blink',
            'cc',
            'gpu',
            'viz',
            'benchmark',
            'loading',
            'toplevel',
          ],
        });
        await timeLoad(p, t.path);
        await browser.stopTracing();
        say(`Chromium trace of one more load of ${t.name}: ${tracePath}`);
        traces[t.name].last = await loadTrace(p);
        if (traces[t.name].first) printTrace(`${t.name}, first visit (fresh context)`, traces[t.name].first);
        printTrace(`${t.name}, repeated load`, traces[t.name].last);
      }
    }
    const rows = targets.map((t) => {
      const p = percentiles(t.samples.page);
      const s = percentiles(t.samples.static);
      const fp = percentiles(first[t.name].page);
      const fs = percentiles(first[t.name].static);
      return {
        name: t.name,
        label: t.label,
        staticBytes: t.staticBytes,
        page: p,
        static: s,
        ratio: round(p.p50 / s.p50, 2),
        first: {
          page: fp,
          static: fs,
          ratio: round(fp.p50 / fs.p50, 2),
          refreshAt: percentiles(first[t.name].refreshAt),
          cpu: { page: percentiles(first[t.name].cpu.page), static: percentiles(first[t.name].cpu.static) },
          samples: first[t.name],
        },
      };
    });
    const out = [];
    out.push('');
    out.push(
      `WEB PAGES: ms from navigation start to the first frame that shows the numbers / the first rows (Chromium ${browser.version()})`,
    );
    out.push(
      `  repeated: ${ITERATIONS} loads each in one context (warm cache); first visit: ${FIRST_LOADS} each, a fresh context per load (cold HTTP and code cache)`,
    );
    out.push(
      'page                                     repeated: static p50   p90 |  page p50    p90 | page/static | first visit p50: static / page = ratio',
    );
    for (const r of rows) {
      out.push(
        `${r.label.padEnd(40, '　').slice(0, 40)} ${String(round(r.static.p50, 0)).padStart(6)} ${String(round(r.static.p90, 0)).padStart(5)} | ${String(round(r.page.p50, 0)).padStart(8)} ${String(round(r.page.p90, 0)).padStart(6)} | ${String(r.ratio.toFixed(2)).padStart(6)}×     | ${String(round(r.first.static.p50, 0)).padStart(5)} / ${String(round(r.first.page.p50, 0)).padStart(5)} = ${r.first.ratio.toFixed(2)}× (refresh sent at ${round(r.first.refreshAt.p50, 0)}; main-thread CPU ${round(r.first.cpu.static.p50, 0)} / ${round(r.first.cpu.page.p50, 0)} ms)  (static copy ${(r.staticBytes / 1024).toFixed(0)} KiB)`,
      );
    }
    const lists = rows.filter((r) => r.name.startsWith('list-'));
    const growth = lists.length >= 2 ? round(lists.at(-1).page.p50 / lists[0].page.p50, 2) : null;
    out.push('');
    out.push(
      `targets: every page/static ≤ ${TARGET_RATIO}× — repeated loads ${rows.every((r) => r.ratio <= TARGET_RATIO) ? 'met' : 'MISSED'} (${rows.map((r) => `${r.name} ${r.ratio}×`).join(', ')}); first visits ${rows.every((r) => r.first.ratio <= TARGET_RATIO) ? 'met' : 'MISSED'} (${rows.map((r) => `${r.name} ${r.first.ratio}×`).join(', ')})`,
    );
    if (growth !== null)
      out.push(
        `list time with ${SIZES.at(-1)} vs ${SIZES[0]} initiatives: ${growth}× (does not grow with the plan's size when ≈ 1)`,
      );
    process.stdout.write(`${out.join('\n')}\n`);

    mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
    const file = join(ROOT, 'bench', 'results', `web-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          startedAt,
          code: codeState(),
          machine: { cpus: os.cpus().length, load: os.loadavg(), node: process.version, chromium: browser.version() },
          iterations: ITERATIONS,
          firstLoads: FIRST_LOADS,
          sizes: SIZES,
          rows,
          listGrowth: growth,
          traces: TRACE ? traces : undefined,
        },
        null,
        2,
      ),
    );
    say(`results: ${file}`);
  } finally {
    await finish();
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
