import { describe, expect, it } from '@jest/globals';
import { Principal, type PrincipalGrant } from './principal.js';
import { ALL_UNITS, NO_UNITS, scopeCondition, scopeIncludes, unionScope, unitsScope } from './unit-scope.js';

const grant = (role: PrincipalGrant['role'], unitId: string, covered: string[], cityWide = false): PrincipalGrant => ({
  role,
  unitId,
  unitCode: unitId,
  coveredUnitIds: covered,
  cityWide,
});
const user = { id: 'u', username: 'u', displayName: 'U', orgUnitId: 'kenko' };

describe('Principal.scopeFor', () => {
  it('gives a bureau editor the bureau and the units below it, for that role only', () => {
    const p = new Principal(user, [grant('bureau_editor', 'kenko', ['kenko', 'kenko.div'])], 'access_token');
    expect(p.scopeFor('bureau_editor')).toEqual({ kind: 'units', unitIds: ['kenko', 'kenko.div'] });
    expect(p.scopeFor('bureau_approver')).toBe(NO_UNITS);
  });

  it('gives a grant on the city every unit', () => {
    const p = new Principal(
      user,
      [grant('secretariat', 'city', ['city', 'kenko'], true), grant('bureau_editor', 'kenko', ['kenko'])],
      'access_token',
    );
    expect(p.scopeFor('secretariat')).toBe(ALL_UNITS);
    expect(p.scopeFor('secretariat', 'bureau_editor')).toBe(ALL_UNITS);
  });

  it('unites the units of several grants of one person', () => {
    const p = new Principal(
      user,
      [grant('bureau_editor', 'kenko', ['kenko']), grant('bureau_editor', 'chuo', ['chuo'])],
      'access_token',
    );
    const scope = p.scopeFor('bureau_editor');
    expect(scopeIncludes(scope, 'kenko') && scopeIncludes(scope, 'chuo')).toBe(true);
    expect(scopeIncludes(scope, 'kita')).toBe(false);
  });
});

describe('scopes', () => {
  it('unite and render as SQL', () => {
    expect(unionScope(NO_UNITS, unitsScope(['a']), unitsScope(['a', 'b']))).toEqual({
      kind: 'units',
      unitIds: ['a', 'b'],
    });
    expect(unionScope(unitsScope(['a']), ALL_UNITS)).toBe(ALL_UNITS);
    expect(scopeCondition(ALL_UNITS, 'p.unit').sql).toBe('TRUE');
    expect(scopeCondition(NO_UNITS, 'p.unit').sql).toBe('FALSE');
    const c = scopeCondition(unitsScope(['a']), 'p.unit');
    expect(c.sql).toMatch(/^p\.unit = ANY\(:scopeUnits\d+::uuid\[\]\)$/);
    expect(Object.values(c.params)).toEqual([['a']]);
  });
});
