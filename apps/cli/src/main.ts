#!/usr/bin/env node
import 'reflect-metadata';
import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  AuditCheckpoints,
  AuditLog,
  ConfigError,
  verifyAgainstCheckpoint,
  type CheckpointFile,
  WorkflowRegistry,
  createDataSource,
  loadConfig,
  loadDotEnv,
  ProbeService,
  withTransaction,
} from '#libs/platform';
import { SCHEMA } from '#libs/schema';
import { CITY_CODE, UsersService } from '#libs/identity';
import { IMPORT_KINDS, ImportRejectedError, ImportsService, readTable, type ImportKind } from '#libs/tracking';
import { CliModule } from './cli.module.js';
import { DEMO_DATA } from './demo-data.js';
import { pendingMigrations, revertLastMigration, runMigrations } from './migrations.js';

/** Commands talk to people: only warnings from the libraries' logs, unless LOG_LEVEL says otherwise. */
function cliConfig(): AppConfig {
  loadDotEnv();
  return loadConfig({ LOG_LEVEL: 'warn', ...process.env });
}

/** A DataSource as the schema owner, for migrations. */
async function withDataSource<T>(work: (ds: DataSource, config: AppConfig) => Promise<T>): Promise<T> {
  const config = cliConfig();
  const ds = createDataSource({ ...config, DATABASE_URL: config.MIGRATION_DATABASE_URL }, SCHEMA, 'kaikaku-migrations');
  await ds.initialize();
  try {
    return await work(ds, config);
  } finally {
    await ds.destroy();
  }
}

/** Boots the libraries (without HTTP or workers) for commands that use services. */
async function withContext<T>(
  work: (app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>) => Promise<T>,
): Promise<T> {
  const config = cliConfig();
  const app = await NestFactory.createApplicationContext(CliModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}

const positiveInt = (value: string) => {
  const n = Number.parseInt(value, 10);
  if (!Number.isInteger(n) || n < 0 || String(n) !== value) throw new InvalidArgumentError('a whole number ≥ 0');
  return n;
};

const program = new Command('kaikaku').description('Kaikaku administration commands').showHelpAfterError();

program
  .command('migrate')
  .description('apply pending database migrations')
  .action(() =>
    withDataSource(async (ds, config) => {
      const applied = await runMigrations(ds, decodeURIComponent(new URL(config.DATABASE_URL).username));
      // The shipped workflow definitions are data: a changed one becomes a new version.
      await new WorkflowRegistry(ds).storeShipped();
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database schema is up to date\n');
    }),
  );

program
  .command('migrate:revert')
  .description('revert the last applied migration')
  .action(() => withDataSource((ds) => revertLastMigration(ds)));

program
  .command('migrate:status')
  .description('list migrations not applied yet')
  .action(() =>
    withDataSource(async (ds) => {
      const pending = await pendingMigrations(ds);
      process.stdout.write(pending.length ? `pending: ${pending.join(', ')}\n` : 'no pending migrations\n');
    }),
  );

program
  .command('probe')
  .description('send a probe job through outbox → relay → queue → worker and wait for it')
  .option('--hold <ms>', 'simulated work in the job', positiveInt, 0)
  .option('--timeout <s>', 'how long to wait', positiveInt, 30)
  .action((opts: { hold: number; timeout: number }) =>
    withContext(async (app) => {
      const ds = app.get(DataSource);
      const started = Date.now();
      const id = await withTransaction(ds, (m) => app.get(ProbeService).request(m, opts.hold));
      while (Date.now() - started < opts.timeout * 1000) {
        const [row] = await ds.query<Array<{ processed_count: number }>>(
          `SELECT processed_count FROM system_probe WHERE id = $1`,
          [id],
        );
        if (row && row.processed_count > 0) {
          process.stdout.write(`probe ${id} processed in ${Date.now() - started} ms\n`);
          return;
        }
        await sleep(100);
      }
      process.stderr.write(`probe ${id} not processed within ${opts.timeout} s: is the worker running?\n`);
      process.exitCode = 2;
    }),
  );

program
  .command('seed')
  .description('load the demo data (Kumamoto City); safe to run again')
  .action(() =>
    withContext(async (app) => {
      const config = app.get(AppConfig);
      for (const step of DEMO_DATA) {
        const summary = await withTransaction(app.get(DataSource), (m) => step.run(m, app, config));
        process.stdout.write(`${step.name}: ${summary}\n`);
      }
      if (DEMO_DATA.length === 0) process.stdout.write('no demo data to load\n');
    }),
  );

program
  .command('create-admin')
  .description(
    'create an administrator (the first one, on a new installation); the password comes from the environment or stdin',
  )
  .requiredOption('--username <name>', 'login name')
  .option('--display-name <name>', 'shown name', 'Administrator')
  .option('--org-unit <code>', 'unit the person belongs to (default: the city)')
  .option('--password-env <variable>', 'read the password from this environment variable', 'KAIKAKU_ADMIN_PASSWORD')
  .option('--city-code <code>', 'code of the city unit, created when the organisation is still empty', CITY_CODE)
  .option('--city-name <name>', 'Japanese name of that city unit', '熊本市')
  .option('--city-name-en <name>', 'English name of that city unit', 'Kumamoto City')
  .action(
    (opts: {
      username: string;
      displayName: string;
      orgUnit?: string;
      passwordEnv: string;
      cityCode: string;
      cityName: string;
      cityNameEn: string;
    }) =>
      withContext(async (app) => {
        const ds = app.get(DataSource);
        let [root] = await ds.query<Array<{ code: string }>>(`SELECT code FROM org_unit WHERE parent_id IS NULL`);
        if (!root) {
          await ds.query(`INSERT INTO org_unit (code, name_ja, name_en, kind) VALUES ($1, $2, $3, 'city')`, [
            opts.cityCode,
            opts.cityName,
            opts.cityNameEn,
          ]);
          root = { code: opts.cityCode };
        }
        const password = process.env[opts.passwordEnv] ?? (await readStdin()).trim();
        if (password.length < 10)
          throw new Error(`the password (from ${opts.passwordEnv} or stdin) must have at least 10 characters`);
        const { plainToInstance } = await import('class-transformer');
        const { validate } = await import('class-validator');
        const { CreateUserDto } = await import('#libs/identity');
        const dto = plainToInstance(CreateUserDto, {
          username: opts.username,
          displayName: opts.displayName,
          password,
          orgUnit: opts.orgUnit ?? root.code,
          grants: [{ role: 'admin', orgUnit: root.code }],
        });
        const errors = await validate(dto);
        if (errors.length > 0)
          throw new Error(errors.map((e) => Object.values(e.constraints ?? {}).join('; ')).join('\n'));
        const user = await app.get(UsersService).create(dto, null, { address: 'cli', userAgent: 'kaikaku-cli' });
        process.stdout.write(`created admin ${user.username} (${user.id})\n`);
      }),
  );

program
  .command('import')
  .description(
    'import initiatives, progress-reports or measurements from a CSV (UTF-8 or Shift_JIS) or xlsx file; all rows or none',
  )
  .argument('<kind>', IMPORT_KINDS.join(' | '))
  .argument('<file>', '.csv or .xlsx')
  .requiredOption('--plan <code>', 'the plan, by code (e.g. kaikaku-2027)')
  .option('--dry-run', 'check every row and report, write nothing', false)
  .option('--progress', 'draw the progress bar even when stderr is not a terminal', false)
  .action((kind: string, file: string, opts: { plan: string; dryRun: boolean; progress: boolean }) =>
    withContext(async (app) => {
      if (!(IMPORT_KINDS as readonly string[]).includes(kind))
        throw new InvalidArgumentError(`kind must be one of ${IMPORT_KINDS.join(', ')}`);
      const format = /\.xlsx$/i.test(file) ? 'xlsx' : /\.csv$/i.test(file) ? 'csv' : null;
      if (!format) throw new Error(`${file}: name a .csv or .xlsx file`);
      const [plan] = await app
        .get(DataSource)
        .query<Array<{ id: string }>>(`SELECT id FROM plan WHERE code = $1`, [opts.plan]);
      if (!plan) throw new Error(`no plan with code ${opts.plan}`);
      const table = await readTable(await readFile(file), format);
      const bar = progressBar(process.stderr, opts.progress || process.stderr.isTTY);
      try {
        const result = await app.get(ImportsService).run(kind as ImportKind, plan.id, table, {
          dryRun: opts.dryRun,
          actor: { id: null, username: `cli:${userInfo().username}` },
          onProgress: bar.update,
        });
        bar.done();
        const verb = result.dryRun ? 'would be' : 'were';
        process.stdout.write(
          `${result.rows} rows checked: ${result.created} ${verb} created, ${result.updated} ${verb} updated${result.dryRun ? ' (dry run: nothing written)' : ''}\n`,
        );
      } catch (error) {
        bar.done();
        if (!(error instanceof ImportRejectedError)) throw error;
        process.stdout.write(`nothing imported: ${error.rowErrors.length} problem(s)\nrow\tcolumn\tproblem\n`);
        for (const e of error.rowErrors) process.stdout.write(`${e.row}\t${e.column}\t${e.problem}\n`);
        process.exitCode = 4;
      }
    }),
  );

/**
 * The import's progress on stderr (cli-progress), so that stdout keeps only the result.
 * Off when stderr is not a terminal, unless asked for (`--progress`): logs stay clean.
 */
function progressBar(out: NodeJS.WriteStream, on: boolean) {
  const bar = new cliProgress.SingleBar({
    stream: out,
    format: '[{bar}] {percentage}%  {value}/{total} rows',
    barCompleteChar: '#',
    barIncompleteChar: '.',
    barsize: 30,
    hideCursor: false,
    noTTYOutput: !out.isTTY,
    notTTYSchedule: 1000,
  });
  let started = false;
  return {
    update: (done: number, total: number) => {
      if (!on) return;
      if (!started) {
        bar.start(total, done);
        started = true;
      } else {
        bar.update(done);
      }
    },
    done: () => {
      if (started) bar.stop();
    },
  };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

program
  .command('audit:verify')
  .description(
    'walk the audit log’s hash chain and name the first broken entry; with --checkpoint, prove entries 1…N unchanged against a signed checkpoint file (exit 3 when broken)',
  )
  .option('--checkpoint <file>', 'a checkpoint file from GET /api/v1/audit/checkpoints/{id}')
  .option('--public-key <file>', 'the SPKI PEM to trust (default: the public half of the configured AUDIT_SIGNING_KEY)')
  .action((options: { checkpoint?: string; publicKey?: string }) =>
    withContext(async (app) => {
      if (options.checkpoint) {
        const file = JSON.parse(await readFile(options.checkpoint, 'utf8')) as CheckpointFile;
        const trusted = options.publicKey
          ? createPublicKey(await readFile(options.publicKey, 'utf8'))
          : app.get(AuditCheckpoints).signingKey().publicKey;
        const result = await verifyAgainstCheckpoint(app.get(DataSource), file, trusted);
        if (result.ok) {
          process.stdout.write(
            `audit log intact up to the checkpoint: entries 1…#${result.seq} lead to the head signed at ${result.signedAt}\n`,
          );
        } else {
          const where = result.brokenAt
            ? ` at entry #${result.brokenAt.seq}${result.brokenAt.id ? ` (${result.brokenAt.id})` : ''}`
            : '';
          process.stdout.write(
            `audit log BROKEN against the checkpoint of #${result.seq}${where}: ${result.problem}\n`,
          );
          process.exitCode = 3;
        }
        return;
      }
      const result = await app.get(AuditLog).verify();
      if (result.ok) {
        process.stdout.write(`audit log intact: ${result.entries} entries, last #${result.lastSeq}\n`);
      } else {
        process.stdout.write(
          `audit log BROKEN at entry #${result.brokenAt.seq} (${result.brokenAt.id}): ${result.brokenAt.problem}\n`,
        );
        process.exitCode = 3;
      }
    }),
  );

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError ? `${error.message}\n` : `${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
