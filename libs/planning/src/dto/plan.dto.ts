import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { trimmed } from '#libs/platform';

export class ThemeInput {
  @ApiProperty({ example: '窓口DX推進による窓口のあり方見直し' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;
}

export class CreatePolicyDto {
  @ApiProperty({ example: 2, description: '方針の番号' })
  @IsInt()
  @Min(1)
  @Max(99)
  number!: number;

  @ApiProperty({ example: '行政サービスの最適化' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  description?: string;

  @ApiPropertyOptional({ type: [ThemeInput], description: '想定される取組テーマ' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ThemeInput)
  themes?: ThemeInput[];
}

export class CreatePlanDto {
  @ApiProperty({ example: 'kaikaku-2027' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/)
  code!: string;

  @ApiProperty({ example: '市役所改革プラン2027' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 2024, description: 'first fiscal year (2024 = 令和6年度)' })
  @IsInt()
  @Min(1989)
  @Max(2200)
  firstFiscalYear!: number;

  @ApiProperty({ example: 2027 })
  @IsInt()
  @Min(1989)
  @Max(2200)
  lastFiscalYear!: number;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) mission?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) vision?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) values?: string;

  @ApiPropertyOptional({ description: 'the workflow proposals of this plan follow', default: 'reform-proposal' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9-]{0,63}$/)
  proposalWorkflow?: string;

  @ApiPropertyOptional({ type: [CreatePolicyDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => CreatePolicyDto)
  policies?: CreatePolicyDto[];
}

export class UpdatePlanDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) mission?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) vision?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) values?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1989) @Max(2200) firstFiscalYear?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1989) @Max(2200) lastFiscalYear?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9-]{0,63}$/) proposalWorkflow?: string;
}
