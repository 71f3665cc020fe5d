// The code checks `npm run lint` and `npm test` share: ESLint (eslint.config.mjs, type-aware), then
// Prettier's check. Both keep their caches in .local/, so a second run looks only at changed files.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, say } from './setup.mjs';

/**
 * Prettier's check is off until the repository has had its one formatting pass (`npm run format`,
 * done once when no branch is open, so that no branch conflicts with a whole-repository reformat).
 * After that pass, set this to true: `npm run lint` and `npm test` then refuse unformatted files.
 * KAIKAKU_PRETTIER_CHECK=1 turns it on for one run (to see what the pass would change).
 */
export const PRETTIER_CHECK = true;

export function prettierCheckOn() {
  return PRETTIER_CHECK || process.env.KAIKAKU_PRETTIER_CHECK === '1';
}

/** Throws (after ESLint or Prettier printed what is wrong) when a check fails. */
export function lint() {
  say('linting…');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/eslint/bin/eslint.js'),
      '--cache',
      '--cache-location',
      '.local/eslint-cache',
      '--max-warnings',
      '0',
      '.',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (!prettierCheckOn()) return;
  say('checking the formatting…');
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/prettier/bin/prettier.cjs'),
      '--check',
      '--log-level',
      'warn',
      '--cache',
      '--cache-location',
      '.local/prettier-cache',
      '.',
    ],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}
