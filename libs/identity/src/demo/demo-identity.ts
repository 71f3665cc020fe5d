import type { EntityManager } from 'typeorm';
import type { PasswordHasher } from '../auth/password-hasher.js';
import type { Role } from '../roles.js';
import { CITY_CODE, DEMO_BUREAU_CODES, KUMAMOTO_ORG_UNITS } from './kumamoto.js';

interface DemoUser {
  username: string;
  displayName: string;
  orgUnit: string;
  grants: Array<{ role: Role; orgUnit: string }>;
}

/** The demo users of the README: city-wide roles, and an editor and approver per bureau and ward. */
export function demoUsers(): DemoUser[] {
  const name = (code: string) => KUMAMOTO_ORG_UNITS.find((u) => u.code === code)!.nameJa;
  return [
    {
      username: 'admin',
      displayName: 'システム管理者',
      orgUnit: 'somu',
      grants: [{ role: 'admin', orgUnit: CITY_CODE }],
    },
    {
      username: 'secretariat',
      displayName: '改革プロジェクト推進課',
      orgUnit: 'somu.kaikaku',
      grants: [{ role: 'secretariat', orgUnit: CITY_CODE }],
    },
    {
      username: 'committee',
      displayName: '推進委員会 委員',
      orgUnit: CITY_CODE,
      grants: [{ role: 'committee_reviewer', orgUnit: CITY_CODE }],
    },
    {
      username: 'hq',
      displayName: '推進本部 本部員',
      orgUnit: CITY_CODE,
      grants: [{ role: 'hq_member', orgUnit: CITY_CODE }],
    },
    { username: 'viewer', displayName: '閲覧者', orgUnit: CITY_CODE, grants: [{ role: 'viewer', orgUnit: CITY_CODE }] },
    ...DEMO_BUREAU_CODES.flatMap((code): DemoUser[] => [
      {
        username: `${code}.editor`,
        displayName: `${name(code)} 担当者`,
        orgUnit: code,
        grants: [{ role: 'bureau_editor', orgUnit: code }],
      },
      {
        username: `${code}.approver`,
        displayName: `${name(code)} 承認者`,
        orgUnit: code,
        grants: [{ role: 'bureau_approver', orgUnit: code }],
      },
    ]),
  ];
}

/** Loads Kumamoto's units; keeps units that exist (the secretariat may have edited them). */
export async function loadDemoOrgUnits(m: EntityManager): Promise<number> {
  let created = 0;
  for (const u of KUMAMOTO_ORG_UNITS) {
    const rows: unknown[] = await m.query(
      `INSERT INTO org_unit (code, name_ja, name_en, kind, parent_id)
       VALUES ($1, $2, $3, $4, (SELECT id FROM org_unit WHERE code = $5))
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [u.code, u.nameJa, u.nameEn, u.kind, u.parent],
    );
    created += rows.length;
  }
  return created;
}

/**
 * Creates the demo users that do not exist yet, all with one password. They share one
 * hash: their password is the same anyway, and one argon2 run instead of forty keeps
 * `npm start` and the tests quick.
 */
export async function loadDemoUsers(m: EntityManager, hasher: PasswordHasher, password: string): Promise<number> {
  const users = demoUsers();
  const existing = new Set(
    (
      await m.query<Array<{ username: string }>>(`SELECT username FROM app_user WHERE username = ANY($1)`, [
        users.map((u) => u.username),
      ])
    ).map((r) => r.username),
  );
  const missing = users.filter((u) => !existing.has(u.username));
  if (missing.length === 0) return 0;
  const hash = await hasher.hash(password);
  for (const u of missing) {
    const [{ id }] = await m.query<Array<{ id: string }>>(
      `INSERT INTO app_user (username, display_name, password_hash, org_unit_id) VALUES ($1, $2, $3, (SELECT id FROM org_unit WHERE code = $4)) RETURNING id`,
      [u.username, u.displayName, hash, u.orgUnit],
    );
    for (const g of u.grants) {
      await m.query(
        `INSERT INTO role_grant (user_id, role, org_unit_id) VALUES ($1, $2, (SELECT id FROM org_unit WHERE code = $3))`,
        [id, g.role, g.orgUnit],
      );
    }
  }
  return missing.length;
}
