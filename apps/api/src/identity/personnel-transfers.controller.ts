import { Body, Controller, Get, HttpCode, Post, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import {
  CreateTransferDto,
  PersonnelTransfersService,
  TransferImportResponse,
  TransferQuery,
  TransferResponse,
  type Principal,
  type RequestOrigin,
} from '#libs/identity';
import { booleanFromQuery, DomainError, ValidationFailedError } from '#libs/platform';
import { readTable } from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal, Origin } from '../access/current-principal.decorator.js';
import { ApiPage } from '../openapi/api-docs.js';
import { CSV_TYPE, XLSX_TYPE } from '../tracking/tracking-http.js';

class TransferImportQuery {
  @ApiPropertyOptional({
    default: false,
    description: 'check every row and answer what would be entered, entering nothing',
  })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  dryRun?: boolean;
}

/** 人事異動: transfers entered ahead of their 発令日, applied at 00:00 JST on it. Administrators only. */
@ApiTags('personnel-transfers')
@Controller('personnel-transfers')
export class PersonnelTransfersController {
  constructor(private readonly transfers: PersonnelTransfersService) {}

  @Get()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Transfers, by status and 発令日' })
  @ApiPage(TransferResponse)
  list(@Query() query: TransferQuery) {
    return this.transfers.list(query);
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({
    summary:
      'Enter one transfer: the person’s grants on the old unit end and the new role begins at 00:00 JST of the 発令日',
  })
  @ApiCreatedResponse({ type: TransferResponse })
  create(@Body() dto: CreateTransferDto, @CurrentPrincipal() me: Principal, @Origin() origin: RequestOrigin) {
    return this.transfers.schedule(dto, me, origin);
  }

  @Post('import')
  @HttpCode(200)
  @Access.roles(['admin'])
  @ApiConsumes(CSV_TYPE, XLSX_TYPE)
  @ApiBody({
    description:
      'the personnel system’s file: 職員番号, 氏名, 旧所属, 新所属, 役割, 発令日 (CSV in UTF-8 or Shift_JIS, or xlsx)',
  })
  @ApiOperation({
    summary: 'Enter the transfers of a file; ?dryRun=true checks only; all rows or none (problems: 400 with rowErrors)',
  })
  @ApiOkResponse({ type: TransferImportResponse })
  async import(
    @Query() q: TransferImportQuery,
    @Req() req: FastifyRequest,
    @CurrentPrincipal() me: Principal,
    @Origin() origin: RequestOrigin,
  ) {
    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (type !== CSV_TYPE && type !== XLSX_TYPE)
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${CSV_TYPE} or ${XLSX_TYPE}`);
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0)
      throw new ValidationFailedError([{ field: 'body', message: 'is empty' }]);
    let table;
    try {
      table = await readTable(body, type === CSV_TYPE ? 'csv' : 'xlsx');
    } catch (error) {
      throw new ValidationFailedError([{ field: 'body', message: `cannot be read: ${(error as Error).message}` }]);
    }
    return this.transfers.importTable(table, { dryRun: q.dryRun ?? false, actor: me }, origin);
  }
}
