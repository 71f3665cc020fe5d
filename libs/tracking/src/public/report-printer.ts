import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, DomainError } from '#libs/platform';

/** CHROMIUM_PATH, else `chromium` on PATH, else Debian's /usr/bin/chromium; null when none is there. */
export function chromiumExecutable(configured: string): string | null {
  if (configured) return existsSync(configured) ? configured : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'chromium'))) return join(dir, 'chromium');
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

const PRINT_TIMEOUT_MS = 60_000;

/**
 * Prints an HTML page to PDF with Debian's Chromium (`--print-to-pdf`, no npm browser): the
 * page sets A4, its margins and the page numbers itself (CSS @page margin boxes), and names
 * Noto Sans CJK JP (Debian's fonts-noto-cjk, which `npm start` and the tests install with
 * Chromium), so the PDF embeds that font. The page is printed from a file in a folder of its
 * own: nothing is fetched, from the server or elsewhere. One print at a time per instance.
 */
@Injectable()
export class ReportPrinter {
  private readonly logger = new Logger(ReportPrinter.name);
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: AppConfig) {}

  print(page: string): Promise<Buffer> {
    const run = this.queue.then(() => this.printNow(page));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async printNow(page: string): Promise<Buffer> {
    const chromium = chromiumExecutable(this.config.CHROMIUM_PATH);
    if (!chromium)
      throw new DomainError(
        'SERVICE_UNAVAILABLE',
        'Printing needs Chromium (apt-get install chromium fonts-noto-cjk; npm start installs it), or CHROMIUM_PATH',
      );
    const dir = await mkdtemp(join(tmpdir(), 'kaikaku-print-'));
    try {
      const source = join(dir, 'report.html');
      const target = join(dir, 'report.pdf');
      await writeFile(source, page, 'utf8');
      await new Promise<void>((resolve, reject) => {
        execFile(
          chromium,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--no-first-run',
            '--disable-extensions',
            '--no-pdf-header-footer',
            `--user-data-dir=${join(dir, 'profile')}`,
            `--print-to-pdf=${target}`,
            `file://${source}`,
          ],
          { timeout: PRINT_TIMEOUT_MS },
          (error, _stdout, stderr) => {
            if (error && !existsSync(target)) {
              this.logger.error(
                { err: error, stderr: String(stderr).slice(-2000) },
                'Chromium could not print the report',
              );
              reject(new DomainError('SERVICE_UNAVAILABLE', 'The report could not be printed; try again shortly'));
            } else resolve();
          },
        );
      });
      return await readFile(target);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
