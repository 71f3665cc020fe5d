import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions, type SchemaParts } from './data-source.js';
import { TransactionRunner } from './transaction-runner.js';

/** The DataSource (and TransactionRunner) for a Nest app; closed on shutdown by TypeOrmModule. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(schema: SchemaParts, applicationName: string): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config, schema, applicationName),
            // At boot, wait a while for PostgreSQL (containers start together); once running,
            // a lost connection only fails readiness and the pool reconnects by itself.
            retryAttempts: 10,
            retryDelay: 2000,
          }),
        }),
      ],
      providers: [TransactionRunner],
      exports: [TransactionRunner],
    };
  }
}
