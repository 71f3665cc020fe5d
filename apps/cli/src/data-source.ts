import 'reflect-metadata';
import { createDataSource, loadConfig, loadDotEnv } from '#libs/platform';
import { SCHEMA } from '#libs/schema';

/**
 * The DataSource for TypeORM's own CLI (`npm run migration:generate`), built from the
 * same options as the apps'.
 */
loadDotEnv();
const config = loadConfig();
export default createDataSource(
  { ...config, DATABASE_URL: config.MIGRATION_DATABASE_URL },
  SCHEMA,
  'kaikaku-migrations',
);
