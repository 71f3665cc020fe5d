import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { Principal } from '#libs/identity';
import { NORMALIZED_STATUSES, replaceScale, scaleOf, type NormalizedStatus } from '#libs/planning';
import { AuditLog, ParseIdPipe, withTransaction } from '#libs/platform';
import { ScaleEntryResponse } from '#libs/tracking';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';

class ScaleEntryDto {
  @ApiProperty({ example: 'A' }) @Matches(/^[A-Za-z0-9_-]{1,32}$/) code!: string;
  @ApiProperty({ example: '計画どおり' }) @IsString() @MaxLength(50) labelJa!: string;
  @ApiProperty({ enum: NORMALIZED_STATUSES }) @IsIn(NORMALIZED_STATUSES) normalized!: NormalizedStatus;
  @ApiPropertyOptional({ example: '#2E7D32' }) @IsOptional() @Matches(/^#[0-9A-Fa-f]{6}$/) colour?: string;
}
class ScaleDto {
  @ApiProperty({ type: [ScaleEntryDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(12)
  @ValidateNested({ each: true })
  @Type(() => ScaleEntryDto)
  entries!: ScaleEntryDto[];
}

/** The status scale of a plan (計画通り進捗 / 一部変更・遅れ, or S/A/B/C …). */
@ApiTags('plans')
@Controller('plans')
export class StatusScaleController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  @Get(':id/status-scale')
  @Access.signedIn()
  @ApiOperation({ summary: 'The plan’s progress status scale, in order' })
  @ApiOkResponse({ type: [ScaleEntryResponse] })
  get(@Param('id', ParseIdPipe) id: string) {
    return scaleOf(this.dataSource.manager, id);
  }

  @Put(':id/status-scale')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Set the plan’s status scale: Japanese label, normalised code, order, colour' })
  @ApiOkResponse({ type: [ScaleEntryResponse], description: 'the scale as stored' })
  async put(@Param('id', ParseIdPipe) id: string, @Body() dto: ScaleDto, @CurrentPrincipal() me: Principal) {
    return withTransaction(this.dataSource, async (m) => {
      await replaceScale(
        m,
        id,
        dto.entries.map((e) => ({ ...e, colour: e.colour ?? '#999999' })),
      );
      const codes = dto.entries.map((e) => e.code);
      await this.audit.append(m, {
        actorUserId: me.id,
        actorUsername: me.user.username,
        entityType: 'plan',
        entityId: id,
        action: 'set_status_scale',
        details: { codes },
      });
      return scaleOf(m, id);
    });
  }
}
