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
import { PageQuery } from '#libs/platform';
import { SECURITY_EVENT_KINDS, type SecurityEventKind } from '../entities/security-event.entity.js';
import { ORG_UNIT_KINDS, ROLES, type OrgUnitKind, type Role } from '../roles.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{1,63}$/;
export const ORG_UNIT_CODE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

export class SignInDto {
  @ApiProperty({ example: 'secretariat' })
  @Transform(lower)
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
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit!: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'kenko.sato' })
  @Transform(lower)
  @Matches(USERNAME_PATTERN, { message: 'username: 2–64 lower-case letters, digits, . _ -' })
  username!: string;

  @ApiProperty({ example: '佐藤 花子' })
  @Transform(trim)
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
  @Transform(lower)
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
  @Transform(trim)
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
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit?: string;

  @ApiPropertyOptional({ description: 'false disables the account at once: its tokens stop working on the next request' })
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
  @Transform(trim)
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
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(toBool)
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
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  code!: string;

  @ApiProperty({ example: '健康づくり推進課' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameJa!: string;

  @ApiProperty({ example: 'Health Promotion Division' })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameEn!: string;

  @ApiProperty({ enum: ['bureau', 'ward', 'division'] })
  @IsIn(['bureau', 'ward', 'division'])
  kind!: Exclude<OrgUnitKind, 'city'>;

  @ApiProperty({ description: 'code of the parent unit', example: 'kenko' })
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  parent!: string;
}

export class UpdateOrgUnitDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  nameJa?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(trim)
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
  @Transform(lower)
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
  @Transform(toBool)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'code of the parent unit' })
  @IsOptional()
  @Transform(lower)
  @Matches(ORG_UNIT_CODE_PATTERN)
  parent?: string;
}

export class CreateApiTokenDto {
  @ApiProperty({ example: 'bureau spreadsheet sync' })
  @Transform(trim)
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
  @Transform(lower)
  @IsString()
  @MaxLength(64)
  username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  userId?: string;
}
