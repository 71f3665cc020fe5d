import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { CouncilReportResponse, CouncilReportService, councilReportCsv, councilReportXlsx } from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { ApiFile } from '../openapi/api-docs.js';
import { CSV_TYPE, XLSX_TYPE } from './tracking-http.js';

class CouncilReportQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiProperty({ example: 2022 }) @Type(() => Number) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: 'json' | 'csv' | 'xlsx';
  @ApiPropertyOptional({ description: 'make it from a frozen snapshot' }) @IsOptional() @IsUUID() snapshotId?: string;
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: CouncilReportService) {}

  @Get('council')
  @Access.signedIn()
  @ApiOperation({
    summary:
      'The council report (市議会報告): JSON, CSV (UTF-8 with BOM) or xlsx (summary, one sheet per policy, KPIs)',
  })
  @ApiFile(
    [CSV_TYPE, XLSX_TYPE],
    'the report: JSON (default), or with ?format= CSV (UTF-8 with BOM) or xlsx (summary, one sheet per policy, KPIs)',
    CouncilReportResponse,
  )
  async council(@Query() q: CouncilReportQuery, @Res() reply: FastifyReply) {
    const report = await this.reports.build(
      await this.reports.planFor(q.fiscalYear, q.planId),
      q.fiscalYear,
      q.snapshotId,
    );
    const name = `council-report-${report.plan.code}-${q.fiscalYear}`;
    if (q.format === 'csv') {
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(councilReportCsv(report));
      return;
    }
    if (q.format === 'xlsx') {
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await councilReportXlsx(report));
      return;
    }
    reply.header('content-type', 'application/json; charset=utf-8').send(report);
  }
}
