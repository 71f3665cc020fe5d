import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../clock/clock.js';
import { AppConfig } from './app-config.js';

/** Makes the validated AppConfig, and the clock it sets, injectable everywhere, by their classes. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, Clock],
      exports: [AppConfig, Clock],
    };
  }
}
