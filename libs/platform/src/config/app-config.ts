import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/**
 * Every setting the apps read from the environment, validated once at boot.
 *
 * Defaults are what `npm start` uses on a developer machine (the local services of
 * scripts/services.mjs); production sets the variables explicitly. `.env.example`
 * documents each one, and a unit test keeps it in step with this class.
 */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number.parseInt(value, 10) : value;

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const QUEUE_BACKENDS = ['redis', 'postgres'] as const;

/** Known to everyone who reads this file: fine on a laptop, refused in production. */
export const DEV_JWT_SECRET = 'kaikaku-development-secret-do-not-use-in-production';

export class AppConfig {
  /** development | test | production */
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  /** Address the API listens on. 0.0.0.0 in containers. */
  @IsString()
  @IsNotEmpty()
  HOST = '127.0.0.1';

  /** API HTTP port. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  /** The worker's own HTTP port, for /health and /health/ready only. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  WORKER_HEALTH_PORT = 3001;

  /**
   * PostgreSQL connection used by the apps. Its role should not own the schema: `migrate`
   * grants it what it needs and withholds UPDATE and DELETE on the audit log.
   */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://kaikaku_app:kaikaku_app@127.0.0.1:55432/kaikaku';

  /** The schema owner's connection, used only to run migrations. Defaults to DATABASE_URL when that is set alone. */
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// URL' })
  MIGRATION_DATABASE_URL = 'postgres://kaikaku:kaikaku@127.0.0.1:55432/kaikaku';

  /** Connections per process in the PostgreSQL pool. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Milliseconds a statement may run before PostgreSQL cancels it. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DATABASE_STATEMENT_TIMEOUT_MS = 30_000;

  /**
   * Where BullMQ keeps its queues: `redis` (default), or `postgres` (BullMQ's PostgreSQL
   * backend, in the schema `bullmq` of DATABASE_URL's database) so that a small city can
   * run with PostgreSQL alone. The sign-in limits follow the same choice.
   */
  @IsIn(QUEUE_BACKENDS)
  QUEUE_BACKEND: (typeof QUEUE_BACKENDS)[number] = 'redis';

  /** Redis for the queues (must run with maxmemory-policy noeviction and AOF on). */
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:56379';

  /**
   * Prefix of every BullMQ key. The braces make it a Redis Cluster hash tag, so all of
   * a queue's keys land in one slot, as BullMQ requires on a cluster.
   */
  @Matches(/^\{[A-Za-z0-9_.:-]{1,64}\}$/, { message: 'must be a hash tag such as {kaikaku}' })
  QUEUE_PREFIX = '{kaikaku}';

  /** Jobs each worker process runs at once, per queue. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(500)
  WORKER_CONCURRENCY = 8;

  /**
   * How long a running job holds its lock. A worker killed mid-job leaves the job to be
   * picked up again by another worker once the lock expires.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  WORKER_LOCK_DURATION_MS = 30_000;

  /**
   * While commits keep coming, how long the outbox relay waits after one woke it, in
   * milliseconds, so that one pass carries the rows of several commits (0: at once).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  OUTBOX_GATHER_MS = 20;

  /** How often the outbox relay looks for rows when no notification woke it. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_INTERVAL_MS = 1000;

  /** Rows the relay claims per transaction. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  OUTBOX_BATCH_SIZE = 100;

  /** Days a relayed outbox row is kept before the cleanup job deletes it. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  OUTBOX_RETENTION_DAYS = 14;

  /** Largest request body the API accepts, in bytes; larger ones get 413. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  /**
   * Deepest nesting of objects and arrays a JSON body may have; deeper is a 400
   * BODY_TOO_DEEP before parsing (recursive steps would otherwise overflow their stack).
   */
  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(256)
  JSON_MAX_DEPTH = 32;

  /**
   * On SIGTERM, how long the API keeps serving (readiness already 503, every answer with
   * `Connection: close`) before it stops accepting connections, so that a load balancer
   * has seen it leave. 0 in tests; a few seconds behind a balancer that probes often.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SHUTDOWN_DRAIN_DELAY_MS = 0;

  /**
   * Requests one API instance works on at once; past it a request is refused at once with
   * 503 OVERLOADED and Retry-After instead of queueing for the pool. 0: no limit.
   * Probes (/health) and /metrics are never counted.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100_000)
  HTTP_MAX_CONCURRENCY = 200;

  /**
   * Milliseconds a request waits for a pooled PostgreSQL connection (and to open one)
   * before it is a 503: an overloaded pool answers quickly instead of piling up waiters.
   */
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60_000)
  DATABASE_ACQUIRE_TIMEOUT_MS = 800;

  /**
   * Bearer token Prometheus presents to read /metrics (API and worker); when set, every
   * caller needs it. Empty: loopback callers only.
   */
  @IsString()
  METRICS_TOKEN = '';

  /** Upper bound for a graceful shutdown; after it the process exits anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS = 20_000;

  /** pino level. */
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Human-readable logs for a terminal (development only). */
  @IsIn(['true', 'false'])
  LOG_PRETTY: 'true' | 'false' = 'false';

  /**
   * Serve Swagger UI at /docs (the OpenAPI document at /docs-json is always served). A city
   * may turn the UI off in production.
   */
  @IsIn(['true', 'false'])
  OPENAPI_UI: 'true' | 'false' = 'true';

  /** Secret that signs access tokens (HS256). Production refuses the development default. */
  @IsString()
  @MinLength(16)
  JWT_SECRET = DEV_JWT_SECRET;

  /**
   * The Ed25519 private key (PKCS#8 PEM) that signs the audit log's checkpoints, or
   * AUDIT_SIGNING_KEY_FILE naming a file holding it. Outside production a key is generated on
   * first use into .local/audit-signing-key.pem; production refuses to start without one.
   * Keep it away from the database's owner: a checkpoint proves something only to those who
   * trust its key and not the database.
   */
  @IsString()
  AUDIT_SIGNING_KEY = '';

  @IsString()
  AUDIT_SIGNING_KEY_FILE = '';

  /** Lifetime of an access token from POST /auth/token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(24 * 3600)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /**
   * How long a browser session (POST /auth/session) lasts, in seconds: its refresh token
   * rotates on every use but the family keeps the expiry of its sign-in, so a person signs
   * in again after this (default 12 h: a working day).
   */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(30 * 86_400)
  REFRESH_TOKEN_TTL_SECONDS = 12 * 3600;

  /** Sign-in attempts per username within the window; then 429 until the window ends. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_ATTEMPTS_PER_USERNAME = 10;

  /** Sign-in attempts per source address within the window (successful ones are given back). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS = 50;

  /** The sign-in limiting window, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LOGIN_WINDOW_SECONDS = 900;

  /** true when the API sits behind a reverse proxy that sets X-Forwarded-For (the source address comes from it). */
  @IsIn(['true', 'false'])
  TRUST_PROXY: 'true' | 'false' = 'false';

  /** Where people reach the system: links in e-mails, webhooks and calendar feeds. */
  @Matches(/^https?:\/\/[^\s]+[^/]$/, { message: 'must be an http(s) URL without a trailing slash' })
  PUBLIC_BASE_URL = 'http://localhost:3000';

  /** SMTP server for e-mail, e.g. smtp://user:pass@mail.city.example:587; empty turns e-mail off. */
  @Matches(/^(smtps?:\/\/.+)?$/, { message: 'must be an smtp:// or smtps:// URL, or empty' })
  SMTP_URL = '';

  /** Sender of e-mails. */
  @IsString()
  @MinLength(3)
  MAIL_FROM = '改革プロジェクト推進課 <kaikaku@localhost>';

  /** Milliseconds a webhook receiver has to answer before the delivery is retried. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** Extra days off of the city (YYYY-MM-DD, comma separated), beyond weekends, national holidays and 12/29–1/3. */
  @Matches(/^(\d{4}-\d{2}-\d{2})?(,\d{4}-\d{2}-\d{2})*$/, { message: 'must be YYYY-MM-DD days separated by commas' })
  CITY_HOLIDAYS = '';

  /** A due date on a holiday moves to the next working day (地方自治法 4条の2) or, if set so, the previous one. */
  @IsIn(['next', 'previous'])
  DEADLINE_RULE: 'next' | 'previous' = 'next';

  /** How often the reconciliation rebuilds missing reminder and delivery jobs from PostgreSQL, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  REMINDER_RECONCILE_SECONDS = 300;

  /**
   * For demonstrations and tests only: a working day lasts this many seconds when reminders
   * are planned (0, the default, uses the real calendar and send time).
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  REMINDER_DAY_SECONDS = 0;

  /**
   * Reminders are fired per slot of this many milliseconds: one job at the slot's end fires
   * every reminder due in it (see reminderSlotEnd), so reminders spread over time cost one job
   * per slot instead of one per instant. A reminder is late by at most this much; 1 fires each
   * instant on its own.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60_000)
  REMINDER_SLOT_MS = 250;

  /**
   * How long after a confirmation its roll-up recount runs, in milliseconds. Confirmations
   * within this window share one recount (the others see it already counted them and end),
   * so upkeep costs at most one recount per plan-year per window; 0 recounts at once.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  ROLLUP_REFRESH_DELAY_MS = 2000;

  /**
   * Folder of the built web application (index.html and assets/), served at `/`. A relative
   * path is taken from the repository root, so it is the same from src/ and from dist/.
   */
  @IsString()
  @IsNotEmpty()
  WEB_ROOT = 'dist/web';

  /** true: the queue dashboard (Bull Board) at /admin/queues, for admins (HTTP Basic or Bearer). */
  @IsIn(['true', 'false'])
  QUEUE_DASHBOARD: 'true' | 'false' = 'true';

  /** Largest attachment (添付ファイル) one upload may carry, in bytes; larger ones get 413 PAYLOAD_TOO_LARGE. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(1024 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024;

  /**
   * Where attachments' bytes live: `postgres` (chunked rows in the same database, so a
   * backup of PostgreSQL holds everything) or `disk` (files in ATTACHMENT_DIR).
   */
  @IsIn(['postgres', 'disk'])
  ATTACHMENT_STORAGE: 'postgres' | 'disk' = 'postgres';

  /** The folder of ATTACHMENT_STORAGE=disk (relative paths start at the working directory). */
  @IsString()
  @IsNotEmpty()
  ATTACHMENT_DIR = '.local/attachments';

  /** The licence of the open data (public site and /api/v1/public), by name … */
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  OPEN_DATA_LICENCE_NAME = 'クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)';

  /** … and by the address of its text (a link only: the public pages fetch nothing from it). */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'must be an http(s) URL' })
  OPEN_DATA_LICENCE_URL = 'https://creativecommons.org/licenses/by/4.0/deed.ja';

  /** Requests per minute one address may make to the public site and /api/v1/public (counted in Redis, across instances). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  PUBLIC_RATE_LIMIT_PER_MINUTE = 600;

  /** Seconds an API instance keeps a rendered public answer (Cache-Control lets caches keep it for PUBLIC_MAX_AGE_SECONDS). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600)
  PUBLIC_CACHE_SECONDS = 10;

  /** max-age of the public answers' Cache-Control, for browsers, proxies and CDNs. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(86_400)
  PUBLIC_MAX_AGE_SECONDS = 60;

  /** Chromium that prints the council report as PDF (empty: `chromium` on PATH, else /usr/bin/chromium). */
  @IsString()
  CHROMIUM_PATH = '';
  /**
   * Tests and rehearsals only: the instant (ISO 8601 with offset) the organisation's clock
   * stands at, for effective dates (人事異動, 機構改革). Empty: the real time. Refused in production.
   */
  @Matches(/^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/, {
    message: 'must be an ISO 8601 instant with offset, or empty',
  })
  CLOCK_NOW = '';

  // ── Directory sign-in (off unless set; local passwords keep working for local accounts) ──

  /** LDAP / Active Directory: ldap://host:389 or ldaps://host:636. Empty: no LDAP sign-in. */
  @Matches(/^(ldaps?:\/\/[^\s]+)?$/, { message: 'must be an ldap:// or ldaps:// URL, or empty' })
  LDAP_URL = '';

  /** true: upgrade an ldap:// connection with StartTLS before anything is sent. */
  @IsIn(['true', 'false'])
  LDAP_STARTTLS: 'true' | 'false' = 'false';

  /** PEM file of the CA that signed the directory's certificate (empty: the system's CAs). */
  @IsString()
  LDAP_TLS_CA_FILE = '';

  /** The service account that looks people up (a DN, or user@domain for AD), and its password. */
  @IsString()
  LDAP_BIND_DN = '';

  @IsString()
  LDAP_BIND_PASSWORD = '';

  /** Where people are searched, e.g. ou=people,dc=city,dc=example. */
  @IsString()
  LDAP_USER_BASE = '';

  /** The search for one person; {username} is replaced, escaped. AD: (&(objectClass=user)(sAMAccountName={username})). */
  @IsString()
  LDAP_USER_FILTER = '(&(objectClass=inetOrgPerson)(uid={username}))';

  /** A filter matching a disabled person. AD: (userAccountControl:1.2.840.113556.1.4.803:=2). Empty: none are. */
  @IsString()
  LDAP_DISABLED_FILTER = '';

  /** Where groups are searched for the person's DN (empty: read the person's memberOf, as AD has it). */
  @IsString()
  LDAP_GROUP_BASE = '';

  /** The group search; {dn} is replaced, escaped. */
  @IsString()
  LDAP_GROUP_FILTER = '(|(member={dn})(uniqueMember={dn}))';

  /** Attributes read from the person: display name, e-mail, employee number (職員番号), unit (a unit code or name). */
  @IsString()
  LDAP_DISPLAY_NAME_ATTRIBUTE = 'displayName';

  @IsString()
  LDAP_EMAIL_ATTRIBUTE = 'mail';

  @IsString()
  LDAP_EMPLOYEE_NUMBER_ATTRIBUTE = 'employeeNumber';

  @IsString()
  LDAP_UNIT_ATTRIBUTE = 'departmentNumber';

  /** OpenID Connect: the provider's issuer URL (discovery at /.well-known/openid-configuration). Empty: no OIDC sign-in. */
  @Matches(/^(https?:\/\/[^\s]+)?$/, { message: 'must be an http(s) URL, or empty' })
  OIDC_ISSUER = '';

  @IsString()
  OIDC_CLIENT_ID = '';

  @IsString()
  OIDC_CLIENT_SECRET = '';

  /** Claims read from the ID token / userinfo: username, display name, e-mail, employee number, unit, groups. */
  @IsString()
  OIDC_USERNAME_CLAIM = 'preferred_username';

  @IsString()
  OIDC_DISPLAY_NAME_CLAIM = 'name';

  @IsString()
  OIDC_EMAIL_CLAIM = 'email';

  @IsString()
  OIDC_EMPLOYEE_NUMBER_CLAIM = 'employee_number';

  @IsString()
  OIDC_UNIT_CLAIM = 'department';

  @IsString()
  OIDC_GROUPS_CLAIM = 'groups';

  /** A claim that is true when the account is disabled in the directory (the person is refused and their sessions end). Empty: none. */
  @IsString()
  OIDC_DISABLED_CLAIM = '';

  /** The scopes asked for; a provider may give the unit and groups only under a scope of its own. */
  @Matches(/^openid( [\x21\x23-\x5b\x5d-\x7e]+)*$/, {
    message: 'must start with openid, scopes separated by single spaces',
  })
  OIDC_SCOPES = 'openid profile email';

  /**
   * Directory groups → grants, JSON: {"cn=kaikaku-editors,ou=groups,dc=city,dc=example": "bureau_editor@{unit}", …};
   * {unit} is the person's own unit. The directory decides a directory user's roles at each sign-in.
   */
  @IsString()
  DIRECTORY_ROLE_MAP = '';

  /** The unit of a directory user whose entry names none we know (a code). */
  @IsString()
  DIRECTORY_DEFAULT_UNIT = 'kumamoto';

  /** Password of every demo user created by the demo data. */
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  DEMO_PASSWORD = 'kaikaku-demo';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Builds the configuration from an environment, or throws a ConfigError that names every
 * wrong variable. Unknown variables are ignored: the environment holds far more than ours.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const defaults = new AppConfig();
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? (defaults as unknown as Record<string, unknown>)[key] : value;
  }
  // A single-role installation sets DATABASE_URL only; migrations then run as that role too.
  if (!env.MIGRATION_DATABASE_URL && env.DATABASE_URL) raw.MIGRATION_DATABASE_URL = env.DATABASE_URL;
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  const problems = errors.map((e) => {
    const shown = JSON.stringify(env[e.property] ?? null);
    return `${e.property}=${shown}: ${Object.values(e.constraints ?? {}).join('; ')}`;
  });
  if (config.NODE_ENV === 'production' && (config.JWT_SECRET === DEV_JWT_SECRET || config.JWT_SECRET.length < 32)) {
    problems.push('JWT_SECRET: production needs a secret of its own, at least 32 characters');
  }
  if (config.NODE_ENV === 'production' && !config.AUDIT_SIGNING_KEY && !config.AUDIT_SIGNING_KEY_FILE) {
    problems.push(
      'AUDIT_SIGNING_KEY: production needs an Ed25519 private key of its own (PKCS#8 PEM), or AUDIT_SIGNING_KEY_FILE naming one',
    );
  }
  if (config.DIRECTORY_ROLE_MAP) {
    try {
      JSON.parse(config.DIRECTORY_ROLE_MAP);
    } catch {
      problems.push(
        'DIRECTORY_ROLE_MAP: must be JSON from group to grants, e.g. {"cn=editors,ou=groups,dc=city": "bureau_editor@{unit}"}',
      );
    }
  }
  if (config.NODE_ENV === 'production' && config.OIDC_ISSUER.startsWith('http:')) {
    problems.push('OIDC_ISSUER: production talks to its sign-in provider over https only');
  }
  if (config.NODE_ENV === 'production' && config.CLOCK_NOW) {
    problems.push('CLOCK_NOW: a standing clock is for tests and rehearsals; production reads the real time');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** Names of every variable, in declaration order (used to keep .env.example complete). */
export function configVariableNames(): string[] {
  return Object.keys(new AppConfig());
}

/** Reads `.env` from the working directory when there is one; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
