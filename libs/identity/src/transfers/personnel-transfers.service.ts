import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instantAt, todayInTokyo } from '#libs/calendar';
import { Clock, DomainError, OnJob, pageOf, withTransaction, type Page, type PageQuery } from '#libs/platform';
import { PrincipalLoader } from '../access/principal.loader.js';
import { ROLE_LABELS, ROLES, type Role } from '../roles.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';
import { parseIssueDate } from './issue-date.js';

/** One 人事異動 as the personnel system sends it: who, from where, to where, in which role, from which day. */
export interface TransferInput {
  employeeNumber: string;
  /** 氏名: checked against the person found by 職員番号, to catch a wrong number. */
  displayName?: string;
  fromUnit: string;
  toUnit: string;
  role: string;
  /** 発令日 as written (2027-04-01, 2027/4/1, 令和9年4月1日). */
  effectiveOn: string;
}

export type TransferField = keyof TransferInput;

/** The columns of the personnel system's file, as its exports name them. */
export const TRANSFER_COLUMNS: Record<TransferField, string> = {
  employeeNumber: '職員番号',
  displayName: '氏名',
  fromUnit: '旧所属',
  toUnit: '新所属',
  role: '役割',
  effectiveOn: '発令日',
};

export interface TransferRowError {
  row: number;
  column: string;
  problem: string;
}

export interface TransferImportResult {
  dryRun: boolean;
  rows: number;
  scheduled: number;
  errors: TransferRowError[];
}

export interface TransferView {
  id: string;
  employeeNumber: string | null;
  user: { id: string; username: string; displayName: string };
  fromUnit: { id: string; code: string; nameJa: string };
  toUnit: { id: string; code: string; nameJa: string };
  role: Role;
  effectiveOn: string;
  effectiveAt: string;
  status: 'scheduled' | 'applied' | 'cancelled';
  appliedAt: string | null;
}

/** A table read from a file: header names and rows numbered as a person sees them. */
export interface TransferTable {
  headers: string[];
  rows: Array<{ row: number; cells: Record<string, string> }>;
}

export class TransferImportRejectedError extends DomainError {
  constructor(readonly rowErrors: TransferRowError[]) {
    super(
      'VALIDATION_FAILED',
      `${rowErrors.length} problem(s) in the file; no transfer was entered`,
      rowErrors.slice(0, 200).map((e) => ({ field: `row ${e.row}: ${e.column}`, message: e.problem })),
      { rowErrors },
    );
  }
}

/** 役割 as people write it: our codes, the role labels, or the short words of personnel files. */
const ROLE_WORDS: Record<string, Role> = {
  ...Object.fromEntries(ROLES.map((r) => [r, r])),
  ...Object.fromEntries(ROLES.map((r) => [ROLE_LABELS[r].ja, r])),
  担当者: 'bureau_editor',
  承認者: 'bureau_approver',
  閲覧者: 'viewer',
};

interface Checked {
  userId: string;
  username: string;
  fromUnitId: string;
  toUnitId: string;
  role: Role;
  effectiveOn: string;
  effectiveAt: Date;
}

class DryRunDone extends Error {}

const SELECT = `
  SELECT t.id, t.role, to_char(t.effective_on, 'YYYY-MM-DD') AS effective_on, t.effective_at, t.status, t.applied_at,
         u.id AS user_id, u.username, u.display_name, u.employee_number,
         f.id AS from_id, f.code AS from_code, f.name_ja AS from_name, n.id AS to_id, n.code AS to_code, n.name_ja AS to_name
    FROM personnel_transfer t JOIN app_user u ON u.id = t.user_id
    JOIN org_unit f ON f.id = t.from_unit_id JOIN org_unit n ON n.id = t.to_unit_id`;

interface Row {
  id: string;
  role: Role;
  effective_on: string;
  effective_at: Date;
  status: TransferView['status'];
  applied_at: Date | null;
  user_id: string;
  username: string;
  display_name: string;
  employee_number: string | null;
  from_id: string;
  from_code: string;
  from_name: string;
  to_id: string;
  to_code: string;
  to_name: string;
}

function view(r: Row): TransferView {
  return {
    id: r.id,
    employeeNumber: r.employee_number,
    user: { id: r.user_id, username: r.username, displayName: r.display_name },
    fromUnit: { id: r.from_id, code: r.from_code, nameJa: r.from_name },
    toUnit: { id: r.to_id, code: r.to_code, nameJa: r.to_name },
    role: r.role,
    effectiveOn: r.effective_on,
    effectiveAt: new Date(r.effective_at).toISOString(),
    status: r.status,
    appliedAt: r.applied_at ? new Date(r.applied_at).toISOString() : null,
  };
}

/**
 * 人事異動: transfers entered ahead of their 発令日, one by one or as the personnel system's file.
 *
 * Entering a transfer writes its effect on access at once, dated: the person's grants on the old
 * unit (and below it) end at 00:00 JST of the day, the new role on the new unit starts then. Work in
 * flight stays with its unit, since proposals belong to units and access comes from grants: the
 * moved person stops seeing the old bureau's drafts at that instant and starts seeing the new one's.
 * The midnight job only records what already holds (the person's unit, the security log).
 */
@Injectable()
export class PersonnelTransfersService {
  private readonly logger = new Logger(PersonnelTransfersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: SecurityEventsService,
    private readonly principals: PrincipalLoader,
  ) {}

  async list(
    query: PageQuery & { status?: TransferView['status']; effectiveOn?: string },
  ): Promise<Page<TransferView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status) where.push(`t.status = $${params.push(query.status)}`);
    if (query.effectiveOn) where.push(`t.effective_on = $${params.push(query.effectiveOn)}::date`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM personnel_transfer t ${filter}`,
      params,
    );
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} ${filter} ORDER BY t.effective_at, u.username LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, query.offset],
    );
    return pageOf(rows.map(view), total, query);
  }

  /** One transfer; a problem is a 400 naming the field. */
  async schedule(input: TransferInput, actor: { id: string }, origin: RequestOrigin): Promise<TransferView> {
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const errors: Array<{ field: TransferField; problem: string }> = [];
        const checked = await this.check(m, input, new Set(), (field, problem) => errors.push({ field, problem }));
        if (!checked || errors.length > 0)
          throw new DomainError(
            'VALIDATION_FAILED',
            'The transfer cannot be entered',
            errors.map((e) => ({ field: e.field, message: e.problem })),
          );
        const id = await this.write(m, checked, actor.id, origin);
        const rows: Row[] = await m.query(`${SELECT} WHERE t.id = $1`, [id]);
        return view(rows[0]);
      }),
    );
  }

  /** The personnel system's file: every row checked, every problem reported by row and column; one bad row and nothing is entered. */
  async importTable(
    table: TransferTable,
    options: { dryRun: boolean; actor: { id: string } },
    origin: RequestOrigin,
  ): Promise<TransferImportResult> {
    const required: TransferField[] = ['employeeNumber', 'fromUnit', 'toUnit', 'role', 'effectiveOn'];
    const missing = required.filter((f) => !table.headers.includes(TRANSFER_COLUMNS[f]));
    if (missing.length > 0) {
      throw new TransferImportRejectedError(
        missing.map((f) => ({
          row: 1,
          column: TRANSFER_COLUMNS[f],
          problem: 'this column is missing from the header row',
        })),
      );
    }
    if (table.rows.length === 0)
      throw new TransferImportRejectedError([{ row: 2, column: '', problem: 'the file has no rows' }]);
    const result: TransferImportResult = { dryRun: options.dryRun, rows: table.rows.length, scheduled: 0, errors: [] };
    const work = async (m: EntityManager) => {
      const seen = new Set<string>();
      const accepted: Checked[] = [];
      for (const row of table.rows) {
        const cell = (f: TransferField) => row.cells[TRANSFER_COLUMNS[f]] ?? '';
        const input: TransferInput = {
          employeeNumber: cell('employeeNumber'),
          displayName: cell('displayName') || undefined,
          fromUnit: cell('fromUnit'),
          toUnit: cell('toUnit'),
          role: cell('role'),
          effectiveOn: cell('effectiveOn'),
        };
        const before = result.errors.length;
        const checked = await this.check(m, input, seen, (field, problem) =>
          result.errors.push({ row: row.row, column: TRANSFER_COLUMNS[field], problem }),
        );
        if (checked && result.errors.length === before) accepted.push(checked);
      }
      if (result.errors.length > 0) throw new TransferImportRejectedError(result.errors);
      if (options.dryRun) {
        result.scheduled = accepted.length;
        throw new DryRunDone();
      }
      for (const c of accepted) await this.write(m, c, options.actor.id, origin);
      result.scheduled = accepted.length;
      return result;
    };
    try {
      return await this.principals.changing(() => withTransaction(this.dataSource, work));
    } catch (error) {
      if (error instanceof DryRunDone) return result;
      throw error;
    }
  }

  /**
   * Records every transfer whose instant has come: the person's unit becomes the new one, and the
   * security log says so. Idempotent and safe on many workers at once (SKIP LOCKED, one batch per
   * transaction); access itself changed at the instant already, from the dated grants.
   */
  async applyDue(): Promise<number> {
    let applied = 0;
    for (;;) {
      const now = this.clock.now();
      const batch = await withTransaction(this.dataSource, async (m) => {
        const due: Array<{
          id: string;
          user_id: string;
          to_unit_id: string;
          from_unit_id: string;
          effective_on: string;
          username: string;
        }> = await m.query(
          `WITH due AS (
             SELECT t.id FROM personnel_transfer t
              WHERE t.status = 'scheduled' AND t.effective_at <= $1
              ORDER BY t.effective_at LIMIT 500 FOR UPDATE SKIP LOCKED
           ), done AS (
             UPDATE personnel_transfer t SET status = 'applied', applied_at = now() FROM due WHERE t.id = due.id
             RETURNING t.id, t.user_id, t.to_unit_id, t.from_unit_id, t.effective_at, to_char(t.effective_on, 'YYYY-MM-DD') AS effective_on
           )
           SELECT done.*, u.username FROM done JOIN app_user u ON u.id = done.user_id ORDER BY done.effective_at`,
          [now],
        );
        for (const t of due) {
          await m.query(
            `UPDATE app_user SET org_unit_id = $2, version = version + 1, updated_at = now() WHERE id = $1`,
            [t.user_id, t.to_unit_id],
          );
          await this.events.record(m, {
            kind: 'transfer.applied',
            subjectUserId: t.user_id,
            username: t.username,
            details: {
              transferId: t.id,
              fromUnitId: t.from_unit_id,
              toUnitId: t.to_unit_id,
              effectiveOn: t.effective_on,
            },
          });
        }
        return due.length;
      });
      applied += batch;
      if (batch < 500) break;
    }
    if (applied > 0) this.logger.log({ applied }, 'personnel transfers applied');
    return applied;
  }

  private async check(
    m: EntityManager,
    input: TransferInput,
    seen: Set<string>,
    fail: (field: TransferField, problem: string) => void,
  ): Promise<Checked | null> {
    const number = input.employeeNumber.normalize('NFKC').trim();
    let person: { id: string; username: string; display_name: string; org_unit_id: string } | undefined;
    if (!number) fail('employeeNumber', 'is empty');
    else {
      [person] = await m.query(
        `SELECT id, username, display_name, org_unit_id FROM app_user WHERE employee_number = $1 AND active`,
        [number],
      );
      if (!person) fail('employeeNumber', `no active person has the employee number ${number}`);
      else if (input.displayName && normalName(input.displayName) !== normalName(person.display_name)) {
        fail('displayName', `the person with ${number} is ${person.display_name}, not ${input.displayName}`);
      }
    }
    const effectiveOn = parseIssueDate(input.effectiveOn);
    const today = todayInTokyo(this.clock.now());
    if (!effectiveOn) fail('effectiveOn', `"${input.effectiveOn}" is not a day (2027-04-01 or 令和9年4月1日)`);
    else if (effectiveOn <= today)
      fail('effectiveOn', `a transfer is entered ahead: ${effectiveOn} is not after today (${today})`);
    const role = ROLE_WORDS[input.role.normalize('NFKC').trim()];
    if (!role) fail('role', `"${input.role}" is not a role (担当者, 承認者, or one of ${ROLES.join(', ')})`);
    else if (role === 'admin') fail('role', 'administrators are appointed by an admin, never by a personnel file');
    const from = await this.unit(m, input.fromUnit, 'fromUnit', fail);
    const to = await this.unit(m, input.toUnit, 'toUnit', fail);
    if (from && to && from === to) fail('toUnit', 'is the same unit as 旧所属');
    if (!person || !effectiveOn || !role || role === 'admin' || !from || !to || from === to) return null;
    const effectiveAt = instantAt(effectiveOn, '00:00');
    const [{ unit }] = await m.query<Array<{ unit: string | null }>>(`SELECT org_unit_of_user_at($1, $2, $3) AS unit`, [
      person.id,
      person.org_unit_id,
      new Date(effectiveAt.getTime() - 1),
    ]);
    if (unit !== from) {
      const [{ name }] = await m.query<Array<{ name: string }>>(`SELECT name_ja AS name FROM org_unit WHERE id = $1`, [
        unit,
      ]);
      fail('fromUnit', `on the day before, ${person.display_name} belongs to ${name}, not ${input.fromUnit}`);
      return null;
    }
    const key = `${person.id}/${effectiveOn}`;
    const [taken] = await m.query<unknown[]>(
      `SELECT 1 FROM personnel_transfer WHERE user_id = $1 AND effective_on = $2 AND status <> 'cancelled'`,
      [person.id, effectiveOn],
    );
    if (seen.has(key) || taken) {
      fail('employeeNumber', `${number} already has a transfer on ${effectiveOn}`);
      return null;
    }
    seen.add(key);
    return {
      userId: person.id,
      username: person.username,
      fromUnitId: from,
      toUnitId: to,
      role,
      effectiveOn,
      effectiveAt,
    };
  }

  private async unit(
    m: EntityManager,
    text: string,
    field: TransferField,
    fail: (field: TransferField, problem: string) => void,
  ): Promise<string | null> {
    const name = text.normalize('NFKC').trim();
    if (!name) {
      fail(field, 'is empty');
      return null;
    }
    const rows: Array<{ id: string }> = await m.query(
      `SELECT id FROM org_unit WHERE active AND (code = $1 OR name_ja = $1) AND parent_id IS NOT NULL`,
      [name],
    );
    if (rows.length === 1) return rows[0].id;
    fail(
      field,
      rows.length === 0 ? `no unit is called ${name}` : `${name} names ${rows.length} units; use the unit's code`,
    );
    return null;
  }

  private async write(m: EntityManager, t: Checked, actorId: string, origin: RequestOrigin): Promise<string> {
    const [{ id }] = await m.query<Array<{ id: string }>>(
      `INSERT INTO personnel_transfer (user_id, from_unit_id, to_unit_id, role, effective_on, effective_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [t.userId, t.fromUnitId, t.toUnitId, t.role, t.effectiveOn, t.effectiveAt, actorId],
    );
    await endGrantsAtTransfer(m, id);
    await m.query(
      `INSERT INTO role_grant (user_id, role, org_unit_id, valid_from, transfer_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [t.userId, t.role, t.toUnitId, t.effectiveAt, id],
    );
    await this.events.record(
      m,
      {
        kind: 'transfer.scheduled',
        actorUserId: actorId,
        subjectUserId: t.userId,
        username: t.username,
        details: { transferId: id, role: t.role, effectiveOn: t.effectiveOn },
      },
      origin,
    );
    return id;
  }
}

/**
 * THE rule of what a transfer takes away: every grant of the person on the old unit or a unit
 * below it, in force at the transfer's instant, ends then. Grants on the city (事務局, 委員…)
 * stay. Run when a transfer is entered and again whenever an admin rewrites the person's grants.
 */
export async function endGrantsAtTransfer(m: EntityManager, transferId: string): Promise<void> {
  await m.query(
    `WITH RECURSIVE t AS (SELECT * FROM personnel_transfer WHERE id = $1 AND status = 'scheduled'),
     below(id) AS (SELECT from_unit_id FROM t UNION SELECT c.id FROM org_unit c JOIN below b ON c.parent_id = b.id)
     UPDATE role_grant g SET valid_until = t.effective_at FROM t
      WHERE g.user_id = t.user_id AND g.org_unit_id IN (SELECT id FROM below)
        AND g.transfer_id IS DISTINCT FROM t.id
        AND (g.valid_from IS NULL OR g.valid_from < t.effective_at)
        AND (g.valid_until IS NULL OR g.valid_until > t.effective_at)`,
    [transferId],
  );
}

function normalName(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

/** The worker's handler: at 00:00 JST (and each hour after, catching up), records the transfers whose day has come. */
@Injectable()
export class PersonnelTransferJobs {
  constructor(private readonly transfers: PersonnelTransfersService) {}

  @OnJob('personnel.apply_transfers')
  async apply(): Promise<number> {
    return this.transfers.applyDue();
  }
}
