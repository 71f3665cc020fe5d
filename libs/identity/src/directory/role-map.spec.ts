import { describe, expect, it } from '@jest/globals';
import { grantsFor, parseRoleMap } from './role-map.js';

describe('the directory role map', () => {
  it('maps groups to grants, {unit} being the person’s own unit', () => {
    const map = parseRoleMap(
      '{"CN=Editors,OU=Groups,DC=City": "bureau_editor@{unit}", "secretariat": ["secretariat@kumamoto", "viewer@kumamoto"]}',
    );
    expect(grantsFor(map, ['cn=editors,ou=groups,dc=city', 'unknown'], 'kenko')).toEqual([
      { role: 'bureau_editor', unit: 'kenko' },
    ]);
    expect(grantsFor(map, ['secretariat', 'Secretariat'], 'somu')).toEqual([
      { role: 'secretariat', unit: 'kumamoto' },
      { role: 'viewer', unit: 'kumamoto' },
    ]);
  });

  it('refuses what it cannot read, saying what', () => {
    expect(() => parseRoleMap('[')).toThrow('is not JSON');
    expect(() => parseRoleMap('{"g": "boss@kenko"}')).toThrow('"boss@kenko" is not role@unit');
    expect(() => parseRoleMap('{"g": "admin@{unit}"}')).toThrow('admin is granted on a named unit only');
    expect(parseRoleMap('').size).toBe(0);
  });
});
