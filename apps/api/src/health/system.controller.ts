import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PingResponse } from '#libs/platform';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator.js';

/**
 * A signed-in round trip to the database and nothing else. Clients use it to check that
 * their token works and the service is up; the benchmarks use it as the baseline of a
 * request through the same stack (HTTP, authentication, access guard, pool, PostgreSQL).
 */
@ApiTags('system')
@Controller('system')
export class SystemController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('ping')
  @Access.signedIn()
  @ApiOperation({ summary: 'Checks the caller’s credentials and the database in one round trip (SELECT 1)' })
  @ApiOkResponse({ type: PingResponse })
  async ping(): Promise<PingResponse> {
    await this.dataSource.query('SELECT 1');
    return { ok: true };
  }
}
