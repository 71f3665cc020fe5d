import 'reflect-metadata';
import { createDataSource, loadConfig, loadDotEnv } from '#libs/platform';
import { SCHEMA } from '#libs/schema';

/**
 * The DataSource for TypeORM's own CLI (`npm run migration:generate`), built from the
 * same options as the apps'.
 */
loadDotEnv();
export default createDataSource(loadConfig(), SCHEMA, 'kaikaku-migrations');
