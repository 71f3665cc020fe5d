import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { booleanFromQuery, lowerCased, PageQuery, trimmed } from '#libs/platform';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../entities/security-event.entity.js';
import { ORG_UNIT_KINDS, ROLES, type OrgUnitKind, type Role } from '../roles.js';

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{1,63}$/;
export const ORG_UNIT_CODE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

export class SignInDto {
  @ApiProperty({ example: 'secretariat' })
  @Transform(lowerCased)
  @IsString()
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'kaikaku-demo' })
  @IsString()
  @MaxLength(256)
  password!: string;
}

export class AccessTokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: 'Bearer' }) token_type!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expires_in!: number;
}

export class PasswordField {
  @ApiProperty({ minLength: 10, maxLength: 256 })
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  password!: string;
}

export class GrantDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ description: 'code of the organisation unit the role is held on', example: 'kenko' })
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'kenko.sato' })
  @Transform(lowerCased)
  @Matches(USERNAME_PATTERN, { message: 'username: 2–64 lower-case letters, digits, . _ -' })
  username!: string;

  @ApiProperty({ example: '佐藤 花子' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ description: 'omit for an account that signs in only with API tokens' })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  password?: string;

  @ApiProperty({ description: 'code of the unit the person belongs to', example: 'kenko' })
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit!: string;

  @ApiProperty({ type: [GrantDto] })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GrantDto)
  grants!: GrantDto[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit?: string;

  @ApiPropertyOptional({
    description: 'false disables the account at once: its tokens stop working on the next request',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: [GrantDto], description: 'replaces all grants' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => GrantDto)
  grants?: GrantDto[];
}

export class UpdateMeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  displayName?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MinLength(10)
  @MaxLength(256)
  newPassword!: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'unit code: users belonging to it' })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'part of the username or display name' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  q?: string;
}

export class CreateOrgUnitDto {
  @ApiProperty({ example: 'kenko.kenkozukuri' })
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  code!: string;

  @ApiProperty({ example: '健康づくり推進課' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameJa!: string;

  @ApiProperty({ example: 'Health Promotion Division' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameEn!: string;

  @ApiProperty({ enum: ['bureau', 'ward', 'division'] })
  @IsIn(['bureau', 'ward', 'division'])
  kind!: Exclude<OrgUnitKind, 'city'>;

  @ApiProperty({ description: 'code of the parent unit', example: 'kenko' })
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  parent!: string;
}

export class UpdateOrgUnitDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameJa?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameEn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'code of the new parent unit' })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  parent?: string;
}

export class OrgUnitQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORG_UNIT_KINDS })
  @IsOptional()
  @IsIn(ORG_UNIT_KINDS)
  kind?: OrgUnitKind;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(booleanFromQuery)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'code of the parent unit' })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  parent?: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'bureau spreadsheet sync' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'days until it expires; omit for no expiry', minimum: 1, maximum: 730 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(730)
  expiresInDays?: number;
}

export class SecurityEventQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SECURITY_EVENT_KINDS })
  @IsOptional()
  @IsIn(SECURITY_EVENT_KINDS)
  kind?: SecurityEventKind;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(lowerCased)
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  userId?: string;
}
