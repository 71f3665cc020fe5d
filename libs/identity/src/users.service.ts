import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  Clock,
  DomainError,
  execute,
  NotFoundError,
  pageOf,
  VersionConflictError,
  withTransaction,
  type Page,
} from '#libs/platform';
import type { Principal } from './access/principal.js';
import { PrincipalLoader } from './access/principal.loader.js';
import { PasswordHasher } from './auth/password-hasher.js';
import type {
  ChangePasswordDto,
  CreateUserDto,
  GrantDto,
  UpdateMeDto,
  UpdateUserDto,
  UserQuery,
} from './dto/identity.dto.js';
import { UsernameTakenError, WrongCurrentPasswordError } from './identity.errors.js';
import { OrgUnitsService } from './org-units.service.js';
import type { Role } from './roles.js';
import { SecurityEventsService, type RequestOrigin } from './security-events.service.js';
import { revokeBrowserSessionsOf } from './sessions/revoke-sessions.js';
import { endGrantsAtTransfer } from './transfers/personnel-transfers.service.js';
import { grantView, type UserView } from './views.js';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  unit_id: string;
  unit_code: string;
  unit_name_ja: string;
  unit_name_en: string;
  grants: Array<{ role: Role; id: string; code: string; nameJa: string; nameEn: string }>;
}

/**
 * A user as of an instant (`$AT`, the clock's now): the unit they belong to then and the grants in
 * force then (a transfer entered ahead shows from its 発令日 on).
 */
const selectAt = (at: Date) => {
  const t = `'${at.toISOString()}'::timestamptz`;
  return `
  SELECT u.id, u.username, u.display_name, u.email, u.active, u.version, u.created_at, u.updated_at,
         ou.id AS unit_id, ou.code AS unit_code, ou.name_ja AS unit_name_ja, ou.name_en AS unit_name_en,
         coalesce((SELECT json_agg(json_build_object('role', g.role, 'id', gu.id, 'code', gu.code, 'nameJa', gu.name_ja, 'nameEn', gu.name_en)
                                   ORDER BY g.role, gu.code)
                     FROM role_grant g JOIN org_unit gu ON gu.id = g.org_unit_id
                    WHERE g.user_id = u.id AND (g.valid_from IS NULL OR g.valid_from <= ${t}) AND (g.valid_until IS NULL OR g.valid_until > ${t})), '[]') AS grants
    FROM app_user u JOIN org_unit ou ON ou.id = org_unit_of_user_at(u.id, u.org_unit_id, ${t})`;
};

function view(r: UserRow): UserView {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    active: r.active,
    orgUnit: { id: r.unit_id, code: r.unit_code, nameJa: r.unit_name_ja, nameEn: r.unit_name_en },
    grants: r.grants.map((g) => grantView(g.role, { id: g.id, code: g.code, nameJa: g.nameJa, nameEn: g.nameEn })),
    version: r.version,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

const grantKey = (g: { role: string; code: string }) => `${g.role}@${g.code}`;

/**
 * Users and their grants. Every change is written together with its security events;
 * callers are cached per instance and dropped on every change's notice, so a change applies to the next request.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly orgUnits: OrgUnitsService,
    private readonly events: SecurityEventsService,
    private readonly principals: PrincipalLoader,
    private readonly clock: Clock,
  ) {}

  async list(query: UserQuery): Promise<Page<UserView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.orgUnit) where.push(`ou.code = $${params.push(query.orgUnit)}`);
    if (query.active !== undefined) where.push(`u.active = $${params.push(query.active)}`);
    if (query.role)
      where.push(`EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = $${params.push(query.role)})`);
    if (query.q) {
      const p = params.push(`%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(u.username ILIKE $${p} OR u.display_name ILIKE $${p})`);
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const now = this.clock.now();
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM (${selectAt(now)} ${filter}) AS x`,
      params,
    );
    const rows: UserRow[] = await this.dataSource.query(
      `${selectAt(now)} ${filter} ORDER BY u.username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, query.offset],
    );
    return pageOf(rows.map(view), total, query);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<UserView> {
    const rows: UserRow[] = await manager.query(`${selectAt(this.clock.now())} WHERE u.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('The user');
    return view(rows[0]);
  }

  async create(dto: CreateUserDto, actor: Principal | null, origin: RequestOrigin): Promise<UserView> {
    const passwordHash = dto.password ? await this.hasher.hash(dto.password) : null;
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const taken = await m.query<unknown[]>(`SELECT 1 FROM app_user WHERE username = $1`, [dto.username]);
        if (taken.length > 0) throw new UsernameTakenError(dto.username);
        const unitId = await this.orgUnits.idOf(m, dto.orgUnit, 'orgUnit');
        const [{ id }] = await m.query<Array<{ id: string }>>(
          `INSERT INTO app_user (username, display_name, email, password_hash, org_unit_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [dto.username, dto.displayName, dto.email ?? null, passwordHash, unitId],
        );
        await this.replaceGrants(m, id, dto.grants);
        await this.events.record(
          m,
          { kind: 'user.created', actorUserId: actor?.id, subjectUserId: id, username: dto.username },
          origin,
        );
        if (dto.grants.length > 0) {
          await this.events.record(
            m,
            {
              kind: 'grants.changed',
              actorUserId: actor?.id,
              subjectUserId: id,
              username: dto.username,
              details: { before: [], after: dto.grants.map(grantKey2) },
            },
            origin,
          );
        }
        return this.get(id, m);
      }),
    );
  }

  async update(
    id: string,
    expectedVersion: number,
    dto: UpdateUserDto,
    actor: Principal,
    origin: RequestOrigin,
  ): Promise<UserView> {
    const passwordHash = dto.password ? await this.hasher.hash(dto.password) : undefined;
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const before = await this.get(id, m);
        const unitId = dto.orgUnit ? await this.orgUnits.idOf(m, dto.orgUnit, 'orgUnit') : before.orgUnit.id;
        const { affected } = await execute(
          m,
          `UPDATE app_user SET display_name = $3, email = $4, org_unit_id = $5, active = $6,
                password_hash = coalesce($7, password_hash), version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2`,
          [
            id,
            expectedVersion,
            dto.displayName ?? before.displayName,
            dto.email ?? before.email,
            unitId,
            dto.active ?? before.active,
            passwordHash ?? null,
          ],
        );
        if (affected !== 1) throw new VersionConflictError(before.version);

        const event = (
          kind: Parameters<SecurityEventsService['record']>[1]['kind'],
          details?: Record<string, unknown>,
        ) =>
          this.events.record(
            m,
            { kind, actorUserId: actor.id, subjectUserId: id, username: before.username, details },
            origin,
          );
        const changed = (['displayName', 'email', 'orgUnit'] as const).filter((f) => dto[f] !== undefined);
        if (changed.length > 0) await event('user.updated', { fields: changed });
        // A disabled person's browser sessions end with the change (their access tokens already stop: roles are read per request).
        if (dto.active === false && before.active)
          await event('user.disabled', { sessionsRevoked: await revokeBrowserSessionsOf(m, id, 'user_disabled') });
        if (dto.active === true && !before.active) await event('user.enabled');
        if (passwordHash) await event('password.changed', { by: 'admin' });
        if (dto.grants) {
          const was = before.grants.map((g) => grantKey({ role: g.role, code: g.orgUnit.code })).sort();
          const now = [...new Set(dto.grants.map(grantKey2))].sort();
          if (was.join() !== now.join()) {
            await this.replaceGrants(m, id, dto.grants);
            await event('grants.changed', { before: was, after: now });
          }
        }
        if (id === actor.id && (dto.active === false || (dto.grants && !dto.grants.some((g) => g.role === 'admin')))) {
          throw new DomainError(
            'CONFLICT',
            'You cannot disable yourself or give up your own admin role; ask another admin',
          );
        }
        await this.ensureAnAdminRemains(m);
        return this.get(id, m);
      }),
    );
  }

  async updateMe(principal: Principal, dto: UpdateMeDto, origin: RequestOrigin): Promise<UserView> {
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        await m.query(
          `UPDATE app_user SET display_name = coalesce($2, display_name), email = coalesce($3, email), version = version + 1, updated_at = now() WHERE id = $1`,
          [principal.id, dto.displayName ?? null, dto.email ?? null],
        );
        const fields = Object.keys(dto).filter((k) => (dto as Record<string, unknown>)[k] !== undefined);
        if (fields.length > 0) {
          await this.events.record(
            m,
            {
              kind: 'user.updated',
              actorUserId: principal.id,
              subjectUserId: principal.id,
              username: principal.user.username,
              details: { fields },
            },
            origin,
          );
        }
        return this.get(principal.id, m);
      }),
    );
  }

  async changePassword(principal: Principal, dto: ChangePasswordDto, origin: RequestOrigin): Promise<void> {
    const [row] = await this.dataSource.query<Array<{ password_hash: string | null }>>(
      `SELECT password_hash FROM app_user WHERE id = $1`,
      [principal.id],
    );
    if (!(await this.hasher.verify(row?.password_hash, dto.currentPassword))) throw new WrongCurrentPasswordError();
    const hash = await this.hasher.hash(dto.newPassword);
    await withTransaction(this.dataSource, async (m) => {
      await m.query(`UPDATE app_user SET password_hash = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
        principal.id,
        hash,
      ]);
      await this.events.record(
        m,
        {
          kind: 'password.changed',
          actorUserId: principal.id,
          subjectUserId: principal.id,
          username: principal.user.username,
          details: { by: 'self' },
        },
        origin,
      );
    });
  }

  /**
   * Replaces the grants in force now. Dated ones stay: a transfer's future grant, and every
   * grant that already ended; a scheduled transfer then ends the new grants on its old unit too.
   */
  async replaceGrants(m: EntityManager, userId: string, grants: GrantDto[]): Promise<void> {
    const now = this.clock.now();
    await m.query(
      `DELETE FROM role_grant WHERE user_id = $1 AND (valid_from IS NULL OR valid_from <= $2) AND (valid_until IS NULL OR valid_until > $2)`,
      [userId, now],
    );
    for (const [i, g] of grants.entries()) {
      const unitId = await this.orgUnits.idOf(m, g.orgUnit, `grants[${i}].orgUnit`);
      await m.query(`INSERT INTO role_grant (user_id, role, org_unit_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
        userId,
        g.role,
        unitId,
      ]);
    }
    const scheduled: Array<{ id: string }> = await m.query(
      `SELECT id FROM personnel_transfer WHERE user_id = $1 AND status = 'scheduled' ORDER BY effective_at`,
      [userId],
    );
    for (const t of scheduled) await endGrantsAtTransfer(m, t.id);
  }

  /** The city must never be left without an active admin. */
  private async ensureAnAdminRemains(m: EntityManager): Promise<void> {
    const [{ n }] = await m.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM app_user u WHERE u.active AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'admin')`,
    );
    if (n === 0) throw new DomainError('CONFLICT', 'This would leave no active admin');
  }
}

function grantKey2(g: GrantDto): string {
  return grantKey({ role: g.role, code: g.orgUnit });
}
