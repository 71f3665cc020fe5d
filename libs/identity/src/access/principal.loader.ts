import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared } from '#libs/platform';
import type { Role } from '../roles.js';
import { Principal, type PrincipalGrant } from './principal.js';

interface Row {
  id: string;
  username: string;
  display_name: string;
  org_unit_id: string;
  role: Role | null;
  grant_unit_id: string | null;
  grant_unit_code: string | null;
  city_wide: boolean | null;
  covered: string[] | null;
}

/**
 * Loads the caller for one request in one query: the user if active, and each grant with
 * the units it covers (the granted unit and all below it, by a recursive walk of the tree).
 */
@Injectable()
export class PrincipalLoader {
  constructor(private readonly dataSource: DataSource) {}

  async load(userId: string, via: Principal['via']): Promise<Principal | null> {
    const { rows } = await prepared<Row>(
      this.dataSource.manager,
      `WITH RECURSIVE grants AS (
         SELECT g.role, g.org_unit_id FROM role_grant g WHERE g.user_id = $1
       ), covered(role, root, unit) AS (
         SELECT role, org_unit_id, org_unit_id FROM grants
         UNION
         SELECT c.role, c.root, child.id FROM covered c JOIN org_unit child ON child.parent_id = c.unit
       ), per_grant AS (
         SELECT role, root, array_agg(unit::text) AS covered FROM covered GROUP BY role, root
       )
       SELECT u.id, u.username, u.display_name, u.org_unit_id,
              pg.role, pg.root AS grant_unit_id, ou.code AS grant_unit_code, (ou.parent_id IS NULL) AS city_wide, pg.covered
         FROM app_user u
         LEFT JOIN per_grant pg ON true
         LEFT JOIN org_unit ou ON ou.id = pg.root
        WHERE u.id = $1 AND u.active`,
      [userId],
    );
    if (rows.length === 0) return null;
    const first = rows[0];
    const grants: PrincipalGrant[] = rows
      .filter((r) => r.role !== null)
      .map((r) => ({
        role: r.role!,
        unitId: r.grant_unit_id!,
        unitCode: r.grant_unit_code!,
        cityWide: r.city_wide === true,
        coveredUnitIds: r.covered ?? [],
      }));
    return new Principal({ id: first.id, username: first.username, displayName: first.display_name, orgUnitId: first.org_unit_id }, grants, via);
  }
}
