import { ApiProperty } from '@nestjs/swagger';
import { SECURITY_EVENT_KINDS, type SecurityEvent, type SecurityEventKind } from '../entities/security-event.entity.js';
import { ORG_UNIT_KINDS, ROLES, type OrgUnitKind, type Role } from '../roles.js';
import type { ApiTokenView, GrantView, OrgUnitRef, OrgUnitView, UserView } from '../views.js';
import type { Principal } from '../access/principal.js';

// The answers of the identity routes, as the OpenAPI document describes them. Each class
// implements its view, so the compiler keeps the two in step.

export class UnitCodeRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kenko' }) code!: string;
}

export class OrgUnitRefResponse implements OrgUnitRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kenko' }) code!: string;
  @ApiProperty({ example: '健康福祉局' }) nameJa!: string;
  @ApiProperty({ example: 'Health and Welfare Bureau' }) nameEn!: string;
}

/** 組織: an organisation unit. */
export class OrgUnitResponse implements OrgUnitView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kenko' }) code!: string;
  @ApiProperty({ example: '健康福祉局' }) nameJa!: string;
  @ApiProperty({ example: 'Health and Welfare Bureau' }) nameEn!: string;
  @ApiProperty({ enum: ORG_UNIT_KINDS, enumName: 'OrgUnitKind' }) kind!: OrgUnitKind;
  @ApiProperty({ type: UnitCodeRef, nullable: true, description: 'null for the city itself' })
  parent!: UnitCodeRef | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'also the ETag' }) version!: number;
}

export class GrantResponse implements GrantView {
  @ApiProperty({ enum: ROLES, enumName: 'Role' }) role!: Role;
  @ApiProperty({ example: '局編集者' }) roleLabel!: string;
  @ApiProperty({ type: OrgUnitRefResponse }) orgUnit!: OrgUnitRefResponse;
}

export class UserResponse implements UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kenko.editor' }) username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: OrgUnitRefResponse }) orgUnit!: OrgUnitRefResponse;
  @ApiProperty({ type: [GrantResponse] }) grants!: GrantResponse[];
  @ApiProperty({ description: 'also the ETag' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The signed-in user, and how they signed in. */
export class MeResponse extends UserResponse {
  @ApiProperty({ enum: ['access_token', 'api_token'] }) via!: Principal['via'];
}

export class ApiTokenResponse implements ApiTokenView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the first characters of the token, to recognise it' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class CreatedApiTokenResponse extends ApiTokenResponse {
  @ApiProperty({ description: 'the secret: shown only in this answer' }) token!: string;
}

/** One entry of the security log. */
export class SecurityEventResponse implements Omit<SecurityEvent, 'occurredAt'> {
  @ApiProperty({ description: 'a bigint, as a string' }) id!: string;
  @ApiProperty({ enum: SECURITY_EVENT_KINDS, enumName: 'SecurityEventKind' }) kind!: SecurityEventKind;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) subjectUserId!: string | null;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceAddress!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

/** A unit as other records name it. */
export class UnitNameRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'kenko' }) code!: string;
  @ApiProperty({ example: '健康福祉局' }) nameJa!: string;
}

/** How people may sign in here: the sign-in page offers what is configured. */
export class SignInMethodsResponse {
  @ApiProperty({ description: 'username and password (local accounts, and the directory over LDAP when configured)' })
  password!: boolean;
  @ApiProperty({
    description: 'the city’s OpenID Connect provider (「庁内アカウントでサインイン」): GET /api/v1/auth/oidc starts it',
  })
  oidc!: boolean;
}
