import { ROLES, type Role } from '../roles.js';

/** One grant a directory group brings: a role on a unit, `{unit}` meaning the person's own unit. */
export interface MappedGrant {
  role: Role;
  unit: string;
}

export type RoleMap = ReadonlyMap<string, readonly MappedGrant[]>;

/**
 * DIRECTORY_ROLE_MAP: JSON from a group (an LDAP group's DN, or a name in the OIDC groups claim,
 * compared case-insensitively) to grants written `role@unit`, e.g.
 * `{"cn=kaikaku-editors,ou=groups,dc=city,dc=example": "bureau_editor@{unit}", "kaikaku-secretariat": ["secretariat@kumamoto"]}`.
 * Throws a message naming what is wrong, for the configuration check at boot.
 */
export function parseRoleMap(text: string): RoleMap {
  if (!text.trim()) return new Map();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new Error('must be a JSON object from group to grants');
  const map = new Map<string, MappedGrant[]>();
  for (const [group, value] of Object.entries(raw)) {
    const list = Array.isArray(value) ? value : [value];
    const grants = list.map((g: unknown) => {
      const m = typeof g === 'string' ? /^([a-z_]+)@(\{unit\}|[a-z][a-z0-9_.-]{0,63})$/.exec(g) : null;
      if (!m || !(ROLES as readonly string[]).includes(m[1]))
        throw new Error(
          `${group}: "${String(g)}" is not role@unit (roles: ${ROLES.join(', ')}; unit: a code or {unit})`,
        );
      if (m[1] === 'admin' && m[2] === '{unit}') throw new Error(`${group}: admin is granted on a named unit only`);
      return { role: m[1] as Role, unit: m[2] };
    });
    map.set(group.toLowerCase(), grants);
  }
  return map;
}

/** The grants of a person in `groups`, with `{unit}` resolved to their unit's code; each once. */
export function grantsFor(map: RoleMap, groups: readonly string[], unitCode: string): MappedGrant[] {
  const seen = new Map<string, MappedGrant>();
  for (const group of groups) {
    for (const g of map.get(group.toLowerCase()) ?? []) {
      const grant = { role: g.role, unit: g.unit === '{unit}' ? unitCode : g.unit };
      seen.set(`${grant.role}@${grant.unit}`, grant);
    }
  }
  return [...seen.values()].sort((a, b) => `${a.role}@${a.unit}`.localeCompare(`${b.role}@${b.unit}`));
}
