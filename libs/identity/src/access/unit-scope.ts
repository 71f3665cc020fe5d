import type { SelectQueryBuilder, ObjectLiteral } from 'typeorm';

/**
 * The organisation units whose objects a caller may see or act on for some purpose:
 * every unit (a grant on the city), some units (grants on bureaus, wards or divisions and
 * everything below them), or none.
 *
 * This is THE object-level access mechanism: services apply it inside their queries, so
 * what a caller may not see never leaves the database, and "not yours" and "does not
 * exist" are the same empty result (answered 404).
 */
export type UnitScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'units'; readonly unitIds: readonly string[] }
  | { readonly kind: 'none' };

export const ALL_UNITS: UnitScope = Object.freeze({ kind: 'all' });
export const NO_UNITS: UnitScope = Object.freeze({ kind: 'none' });

export function unitsScope(unitIds: Iterable<string>): UnitScope {
  const ids = [...new Set(unitIds)];
  return ids.length === 0 ? NO_UNITS : Object.freeze({ kind: 'units', unitIds: Object.freeze(ids) });
}

/** Union of scopes: what either allows. */
export function unionScope(...scopes: UnitScope[]): UnitScope {
  if (scopes.some((s) => s.kind === 'all')) return ALL_UNITS;
  return unitsScope(scopes.flatMap((s) => (s.kind === 'units' ? s.unitIds : [])));
}

export function scopeIncludes(scope: UnitScope, unitId: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'units' && scope.unitIds.includes(unitId));
}

let parameterCounter = 0;

/**
 * A SQL condition restricting `column` (a unit id column, or an expression yielding one)
 * to the scope, with its parameters for a TypeORM query builder.
 */
export function scopeCondition(scope: UnitScope, column: string): { sql: string; params: Record<string, unknown> } {
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', params: {} };
    case 'none':
      return { sql: 'FALSE', params: {} };
    case 'units': {
      const name = `scopeUnits${++parameterCounter % 1_000_000}`;
      return { sql: `${column} = ANY(:${name}::uuid[])`, params: { [name]: scope.unitIds } };
    }
  }
}

/** Adds the scope to a query: `applyScope(qb, 'p.owning_unit_id', scope)`. */
export function applyScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  column: string,
  scope: UnitScope,
): SelectQueryBuilder<T> {
  const { sql, params } = scopeCondition(scope, column);
  return qb.andWhere(sql, params);
}

/**
 * Positional parameters for hand-written SQL: `p.add(value)` answers `$n`.
 */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The scope as a condition on `column` in hand-written SQL. */
export function scopeSql(scope: UnitScope, column: string, params: SqlParams): string {
  switch (scope.kind) {
    case 'all':
      return 'TRUE';
    case 'none':
      return 'FALSE';
    case 'units':
      return `${column} = ANY(${params.add(scope.unitIds)}::uuid[])`;
  }
}
