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

/** The roles a deputy (代決) may exercise for the absent person: the workflow's, never admin or viewer. */
export const DEPUTISABLE_ROLES: readonly Role[] = [
  'bureau_editor',
  'bureau_approver',
  'secretariat',
  'committee_reviewer',
  'hq_member',
];

/** 代決: a period in which the caller stands in for an absent person. */
export interface Deputyship {
  assignmentId: string;
  absent: { id: string; username: string; displayName: string };
  /** The period runs over [startsAt, endsAt). */
  startsAt: Date;
  endsAt: Date;
  /** The absent person's grants of DEPUTISABLE_ROLES, which the deputy exercises on their units. */
  grants: readonly PrincipalGrant[];
}

/**
 * The caller of a request, as loaded from the database for THIS request: disabling a user
 * or changing grants takes effect on the very next request, on every API instance.
 *
 * `deputyships` are the 代決 periods running at the clock's now when the principal was loaded. Their grants never count as the caller's own (`hasRole`, `scopeFor`): they open the
 * absent person's workflow steps and the records those need (`standsInFor`, `actingScopeFor`).
 */
export class Principal {
  constructor(
    readonly user: PrincipalUser,
    readonly grants: readonly PrincipalGrant[],
    /** How the caller proved who they are. */
    readonly via: 'access_token' | 'api_token',
    readonly deputyships: readonly Deputyship[] = [],
  ) {}

  get id(): string {
    return this.user.id;
  }

  hasRole(...roles: Role[]): boolean {
    return this.grants.some((g) => roles.includes(g.role));
  }

  /** The units on whose objects the caller may act in any of `roles`. */
  scopeFor(...roles: Role[]): UnitScope {
    return scopeOf(this.grants, roles);
  }

  /** 代決: the running period in which the caller may exercise `role` on `unitId` for someone absent. */
  standsInFor(role: Role, unitId: string): Deputyship | undefined {
    return this.deputyships.find((d) =>
      d.grants.some((g) => g.role === role && (g.cityWide || g.coveredUnitIds.includes(unitId))),
    );
  }

  /** The caller's own roles, or an absent person's through a running 代決. */
  mayActAs(...roles: Role[]): boolean {
    return this.hasRole(...roles) || this.deputyships.some((d) => d.grants.some((g) => roles.includes(g.role)));
  }

  /** The units where the caller holds one of `roles`, in their own right or as a deputy now. */
  actingScopeFor(...roles: Role[]): UnitScope {
    const own = this.scopeFor(...roles);
    if (this.deputyships.length === 0) return own;
    return unionScope(own, ...this.deputyships.map((d) => scopeOf(d.grants, roles)));
  }

  roles(): Role[] {
    return [...new Set(this.grants.map((g) => g.role))];
  }
}

function scopeOf(all: readonly PrincipalGrant[], roles: readonly Role[]): UnitScope {
  const grants = all.filter((g) => roles.includes(g.role));
  if (grants.length === 0) return NO_UNITS;
  if (grants.some((g) => g.cityWide)) return ALL_UNITS;
  return unionScope(...grants.map((g) => unitsScope(g.coveredUnitIds)));
}
