import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '#libs/platform';
import type { TransferInput } from '../transfers/personnel-transfers.service.js';

export const TRANSFER_STATUSES = ['scheduled', 'applied', 'cancelled'] as const;

/** One 人事異動, entered ahead of its 発令日. */
export class CreateTransferDto implements TransferInput {
  @ApiProperty({ description: '職員番号', example: 'K000123' })
  @IsString()
  @MinLength(1)
  @MaxLength(32)
  employeeNumber!: string;
  @ApiPropertyOptional({ description: '氏名, checked against the person found by the number' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  displayName?: string;
  @ApiProperty({ description: '旧所属: unit code or name', example: 'kenko' })
  @IsString()
  @MaxLength(100)
  fromUnit!: string;
  @ApiProperty({ description: '新所属: unit code or name', example: 'kankyo' })
  @IsString()
  @MaxLength(100)
  toUnit!: string;
  @ApiProperty({ description: '役割 on the new unit: 担当者, 承認者, or a role code', example: 'bureau_editor' })
  @IsString()
  @MaxLength(40)
  role!: string;
  @ApiProperty({
    description: '発令日: 2027-04-01 or 令和9年4月1日; it takes effect at 00:00 JST',
    example: '2027-04-01',
  })
  @IsString()
  @MaxLength(20)
  effectiveOn!: string;
}

export class TransferQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES })
  @IsOptional()
  @IsIn(TRANSFER_STATUSES)
  status?: (typeof TRANSFER_STATUSES)[number];
  @ApiPropertyOptional({ example: '2027-04-01' }) @IsOptional() @Matches(/^\d{4}-\d{2}-\d{2}$/) effectiveOn?: string;
}
