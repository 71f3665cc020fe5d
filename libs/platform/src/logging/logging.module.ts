import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../config/app-config.js';
import { REQUEST_ID_HEADER, requestIdFor } from './request-id.js';

/** Secrets never reach the logs. */
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.access_token',
  '*.token',
];

/**
 * Structured JSON logs through pino for the whole app, with the request id of
 * `x-request-id` on every line logged while serving a request.
 */
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              redact: { paths: REDACT, censor: '[redacted]' },
              genReqId: (req: IncomingMessage) => requestIdFor(req),
              customAttributeKeys: { reqId: 'requestId' },
              // Lines logged while serving a request carry just the id, not the whole request.
              quietReqLogger: true,
              customLogLevel: (req, res, err) => {
                if (err || res.statusCode >= 500) return 'error';
                if (res.statusCode >= 400) return 'warn';
                // Successful health probes every few seconds would drown the useful lines.
                return (req.url ?? '').startsWith('/health') ? 'silent' : 'info';
              },
              serializers: {
                req: (req: { id: unknown; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: req.url,
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
              transport:
                config.LOG_PRETTY === 'true'
                  ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
                  : undefined,
            },
          }),
        }),
      ],
      exports: [LoggerModule],
    };
  }
}

export { REQUEST_ID_HEADER };
