import type { OrgUnitKind, Role } from './roles.js';
import { ROLE_LABELS } from './roles.js';

/** What the API shows of an organisation unit. */
export interface OrgUnitView {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
  kind: OrgUnitKind;
  parent: { id: string; code: string } | null;
  active: boolean;
  version: number;
}

export interface OrgUnitRef {
  id: string;
  code: string;
  nameJa: string;
  nameEn: string;
}

export interface GrantView {
  role: Role;
  roleLabel: string;
  orgUnit: OrgUnitRef;
}

/** What the API shows of a user; never the password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  active: boolean;
  orgUnit: OrgUnitRef;
  grants: GrantView[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface ApiTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export function grantView(role: Role, orgUnit: OrgUnitRef): GrantView {
  return { role, roleLabel: ROLE_LABELS[role].ja, orgUnit };
}
