import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { instantAt, isDay, todayInTokyo } from '#libs/calendar';
import { Clock, DomainError, OnJob, withTransaction, type FieldError } from '#libs/platform';
import { PrincipalLoader } from '../access/principal.loader.js';
import type { OrgUnitKind } from '../roles.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';

export const REORGANISATION_KINDS = ['rename', 'merge', 'split'] as const;
export type ReorganisationKind = (typeof REORGANISATION_KINDS)[number];

export interface NewUnitInput {
  code: string;
  nameJa: string;
  nameEn: string;
}

/** 機構改革 as entered: what changes, from which day (00:00 JST). */
export interface ReorganisationInput {
  kind: ReorganisationKind;
  effectiveOn: string;
  /** rename, split: the unit. */
  unit?: string;
  /** rename: the new names. */
  nameJa?: string;
  nameEn?: string;
  /** merge: the units merged … */
  units?: string[];
  /** … into this new unit. */
  into?: NewUnitInput;
  /** split: the new units, the first being the one that carries the open work on. */
  successors?: NewUnitInput[];
}

export interface ReorganisationView {
  id: string;
  kind: ReorganisationKind;
  effectiveOn: string;
  effectiveAt: string;
  status: 'scheduled' | 'applied';
  details: Record<string, unknown>;
  appliedAt: string | null;
}

interface UnitRow {
  id: string;
  code: string;
  name_ja: string;
  name_en: string;
  kind: OrgUnitKind;
  parent_id: string | null;
  active: boolean;
}

/**
 * 機構改革 as data. Entered ahead; what access depends on is written at once, dated, so it holds
 * from 00:00 JST of the day on every instance: a merged unit's grants end and the same roles on
 * the new unit begin, and a unit that took others over covers their records (principal.loader).
 * Records keep the unit they belonged to; history, reports and exports name it as it was named
 * then (org_unit_name_at), and roll-ups map it to the organisation of their year (org_unit_in_force_at).
 * The job records the rest when the day comes: the new names, the old units closed, their
 * divisions, open deadlines (with their reminders) and open inquiries handed to the successor.
 */
@Injectable()
export class ReorganisationsService {
  private readonly logger = new Logger(ReorganisationsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: SecurityEventsService,
    private readonly principals: PrincipalLoader,
  ) {}

  async list(): Promise<ReorganisationView[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT id, kind, to_char(effective_on, 'YYYY-MM-DD') AS effective_on, effective_at, status, details, applied_at FROM org_reorganisation ORDER BY effective_at, created_at`,
    );
    return rows.map(view);
  }

  async schedule(
    input: ReorganisationInput,
    actor: { id: string; user: { username: string } },
    origin: RequestOrigin,
  ): Promise<ReorganisationView> {
    return this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const errors: FieldError[] = [];
        const fail = (field: string, message: string) => errors.push({ field, message });
        const today = todayInTokyo(this.clock.now());
        if (!isDay(input.effectiveOn)) fail('effectiveOn', 'must be a YYYY-MM-DD day');
        else if (input.effectiveOn <= today)
          fail('effectiveOn', `a reorganisation is entered ahead: ${input.effectiveOn} is not after today (${today})`);
        const at = isDay(input.effectiveOn) ? instantAt(input.effectiveOn, '00:00') : new Date(NaN);
        let details: Record<string, unknown> = {};
        const reorganisation = async () => {
          const [{ id }] = await m.query<Array<{ id: string }>>(
            `INSERT INTO org_reorganisation (kind, effective_on, effective_at, created_by, details) VALUES ($1, $2, $3, $4, '{}') RETURNING id`,
            [input.kind, input.effectiveOn, at, actor.id],
          );
          return id;
        };
        let id: string | null = null;
        switch (input.kind) {
          case 'rename': {
            const unit = await this.unit(m, input.unit, 'unit', fail);
            if (!input.nameJa) fail('nameJa', 'is required for a rename');
            if (
              unit &&
              isDay(input.effectiveOn) &&
              (
                await m.query<unknown[]>(`SELECT 1 FROM org_unit_name WHERE unit_id = $1 AND valid_from = $2`, [
                  unit.id,
                  at,
                ])
              ).length > 0
            ) {
              fail('effectiveOn', `${unit.name_ja} is already renamed on ${input.effectiveOn}`);
            }
            if (!unit || errors.length > 0) break;
            id = await reorganisation();
            // The name borne until now is kept as the unit's first, so that earlier records keep showing it.
            await m.query(
              `INSERT INTO org_unit_name (unit_id, name_ja, name_en, valid_from) SELECT $1, $2, $3, NULL WHERE NOT EXISTS (SELECT 1 FROM org_unit_name WHERE unit_id = $1)`,
              [unit.id, unit.name_ja, unit.name_en],
            );
            await m.query(
              `INSERT INTO org_unit_name (unit_id, name_ja, name_en, valid_from, reorganisation_id) VALUES ($1, $2, $3, $4, $5)`,
              [unit.id, input.nameJa, input.nameEn ?? unit.name_en, at, id],
            );
            details = { unit: unit.code, from: unit.name_ja, to: input.nameJa };
            break;
          }
          case 'merge': {
            const codes = input.units ?? [];
            if (codes.length < 2) fail('units', 'a merge takes two units or more');
            if (!input.into) fail('into', 'names the new unit');
            const units: UnitRow[] = [];
            for (const [i, code] of codes.entries()) {
              const u = await this.unit(m, code, `units[${i}]`, fail);
              if (u) units.push(u);
            }
            if (units.length >= 2 && new Set(units.map((u) => `${u.kind}/${String(u.parent_id)}`)).size > 1)
              fail('units', 'units merged must be of one kind under one parent');
            if (input.into) await this.freeCode(m, input.into.code, 'into.code', fail);
            if (errors.length > 0 || !input.into) break;
            id = await reorganisation();
            const successor = await this.createUnit(m, input.into, units[0], at);
            for (const u of units) await this.succeed(m, u.id, successor, at, true, id);
            await this.moveGrants(
              m,
              units.map((u) => u.id),
              successor,
              at,
            );
            details = { units: units.map((u) => ({ code: u.code, nameJa: u.name_ja })), into: input.into };
            break;
          }
          case 'split': {
            const unit = await this.unit(m, input.unit, 'unit', fail);
            const successors = input.successors ?? [];
            if (successors.length < 2) fail('successors', 'a split makes two units or more');
            for (const [i, s] of successors.entries()) await this.freeCode(m, s.code, `successors[${i}].code`, fail);
            if (!unit || errors.length > 0) break;
            id = await reorganisation();
            for (const [i, s] of successors.entries())
              await this.succeed(m, unit.id, await this.createUnit(m, s, unit, at), at, i === 0, id);
            // Who goes where is the personnel system's to say (人事異動 of the same day); the old unit's grants end with it.
            await m.query(
              `UPDATE role_grant SET valid_until = $2 WHERE org_unit_id = $1 AND (valid_until IS NULL OR valid_until > $2) AND (valid_from IS NULL OR valid_from < $2)`,
              [unit.id, at],
            );
            details = { unit: unit.code, nameJa: unit.name_ja, successors };
            break;
          }
          default:
            fail('kind', `must be one of ${REORGANISATION_KINDS.join(', ')}`);
        }
        if (errors.length > 0 || !id)
          throw new DomainError('VALIDATION_FAILED', 'The reorganisation cannot be entered', errors);
        await m.query(`UPDATE org_reorganisation SET details = $2::jsonb WHERE id = $1`, [id, JSON.stringify(details)]);
        await this.events.record(
          m,
          {
            kind: 'reorganisation.scheduled',
            actorUserId: actor.id,
            username: actor.user.username,
            details: { reorganisationId: id, kind: input.kind, effectiveOn: input.effectiveOn, ...details },
          },
          origin,
        );
        const [row] = await m.query<Array<Record<string, unknown>>>(
          `SELECT id, kind, to_char(effective_on, 'YYYY-MM-DD') AS effective_on, effective_at, status, details, applied_at FROM org_reorganisation WHERE id = $1`,
          [id],
        );
        return view(row);
      }),
    );
  }

  /** Records the reorganisations whose day has come (idempotent, safe on many workers). */
  async applyDue(): Promise<number> {
    return withTransaction(this.dataSource, async (m) => {
      const due: Array<{ id: string; kind: ReorganisationKind }> = await m.query(
        `SELECT id, kind FROM org_reorganisation WHERE status = 'scheduled' AND effective_at <= $1 ORDER BY effective_at FOR UPDATE SKIP LOCKED`,
        [this.clock.now()],
      );
      for (const r of due) {
        // The names in force from now on become the units' names everywhere.
        await m.query(
          `UPDATE org_unit u SET name_ja = n.name_ja, name_en = n.name_en, version = u.version + 1, updated_at = now() FROM org_unit_name n WHERE n.reorganisation_id = $1 AND n.unit_id = u.id`,
          [r.id],
        );
        const handed: Array<{ predecessor_id: string; successor_id: string }> = await m.query(
          `SELECT predecessor_id, successor_id FROM org_unit_succession WHERE reorganisation_id = $1 AND is_primary`,
          [r.id],
        );
        for (const s of handed) {
          await m.query(`UPDATE org_unit SET active = false, version = version + 1, updated_at = now() WHERE id = $1`, [
            s.predecessor_id,
          ]);
          await m.query(
            `UPDATE org_unit SET parent_id = $2, version = version + 1, updated_at = now() WHERE parent_id = $1`,
            [s.predecessor_id, s.successor_id],
          );
          // Open deadlines (and so their reminders, whose recipients are read when they fire) move on,
          // under the successor's key; where the successor has that deadline already (A + B → C), one stays.
          await m.query(
            `UPDATE deadline d SET owner_unit_id = $2::uuid, key = replace(d.key, $1::text, $2::text), version = d.version + 1, updated_at = now()
              WHERE d.owner_unit_id = $1 AND d.satisfied_at IS NULL AND d.cancelled_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM deadline x WHERE x.key = replace(d.key, $1::text, $2::text))`,
            [s.predecessor_id, s.successor_id],
          );
          await m.query(
            `UPDATE deadline SET cancelled_at = now(), version = version + 1, updated_at = now() WHERE owner_unit_id = $1 AND satisfied_at IS NULL AND cancelled_at IS NULL`,
            [s.predecessor_id],
          );
          await m.query(
            `INSERT INTO inquiry_target (inquiry_id, org_unit_id)
             SELECT t.inquiry_id, $2 FROM inquiry_target t JOIN inquiry i ON i.id = t.inquiry_id
              WHERE t.org_unit_id = $1 AND i.state IN ('draft', 'open') ON CONFLICT DO NOTHING`,
            [s.predecessor_id, s.successor_id],
          );
        }
        await m.query(`UPDATE org_reorganisation SET status = 'applied', applied_at = now() WHERE id = $1`, [r.id]);
        await this.events.record(m, {
          kind: 'reorganisation.applied',
          details: { reorganisationId: r.id, kind: r.kind },
        });
      }
      if (due.length > 0) this.logger.log({ applied: due.length }, 'reorganisations applied');
      return due.length;
    });
  }

  private async unit(
    m: EntityManager,
    code: string | undefined,
    field: string,
    fail: (field: string, message: string) => void,
  ): Promise<UnitRow | null> {
    if (!code) {
      fail(field, 'is required');
      return null;
    }
    const [u]: UnitRow[] = await m.query(
      `SELECT id, code, name_ja, name_en, kind, parent_id, active FROM org_unit WHERE code = $1`,
      [code],
    );
    if (!u || !u.active) fail(field, `no active unit has the code ${code}`);
    else if (u.kind === 'city') fail(field, 'the city itself is not reorganised');
    else if (
      await m
        .query<unknown[]>(`SELECT 1 FROM org_unit_succession WHERE predecessor_id = $1`, [u.id])
        .then((r: unknown[]) => r.length > 0)
    ) {
      fail(field, `${u.name_ja} is already merged or split by an entered reorganisation`);
    } else return u;
    return null;
  }

  private async freeCode(
    m: EntityManager,
    code: string,
    field: string,
    fail: (field: string, message: string) => void,
  ): Promise<void> {
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(code)) fail(field, 'must be a lower-case code');
    else if ((await m.query<unknown[]>(`SELECT 1 FROM org_unit WHERE code = $1`, [code])).length > 0)
      fail(field, `the code ${code} is taken`);
  }

  private async createUnit(m: EntityManager, u: NewUnitInput, like: UnitRow, at: Date): Promise<string> {
    const [{ id }] = await m.query<Array<{ id: string }>>(
      `INSERT INTO org_unit (code, name_ja, name_en, kind, parent_id, valid_from) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [u.code, u.nameJa, u.nameEn, like.kind, like.parent_id, at],
    );
    return id;
  }

  private async succeed(
    m: EntityManager,
    predecessor: string,
    successor: string,
    at: Date,
    primary: boolean,
    reorganisationId: string,
  ): Promise<void> {
    await m.query(`UPDATE org_unit SET valid_until = $2 WHERE id = $1`, [predecessor, at]);
    await m.query(
      `INSERT INTO org_unit_succession (predecessor_id, successor_id, effective_at, is_primary, reorganisation_id) VALUES ($1, $2, $3, $4, $5)`,
      [predecessor, successor, at, primary, reorganisationId],
    );
  }

  /** A merge: everyone's roles on the merged units become the same roles on the new unit, at its instant. */
  private async moveGrants(m: EntityManager, from: string[], to: string, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO role_grant (user_id, role, org_unit_id, valid_from)
       SELECT DISTINCT g.user_id, g.role, $2::uuid, $3::timestamptz FROM role_grant g
        WHERE g.org_unit_id = ANY($1::uuid[]) AND (g.valid_from IS NULL OR g.valid_from <= $3) AND (g.valid_until IS NULL OR g.valid_until > $3)
       ON CONFLICT DO NOTHING`,
      [from, to, at],
    );
    await m.query(
      `UPDATE role_grant SET valid_until = $2 WHERE org_unit_id = ANY($1::uuid[]) AND (valid_until IS NULL OR valid_until > $2) AND (valid_from IS NULL OR valid_from < $2)`,
      [from, at],
    );
  }
}

function view(r: Record<string, unknown>): ReorganisationView {
  return {
    id: r.id as string,
    kind: r.kind as ReorganisationKind,
    effectiveOn: r.effective_on as string,
    effectiveAt: new Date(r.effective_at as string).toISOString(),
    status: r.status as ReorganisationView['status'],
    details: (r.details as Record<string, unknown>) ?? {},
    appliedAt: r.applied_at ? new Date(r.applied_at as string).toISOString() : null,
  };
}

/** The worker's handler: at 00:00 JST (and each hour after), records the reorganisations whose day has come. */
@Injectable()
export class ReorganisationJobs {
  constructor(private readonly reorganisations: ReorganisationsService) {}

  @OnJob('organisation.apply_reorganisations')
  async apply(): Promise<number> {
    return this.reorganisations.applyDue();
  }
}
