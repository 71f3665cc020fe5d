import type { Role } from '../roles.js';
import { ALL_UNITS, NO_UNITS, unionScope, unitsScope, type UnitScope } from './unit-scope.js';

export interface PrincipalGrant {
  role: Role;
  unitId: string;
  unitCode: string;
  /** The granted unit and every unit below it. */
  coveredUnitIds: readonly string[];
  /** Granted on the city itself: covers every unit, including ones created later. */
  cityWide: boolean;
}

export interface PrincipalUser {
  id: string;
  username: string;
  displayName: string;
  orgUnitId: string;
}

/**
 * The caller of a request, as loaded from the database for THIS request: disabling a user
 * or changing grants takes effect on the very next request, on every API instance.
 */
export class Principal {
  constructor(
    readonly user: PrincipalUser,
    readonly grants: readonly PrincipalGrant[],
    /** How the caller proved who they are. */
    readonly via: 'access_token' | 'api_token',
  ) {}

  get id(): string {
    return this.user.id;
  }

  hasRole(...roles: Role[]): boolean {
    return this.grants.some((g) => roles.includes(g.role));
  }

  /** The units on whose objects the caller may act in any of `roles`. */
  scopeFor(...roles: Role[]): UnitScope {
    const grants = this.grants.filter((g) => roles.includes(g.role));
    if (grants.length === 0) return NO_UNITS;
    if (grants.some((g) => g.cityWide)) return ALL_UNITS;
    return unionScope(...grants.map((g) => unitsScope(g.coveredUnitIds)));
  }

  roles(): Role[] {
    return [...new Set(this.grants.map((g) => g.role))];
  }
}
