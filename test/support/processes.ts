import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface SpawnedApp {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) and how long after `since` it came. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Runs a compiled app (dist/) as a real process, as production does. */
export function spawnApp(app: 'api' | 'worker' | 'cli', env: Record<string, string>, args: string[] = []): SpawnedApp {
  const child = spawn(process.execPath, [join(process.cwd(), 'dist/apps', app, 'src/main.js'), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  return { child, output: () => out, exited };
}
