import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';

export class LivenessResponse {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty() uptimeSeconds!: number;
}

const SERVICES: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] } },
    required: ['status'],
    additionalProperties: true,
  },
  description: 'by backing service (database, queue)',
};

/** Readiness, as @nestjs/terminus reports it (200 and 503 alike; 503 is not a problem document). */
export class ReadinessResponse {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: 'ok' | 'error' | 'shutting_down';
  @ApiPropertyOptional(SERVICES) info?: Record<string, { status: string }>;
  @ApiPropertyOptional(SERVICES) error?: Record<string, { status: string }>;
  @ApiProperty(SERVICES) details!: Record<string, { status: string }>;
}

/** GET /system/ping: credentials and database answered. */
export class PingResponse {
  @ApiProperty({ enum: [true] }) ok!: true;
}
