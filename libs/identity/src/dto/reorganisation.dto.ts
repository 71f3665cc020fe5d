import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  REORGANISATION_KINDS,
  type NewUnitInput,
  type ReorganisationInput,
  type ReorganisationKind,
  type ReorganisationView,
} from '../reorganisation/reorganisations.service.js';
import { ORG_UNIT_CODE_PATTERN } from './identity.dto.js';

export class NewUnitDto implements NewUnitInput {
  @ApiProperty({ example: 'kenko-byoin' }) @Matches(ORG_UNIT_CODE_PATTERN) code!: string;
  @ApiProperty({ example: '健康福祉病院局' }) @IsString() @MinLength(1) @MaxLength(100) nameJa!: string;
  @ApiProperty({ example: 'Health, Welfare & Hospital Bureau' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn!: string;
}

/** 機構改革: a rename, a merge (units → into) or a split (unit → successors), from 00:00 JST of effectiveOn. */
export class CreateReorganisationDto implements ReorganisationInput {
  @ApiProperty({ enum: REORGANISATION_KINDS }) @IsIn(REORGANISATION_KINDS) kind!: ReorganisationKind;
  @ApiProperty({ example: '2027-04-01' }) @Matches(/^\d{4}-\d{2}-\d{2}$/) effectiveOn!: string;
  @ApiPropertyOptional({ description: 'rename, split: the unit’s code' })
  @IsOptional()
  @Matches(ORG_UNIT_CODE_PATTERN)
  unit?: string;
  @ApiPropertyOptional({ description: 'rename: the new name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameJa?: string;
  @ApiPropertyOptional({ description: 'rename: the new English name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  nameEn?: string;
  @ApiPropertyOptional({ type: [String], description: 'merge: the units’ codes' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @Matches(ORG_UNIT_CODE_PATTERN, { each: true })
  units?: string[];
  @ApiPropertyOptional({ type: NewUnitDto, description: 'merge: the new unit' })
  @IsOptional()
  @ValidateNested()
  @Type(() => NewUnitDto)
  into?: NewUnitDto;
  @ApiPropertyOptional({ type: [NewUnitDto], description: 'split: the new units; the first carries the open work on' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => NewUnitDto)
  successors?: NewUnitDto[];
}

export class ReorganisationResponse implements ReorganisationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REORGANISATION_KINDS }) kind!: ReorganisationKind;
  @ApiProperty({ format: 'date' }) effectiveOn!: string;
  @ApiProperty({ format: 'date-time' }) effectiveAt!: string;
  @ApiProperty({ enum: ['scheduled', 'applied'] }) status!: ReorganisationView['status'];
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the units and names concerned' })
  details!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) appliedAt!: string | null;
}
