import { DataSource, type DataSourceOptions, type EntitySchema, type MixedList } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';

export interface SchemaParts {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function>;
}

/**
 * The one description of our PostgreSQL connection, used by the API, the worker, the CLI
 * and the TypeORM migration CLI alike. Entities and migrations are listed explicitly
 * (libs/schema) rather than globbed, so the same list works from sources under jest and
 * from the compiled build.
 */
export function dataSourceOptions(
  config: AppConfig,
  schema: SchemaParts,
  applicationName = 'kaikaku',
): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'schema_migrations',
    // Each migration in its own transaction: a failing one leaves the earlier ones applied.
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    useUTC: true,
    poolSize: config.DATABASE_POOL_SIZE,
    // node-postgres uses this both to open a connection and to wait for a pooled one.
    connectTimeoutMS: config.DATABASE_ACQUIRE_TIMEOUT_MS,
    extra: {
      application_name: applicationName,
      statement_timeout: config.DATABASE_STATEMENT_TIMEOUT_MS,
      // Without a handler an idle client's error (the server restarting) would crash the process.
      idleTimeoutMillis: 30_000,
    },
    poolErrorHandler: () => undefined,
    logging: false,
  };
}

export function createDataSource(config: AppConfig, schema: SchemaParts, applicationName?: string): DataSource {
  return new DataSource(dataSourceOptions(config, schema, applicationName));
}
