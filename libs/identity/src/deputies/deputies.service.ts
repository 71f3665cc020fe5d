import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { addDays, daysBetween, instantAt, isDay, todayInTokyo } from '#libs/calendar';
import {
  AuditLog,
  Clock,
  DomainError,
  NotFoundError,
  prepared,
  ValidationFailedError,
  withTransaction,
} from '#libs/platform';
import { PrincipalLoader } from '../access/principal.loader.js';
import type { Principal } from '../access/principal.js';

/** Longest 代決 period one naming may cover: a longer absence is a change of post, not a deputy. */
export const MAX_DEPUTY_PERIOD_DAYS = 366;

export type DeputyPeriodStatus = 'scheduled' | 'running' | 'over' | 'cancelled';

export interface PersonView {
  id: string;
  username: string;
  displayName: string;
}

/** 代決: a period (calendar days in Japan, both inclusive) in which `deputy` stands in for `absent`. */
export interface DeputyPeriodView {
  id: string;
  absent: PersonView;
  deputy: PersonView;
  from: string;
  to: string;
  /** The instants the period runs between: 00:00 JST of `from` to 00:00 JST after `to`. */
  startsAt: string;
  endsAt: string;
  reason: string;
  status: DeputyPeriodStatus;
  createdBy: string;
  createdAt: string;
  cancelledAt: string | null;
}

export interface MyDeputyPeriodsView {
  /** Periods in which someone stands in for me (not cancelled long ago: every one not over, and those over in the last 90 days). */
  named: DeputyPeriodView[];
  /** Periods in which I stand in for someone, not over. */
  standingIn: DeputyPeriodView[];
  /** The workflow roles I exercise now as a deputy, by absent person (what my inbox adds). */
  exercising: Array<{ absent: PersonView; roles: string[] }>;
}

/** 後閲: one decision a deputy took for the absent person, with whether they have seen it. */
export interface DeputyDecisionView {
  auditEntryId: string;
  at: string;
  entityType: string;
  entityId: string;
  title: string | null;
  action: string;
  fromState: string | null;
  toState: string | null;
  comment: string | null;
  deputy: { id: string | null; username: string | null; displayName: string | null };
  seenAt: string | null;
}

export interface DeputyPeriodInput {
  deputyUsername: string;
  from: string;
  to: string;
  reason?: string;
}

export class DeputyPeriodOverlapError extends DomainError {
  constructor(other: { from: string; to: string }) {
    super(
      'DEPUTY_PERIOD_OVERLAP',
      `A deputy is already named for ${other.from}–${other.to}, which overlaps this period; cancel it first`,
      [{ field: 'from', message: `overlaps the period ${other.from}–${other.to}` }],
    );
  }
}

export class DeputyPeriodBackdatedError extends DomainError {
  constructor(today: string) {
    super('DEPUTY_PERIOD_BACKDATED', `A period cannot start before today (${today}, Asia/Tokyo)`, [
      { field: 'from', message: `is before today (${today})` },
    ]);
  }
}

export class DeputyCannotNameDeputyError extends DomainError {
  constructor(detail: string, field: string) {
    super('DEPUTY_CANNOT_NAME_DEPUTY', detail, [{ field, message: detail }]);
  }
}

interface PeriodRow {
  id: string;
  absent_id: string;
  absent_username: string;
  absent_display_name: string;
  deputy_id: string;
  deputy_username: string;
  deputy_display_name: string;
  from: string;
  to: string;
  starts_at: Date;
  ends_at: Date;
  reason: string;
  created_by: string;
  created_at: Date;
  cancelled_at: Date | null;
}

interface DecisionRow {
  id: string;
  occurred_at: Date;
  entity_type: string;
  entity_id: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  comment: string | null;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_display_name: string | null;
  title: string | null;
  seen_at: Date | null;
}

const SELECT = `
  SELECT d.id, a.id AS absent_id, a.username AS absent_username, a.display_name AS absent_display_name,
         p.id AS deputy_id, p.username AS deputy_username, p.display_name AS deputy_display_name,
         to_char(d.starts_on, 'YYYY-MM-DD') AS "from", to_char(d.ends_on, 'YYYY-MM-DD') AS "to", d.starts_at, d.ends_at, d.reason,
         c.username AS created_by, d.created_at, d.cancelled_at
    FROM deputy_assignment d
    JOIN app_user a ON a.id = d.absent_user_id
    JOIN app_user p ON p.id = d.deputy_user_id
    JOIN app_user c ON c.id = d.created_by`;

/** Periods of one person, as absent or as deputy, that overlap [$2, $3) and are not cancelled. */
const OVERLAPPING = (role: 'absent_user_id' | 'deputy_user_id') => `
  SELECT to_char(starts_on, 'YYYY-MM-DD') AS "from", to_char(ends_on, 'YYYY-MM-DD') AS "to" FROM deputy_assignment
   WHERE ${role} = $1 AND cancelled_at IS NULL AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at LIMIT 1`;

/**
 * 代決 (deputies): a person — or an administrator for them — names a deputy for a period of days
 * in Japan. While it runs the deputy takes the absent person's workflow steps on the same units
 * (the principal carries the period; the engine asks `standsInFor`), hears what waits for them,
 * and every such decision is recorded for the absent person to read on return (後閲).
 *
 * The rules: no period starts before today (no back-dating); a person has one deputy at a time
 * (overlaps refused); a deputy cannot name a deputy, nor be named while away themselves (no chains,
 * so a decision always traces to the one person whose authority it used).
 */
@Injectable()
export class DeputiesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly principals: PrincipalLoader,
  ) {}

  private view(r: PeriodRow): DeputyPeriodView {
    const now = this.clock.now().getTime();
    const status: DeputyPeriodStatus = r.cancelled_at
      ? 'cancelled'
      : new Date(r.ends_at).getTime() <= now
        ? 'over'
        : new Date(r.starts_at).getTime() <= now
          ? 'running'
          : 'scheduled';
    return {
      id: r.id,
      absent: { id: r.absent_id, username: r.absent_username, displayName: r.absent_display_name },
      deputy: { id: r.deputy_id, username: r.deputy_username, displayName: r.deputy_display_name },
      from: r.from,
      to: r.to,
      startsAt: new Date(r.starts_at).toISOString(),
      endsAt: new Date(r.ends_at).toISOString(),
      reason: r.reason,
      status,
      createdBy: r.created_by,
      createdAt: new Date(r.created_at).toISOString(),
      cancelledAt: r.cancelled_at ? new Date(r.cancelled_at).toISOString() : null,
    };
  }

  /** The caller's periods, both ways, and what they exercise as a deputy right now. */
  async mine(principal: Principal): Promise<MyDeputyPeriodsView> {
    const since = new Date(this.clock.now().getTime() - 90 * 86_400_000);
    const { rows: named } = await prepared<PeriodRow>(
      this.dataSource.manager,
      `${SELECT} WHERE d.absent_user_id = $1 AND d.ends_at > $2 ORDER BY d.starts_at, d.id`,
      [principal.id, since],
    );
    const { rows: standingIn } = await prepared<PeriodRow>(
      this.dataSource.manager,
      `${SELECT} WHERE d.deputy_user_id = $1 AND d.cancelled_at IS NULL AND d.ends_at > $2 ORDER BY d.starts_at, d.id`,
      [principal.id, this.clock.now()],
    );
    return {
      named: named.map((r) => this.view(r)),
      standingIn: standingIn.map((r) => this.view(r)),
      exercising: principal.deputyships.map((d) => ({
        absent: d.absent,
        roles: [...new Set(d.grants.map((g) => g.role))],
      })),
    };
  }

  /** Administrators: every period not over (or a person's, as absent or deputy). */
  async list(query: { username?: string }): Promise<DeputyPeriodView[]> {
    const params: unknown[] = [this.clock.now()];
    const who = query.username
      ? `AND (a.username = $${params.push(query.username)} OR p.username = $${params.length})`
      : '';
    const { rows } = await prepared<PeriodRow>(
      this.dataSource.manager,
      `${SELECT} WHERE d.ends_at > $1 ${who} ORDER BY d.starts_at, a.username, d.id LIMIT 500`,
      params,
    );
    return rows.map((r) => this.view(r));
  }

  /** The caller names a deputy for themselves. */
  async nameForMe(principal: Principal, input: DeputyPeriodInput): Promise<DeputyPeriodView> {
    return this.name(principal, { id: principal.id, username: principal.user.username }, input);
  }

  /** An administrator names a deputy for someone. */
  async nameFor(principal: Principal, absentUsername: string, input: DeputyPeriodInput): Promise<DeputyPeriodView> {
    const absent = await this.activeUser(this.dataSource.manager, absentUsername, 'absentUsername');
    return this.name(principal, absent, input);
  }

  private async name(
    principal: Principal,
    absent: { id: string; username: string },
    input: DeputyPeriodInput,
  ): Promise<DeputyPeriodView> {
    const { from, to } = input;
    const errors = [
      ...(isDay(from) ? [] : [{ field: 'from', message: 'must be a calendar day YYYY-MM-DD' }]),
      ...(isDay(to) ? [] : [{ field: 'to', message: 'must be a calendar day YYYY-MM-DD' }]),
    ];
    if (errors.length > 0) throw new ValidationFailedError(errors);
    if (to < from) throw new ValidationFailedError([{ field: 'to', message: 'is before from' }]);
    if (daysBetween(from, to) + 1 > MAX_DEPUTY_PERIOD_DAYS)
      throw new ValidationFailedError([
        { field: 'to', message: `the period may cover at most ${MAX_DEPUTY_PERIOD_DAYS} days` },
      ]);
    const today = todayInTokyo(this.clock.now());
    if (from < today) throw new DeputyPeriodBackdatedError(today);
    const startsAt = instantAt(from, '00:00');
    const endsAt = instantAt(addDays(to, 1), '00:00');

    const id = await this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const deputy = await this.activeUser(m, input.deputyUsername, 'deputyUsername');
        if (deputy.id === absent.id)
          throw new ValidationFailedError([{ field: 'deputyUsername', message: 'names the absent person themselves' }]);
        // One naming at a time, city-wide: the overlap and chain checks below read what the others wrote.
        await prepared(m, `SELECT pg_advisory_xact_lock(hashtext('deputy_assignment'))`);
        const overlap = async (sql: string, personId: string) =>
          (await prepared<{ from: string; to: string }>(m, sql, [personId, startsAt, endsAt])).rows[0];
        const own = await overlap(OVERLAPPING('absent_user_id'), absent.id);
        if (own) throw new DeputyPeriodOverlapError(own);
        const standing = await overlap(OVERLAPPING('deputy_user_id'), absent.id);
        if (standing) {
          throw new DeputyCannotNameDeputyError(
            `${absent.username} stands in for someone ${standing.from}–${standing.to}: a deputy cannot name a deputy`,
            'from',
          );
        }
        const away = await overlap(OVERLAPPING('absent_user_id'), deputy.id);
        if (away)
          throw new DeputyCannotNameDeputyError(
            `${deputy.username} is away ${away.from}–${away.to} with a deputy of their own`,
            'deputyUsername',
          );
        const {
          rows: [row],
        } = await prepared<{ id: string }>(
          m,
          `INSERT INTO deputy_assignment (absent_user_id, deputy_user_id, starts_on, ends_on, starts_at, ends_at, reason, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
          [absent.id, deputy.id, from, to, startsAt, endsAt, input.reason ?? '', principal.id],
        );
        await this.audit.append(m, {
          actorUserId: principal.id,
          actorUsername: principal.user.username,
          entityType: 'deputy_assignment',
          entityId: row.id,
          action: 'name_deputy',
          details: { absent: absent.username, deputy: deputy.username, from, to, reason: input.reason ?? '' },
        });
        return row.id;
      }),
    );
    return this.get(id);
  }

  /** Ends a period before its time (or withdraws one to come): the absent person for themselves, or an administrator. */
  async cancel(principal: Principal, id: string, options: { asAdmin: boolean }): Promise<DeputyPeriodView> {
    await this.principals.changing(() =>
      withTransaction(this.dataSource, async (m) => {
        const {
          rows: [row],
        } = await prepared<PeriodRow>(m, `${SELECT} WHERE d.id = $1 FOR UPDATE OF d`, [id]);
        if (!row || (!options.asAdmin && row.absent_id !== principal.id)) throw new NotFoundError('The deputy period');
        const view = this.view(row);
        if (view.status === 'cancelled' || view.status === 'over')
          throw new DomainError('CONFLICT', `The period is already ${view.status === 'over' ? 'over' : 'cancelled'}`);
        await prepared(m, `UPDATE deputy_assignment SET cancelled_at = $2, cancelled_by = $3 WHERE id = $1`, [
          id,
          this.clock.now(),
          principal.id,
        ]);
        await this.audit.append(m, {
          actorUserId: principal.id,
          actorUsername: principal.user.username,
          entityType: 'deputy_assignment',
          entityId: id,
          action: 'cancel_deputy',
          details: {
            absent: row.absent_username,
            deputy: row.deputy_username,
            from: row.from,
            to: row.to,
            was: view.status,
          },
        });
      }),
    );
    return this.get(id);
  }

  /** 後閲: the decisions deputies took for the caller, newest first. */
  async decisionsForMe(principal: Principal, query: { unseen?: boolean }): Promise<DeputyDecisionView[]> {
    const { rows } = await prepared<DecisionRow>(
      this.dataSource.manager,
      `SELECT l.id, l.occurred_at, l.entity_type, l.entity_id, l.action, l.from_state, l.to_state, l.details->>'comment' AS comment,
              l.actor_user_id, l.actor_username, u.display_name AS actor_display_name,
              coalesce(pr.title, q.title, i.code || ' ' || i.title) AS title, s.seen_at
         FROM audit_log l
         LEFT JOIN app_user u ON u.id = l.actor_user_id
         LEFT JOIN proposal pr ON l.entity_type = 'proposal' AND pr.id::text = l.entity_id
         LEFT JOIN inquiry q ON l.entity_type = 'inquiry' AND q.id::text = l.entity_id
         LEFT JOIN progress_report r ON l.entity_type = 'progress_report' AND r.id::text = l.entity_id
         LEFT JOIN initiative i ON i.id = r.initiative_id
         LEFT JOIN deputy_decision_seen s ON s.audit_entry_id = l.id
        WHERE l.details ? 'onBehalfOf' AND (l.details->'onBehalfOf'->>'userId')::uuid = $1 ${query.unseen ? 'AND s.seen_at IS NULL' : ''}
        ORDER BY l.occurred_at DESC, l.id LIMIT 200`,
      [principal.id],
    );
    return rows.map((r) => ({
      auditEntryId: r.id,
      at: new Date(r.occurred_at).toISOString(),
      entityType: r.entity_type,
      entityId: r.entity_id,
      title: r.title,
      action: r.action,
      fromState: r.from_state,
      toState: r.to_state,
      comment: r.comment,
      deputy: { id: r.actor_user_id, username: r.actor_username, displayName: r.actor_display_name },
      seenAt: r.seen_at ? new Date(r.seen_at).toISOString() : null,
    }));
  }

  /** 後閲: the absent person marks a decision taken for them as seen (once; marking again changes nothing). */
  async markSeen(principal: Principal, auditEntryId: string): Promise<void> {
    const { affected } = await prepared(
      this.dataSource.manager,
      `WITH mine AS (SELECT id FROM audit_log WHERE id = $1 AND details ? 'onBehalfOf' AND (details->'onBehalfOf'->>'userId')::uuid = $2)
       INSERT INTO deputy_decision_seen (audit_entry_id, user_id) SELECT id, $2 FROM mine ON CONFLICT (audit_entry_id) DO NOTHING`,
      [auditEntryId, principal.id],
    );
    if (affected === 0) {
      const { rows } = await prepared(
        this.dataSource.manager,
        `SELECT 1 FROM deputy_decision_seen WHERE audit_entry_id = $1 AND user_id = $2`,
        [auditEntryId, principal.id],
      );
      if (rows.length === 0) throw new NotFoundError('The decision');
    }
  }

  private async get(id: string): Promise<DeputyPeriodView> {
    const { rows } = await prepared<PeriodRow>(this.dataSource.manager, `${SELECT} WHERE d.id = $1`, [id]);
    return this.view(rows[0]);
  }

  private async activeUser(
    m: EntityManager,
    username: string,
    field: string,
  ): Promise<{ id: string; username: string }> {
    const { rows } = await prepared<{ id: string; username: string }>(
      m,
      `SELECT id, username FROM app_user WHERE username = $1 AND active`,
      [username],
    );
    if (rows.length === 0) throw new ValidationFailedError([{ field, message: 'names no active user' }]);
    return rows[0];
  }
}
