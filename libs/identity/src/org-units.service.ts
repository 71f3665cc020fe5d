import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { execute, NotFoundError, pageOf, VersionConflictError, withTransaction, type Page } from '#libs/platform';
import { PrincipalLoader } from './access/principal.loader.js';
import type { CreateOrgUnitDto, OrgUnitQuery, UpdateOrgUnitDto } from './dto/identity.dto.js';
import { OrgUnitCodeTakenError, OrgUnitTreeError, UnknownOrgUnitError } from './identity.errors.js';
import type { OrgUnitKind } from './roles.js';
import type { OrgUnitView } from './views.js';

interface Row {
  id: string;
  code: string;
  name_ja: string;
  name_en: string;
  kind: OrgUnitKind;
  parent_id: string | null;
  parent_code: string | null;
  active: boolean;
  version: number;
}

const SELECT = `SELECT u.id, u.code, u.name_ja, u.name_en, u.kind, u.parent_id, p.code AS parent_code, u.active, u.version
                  FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id`;

function view(r: Row): OrgUnitView {
  return {
    id: r.id,
    code: r.code,
    nameJa: r.name_ja,
    nameEn: r.name_en,
    kind: r.kind,
    parent: r.parent_id ? { id: r.parent_id, code: r.parent_code! } : null,
    active: r.active,
    version: r.version,
  };
}

/** Which kind of unit may sit under which: city → bureau or ward → division (→ division). */
const ALLOWED_PARENTS: Record<Exclude<OrgUnitKind, 'city'>, OrgUnitKind[]> = {
  bureau: ['city'],
  ward: ['city'],
  division: ['bureau', 'ward', 'division'],
};

/** The organisation tree (組織): readable by everyone signed in, changed by admins. */
@Injectable()
export class OrgUnitsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly principals: PrincipalLoader,
  ) {}

  async list(query: OrgUnitQuery): Promise<Page<OrgUnitView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.kind) where.push(`u.kind = $${params.push(query.kind)}`);
    if (query.active !== undefined) where.push(`u.active = $${params.push(query.active)}`);
    if (query.parent) where.push(`p.code = $${params.push(query.parent)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM org_unit u LEFT JOIN org_unit p ON p.id = u.parent_id ${filter}`,
      params,
    );
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} ${filter} ORDER BY (u.kind = 'city') DESC, u.kind, u.code LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, query.offset],
    );
    return pageOf(rows.map(view), total, query);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<OrgUnitView> {
    const rows: Row[] = await manager.query(`${SELECT} WHERE u.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('The organisation unit');
    return view(rows[0]);
  }

  /** The id of the unit with this code, or a 400 naming `field`. */
  async idOf(manager: EntityManager, code: string, field: string): Promise<string> {
    const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM org_unit WHERE code = $1`, [code]);
    if (rows.length === 0) throw new UnknownOrgUnitError(field);
    return rows[0].id;
  }

  async create(dto: CreateOrgUnitDto): Promise<OrgUnitView> {
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const parent = await this.parentFor(m, dto.parent, dto.kind);
        const taken = await m.query<unknown[]>(`SELECT 1 FROM org_unit WHERE code = $1`, [dto.code]);
        if (taken.length > 0) throw new OrgUnitCodeTakenError(dto.code);
        const [{ id }] = await m.query<Array<{ id: string }>>(
          `INSERT INTO org_unit (code, name_ja, name_en, kind, parent_id) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [dto.code, dto.nameJa, dto.nameEn, dto.kind, parent.id],
        );
        return this.get(id, m);
      }),
    );
  }

  async update(id: string, expectedVersion: number, dto: UpdateOrgUnitDto): Promise<OrgUnitView> {
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const current = await this.get(id, m);
        let parentId = current.parent?.id ?? null;
        if (dto.parent !== undefined) {
          if (current.kind === 'city') throw new OrgUnitTreeError('The city has no parent');
          const parent = await this.parentFor(m, dto.parent, current.kind);
          const cycle: unknown[] = await m.query(
            `WITH RECURSIVE below(id) AS (SELECT $1::uuid UNION SELECT c.id FROM org_unit c JOIN below b ON c.parent_id = b.id)
           SELECT 1 FROM below WHERE id = $2`,
            [id, parent.id],
          );
          if (cycle.length > 0) throw new OrgUnitTreeError('A unit cannot move under itself or a unit below it');
          parentId = parent.id;
        }
        const { affected } = await execute(
          m,
          `UPDATE org_unit SET name_ja = $3, name_en = $4, active = $5, parent_id = $6, version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2`,
          [
            id,
            expectedVersion,
            dto.nameJa ?? current.nameJa,
            dto.nameEn ?? current.nameEn,
            dto.active ?? current.active,
            parentId,
          ],
        );
        if (affected !== 1) throw new VersionConflictError(current.version);
        return this.get(id, m);
      }),
    );
  }

  private async parentFor(m: EntityManager, code: string, kind: Exclude<OrgUnitKind, 'city'>): Promise<{ id: string }> {
    const rows: Array<{ id: string; kind: OrgUnitKind }> = await m.query(
      `SELECT id, kind FROM org_unit WHERE code = $1`,
      [code],
    );
    if (rows.length === 0) throw new UnknownOrgUnitError('parent');
    if (!ALLOWED_PARENTS[kind].includes(rows[0].kind)) {
      throw new OrgUnitTreeError(`A ${kind} cannot sit under a ${rows[0].kind}`, 'parent');
    }
    return rows[0];
  }
}
