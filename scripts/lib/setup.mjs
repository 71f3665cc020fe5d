// Steps shared by `npm start` and `npm test`; plain Node, usable before `npm install`.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function say(message) {
  process.stderr.write(`\x1b[36m[kaikaku]\x1b[0m ${message}\n`);
}

/**
 * A failed set-up step ends the script with one sentence (what failed and what to do),
 * not a Node stack trace; KAIKAKU_DEBUG=1 shows the stack as well.
 */
export function exitOnSetupFailure() {
  const fail = (error) => {
    const message = error instanceof Error ? error.message : String(error);
    // A failed child command has already printed its own output above.
    const sentence = message.startsWith('Command failed:')
      ? `${message.split('\n')[0]} (its output is above)`
      : message.trim();
    say(`\x1b[31mcannot continue:\x1b[0m ${sentence}`);
    if (process.env.KAIKAKU_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
}

/** Installs dependencies when node_modules is missing or older than the lock file. */
export function ensureDependencies() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new Error(`Node ${process.versions.node} is too old: Kaikaku needs Node 20.19 or newer`);
  }
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  const lock = join(ROOT, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say('installing dependencies (npm ci)…');
  execFileSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
}

/** Compiles apps, libs and migrations into dist/ (incremental: fast when little changed). */
export function build() {
  say('building…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  buildWeb();
}

/** Newest modification time under a folder (files only). */
function newestIn(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Bundles apps/web into dist/web with Vite; skipped when nothing under apps/web (or the lock) changed since. */
export function buildWeb() {
  const built = join(ROOT, 'dist/web/index.html');
  const sources = Math.max(newestIn(join(ROOT, 'apps/web')), statSync(join(ROOT, 'package-lock.json')).mtimeMs);
  if (existsSync(built) && statSync(built).mtimeMs > sources) return;
  say('building the web application…');
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/web/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export function readPackage() {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
}

/** Type-checks everything, tests and benchmarks included (the build covers only what ships). */
export function typecheck() {
  say('type-checking…');
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'apps/web/tsconfig.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** Runs the compiled admin CLI. */
export function cli(args, env) {
  execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  });
}
