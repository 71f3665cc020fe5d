import { Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID, Matches } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { planIdByCode } from '#libs/planning';
import { booleanFromQuery, DomainError, ValidationFailedError } from '#libs/platform';
import { IMPORT_KINDS, ImportResultResponse, ImportsService, readTable, type ImportKind } from '#libs/tracking';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { CSV_TYPE, XLSX_TYPE, actorOf } from './tracking-http.js';

class ImportQuery {
  @ApiPropertyOptional({ description: 'default: the plan with this code' }) @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/) planCode?: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @Transform(booleanFromQuery) @IsBoolean() dryRun?: boolean;
}

@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly dataSource: DataSource,
  ) {}

  @Post(':kind')
  @HttpCode(200)
  @Access.roles(['secretariat'])
  @ApiConsumes(CSV_TYPE, XLSX_TYPE)
  @ApiBody({ description: 'the file itself: CSV (UTF-8) or xlsx' })
  @ApiOperation({
    summary:
      'Import initiatives (with a year’s status), progress reports or measurements; ?dryRun=true checks only; all rows or none',
  })
  @ApiOkResponse({
    type: ImportResultResponse,
    description: 'what was (or, with dryRun, would be) created and updated; row errors leave everything unchanged',
  })
  async import(
    @Param('kind') kind: string,
    @Query() q: ImportQuery,
    @Req() req: FastifyRequest,
    @CurrentPrincipal() me: Principal,
  ) {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind))
      throw new ValidationFailedError([{ field: 'kind', message: `must be one of ${IMPORT_KINDS.join(', ')}` }]);
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (type !== CSV_TYPE && type !== XLSX_TYPE)
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${CSV_TYPE} or ${XLSX_TYPE}`);
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new ValidationFailedError([{ field: 'body', message: 'is empty' }]);
    let planId = q.planId;
    if (!planId && q.planCode) planId = await planIdByCode(this.dataSource.manager, q.planCode);
    if (!planId) throw new ValidationFailedError([{ field: 'planId', message: 'name the plan (planId or planCode)' }]);
    let table;
    try {
      table = await readTable(body, type === CSV_TYPE ? 'csv' : 'xlsx');
    } catch (error) {
      throw new ValidationFailedError([{ field: 'body', message: `cannot be read: ${(error as Error).message}` }]);
    }
    return this.imports.run(kind as ImportKind, planId, table, { dryRun: q.dryRun ?? false, actor: actorOf(me) });
  }
}
