import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { booleanFromQuery } from '#libs/platform';
import type { DeputyPeriodInput } from '../deputies/deputies.service.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** 代決: the caller names a deputy for a period of days (Asia/Tokyo, both inclusive). */
export class NameDeputyDto implements DeputyPeriodInput {
  @ApiProperty({ description: 'the deputy (代決者), by username', example: 'kenko.editor' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  deputyUsername!: string;
  @ApiProperty({ format: 'date', description: 'first day (today or later, Asia/Tokyo)', example: '2027-04-01' })
  @IsString()
  @Matches(DAY, { message: 'must be YYYY-MM-DD' })
  from!: string;
  @ApiProperty({ format: 'date', description: 'last day, inclusive', example: '2027-04-03' })
  @IsString()
  @Matches(DAY, { message: 'must be YYYY-MM-DD' })
  to!: string;
  @ApiPropertyOptional({ description: 'why (出張, 休暇, …), shown to the deputy', example: '出張' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

/** An administrator names a deputy for someone. */
export class NameDeputyForDto extends NameDeputyDto {
  @ApiProperty({ description: 'the absent person, by username', example: 'kenko.approver' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  absentUsername!: string;
}

export class DeputyPeriodQuery {
  @ApiPropertyOptional({ description: 'only the periods of this person (absent or deputy)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  username?: string;
}

export class DeputyDecisionQuery {
  @ApiPropertyOptional({ default: false, description: 'only the decisions not marked as seen yet' })
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  unseen?: boolean;
}
