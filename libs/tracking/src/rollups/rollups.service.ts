import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel, fiscalYearLastInstant } from '#libs/calendar';
import { AuditLog, canonicalJson, NotFoundError, prepared, withTransaction } from '#libs/platform';
import { scaleOf, type ScaleEntry } from '#libs/planning';

export type RollupDimension = 'policy' | 'orgUnit';

export interface RollupRow {
  key: { id: string | null; code: string; label: string };
  counts: Record<string, number>;
  total: number;
}

/** Which organisation a year's counts by unit follow: that year's (default), or today's (restated). */
export const ROLLUP_ORGANISATIONS = ['fiscal_year', 'today'] as const;
export type RollupOrganisation = (typeof ROLLUP_ORGANISATIONS)[number];

export interface RollupView {
  planId: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  scale: ScaleEntry[];
  totals: Record<string, number>;
  total: number;
  by?: RollupDimension;
  rows?: RollupRow[];
  refreshedAt: string | null;
}

export interface SnapshotContent {
  fiscalYear: number;
  scale: ScaleEntry[];
  rollup: Array<{ policyId: string | null; orgUnitId: string; statusCode: string; count: number }>;
  initiatives: Array<{ code: string; title: string; statusCode: string; reason: string }>;
}

/** A frozen snapshot (rollup_snapshot) as stored. */
interface SnapshotRow {
  id: string;
  plan_id: string;
  fiscal_year: number;
  title: string;
  meeting_id: string | null;
  taken_at: Date;
  taken_by: string | null;
  content: SnapshotContent;
  content_hash: string;
}

/** Policy numbers and unit codes in natural order ("2" before "10"); one collator, built once. */
const CODE_ORDER = new Intl.Collator('ja', { numeric: true });

/**
 * Progress counted by status × policy × unit per plan and fiscal year. The counts live in
 * `rollup` and are rebuilt for one (plan, year) by a job after each confirmed report and
 * by a nightly scheduler, so reading them stays cheap however many reports there are.
 */
@Injectable()
export class RollupsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  /** Recounts one plan's year from the confirmed annual reports. */
  async refresh(m: EntityManager, planId: string, fiscalYear: number): Promise<void> {
    await m.query(
      `INSERT INTO rollup_refresh (plan_id, fiscal_year, refreshed_at) VALUES ($1, $2, now())
       ON CONFLICT (plan_id, fiscal_year) DO UPDATE SET refreshed_at = excluded.refreshed_at`,
      [planId, fiscalYear],
    );
    await m.query(`DELETE FROM rollup WHERE plan_id = $1 AND fiscal_year = $2`, [planId, fiscalYear]);
    await m.query(
      `INSERT INTO rollup (plan_id, fiscal_year, policy_id, org_unit_id, status_code, count)
       SELECT pr.plan_id, pr.fiscal_year, i.policy_id, i.owning_unit_id, pr.status_code, count(*)
         FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id
        WHERE pr.plan_id = $1 AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed'
        GROUP BY pr.plan_id, pr.fiscal_year, i.policy_id, i.owning_unit_id, pr.status_code`,
      [planId, fiscalYear],
    );
  }

  /** Recounts in a transaction of its own, serialised per (plan, year) so two never interleave. */
  async refreshAlone(planId: string, fiscalYear: number): Promise<void> {
    await withTransaction(this.dataSource, async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`rollup:${planId}:${fiscalYear}`]);
      await this.refresh(m, planId, fiscalYear);
    });
  }

  /**
   * Recounts the plan-years with annual reports changed since their last recount (within the
   * last day; older ones are the nightly recount's): what a recount job lost with Redis, or
   * given up, left behind. A report whose transaction began just before a recount may have
   * committed after it, hence the minute's overlap: at worst one recount too many.
   */
  async refreshStale(): Promise<number> {
    const stale: Array<{ plan_id: string; fiscal_year: number }> = await this.dataSource.query(
      `SELECT pr.plan_id, pr.fiscal_year
         FROM progress_report pr
         LEFT JOIN rollup_refresh rr ON rr.plan_id = pr.plan_id AND rr.fiscal_year = pr.fiscal_year
        WHERE pr.period = 'annual' AND pr.updated_at > now() - interval '26 hours'
        GROUP BY pr.plan_id, pr.fiscal_year, rr.refreshed_at
       HAVING rr.refreshed_at IS NULL OR max(pr.updated_at) > rr.refreshed_at - interval '1 minute'`,
    );
    for (const p of stale) await this.refreshAlone(p.plan_id, p.fiscal_year);
    return stale.length;
  }

  async refreshAll(): Promise<number> {
    const pairs: Array<{ plan_id: string; fiscal_year: number }> = await this.dataSource.query(
      `SELECT DISTINCT plan_id, fiscal_year FROM progress_report WHERE state = 'confirmed'`,
    );
    for (const p of pairs) await this.refreshAlone(p.plan_id, p.fiscal_year);
    return pairs.length;
  }

  /**
   * The counts of a plan-year. By unit, each initiative counts for the unit that stood for its own
   * in that year's organisation, under the name of then (a merged bureau's initiatives count for
   * the merged unit only from its first year); `organisation: 'today'` restates the year by the
   * organisation in force at `now`.
   */
  async read(
    planId: string,
    fiscalYear: number,
    by?: RollupDimension,
    manager: EntityManager = this.dataSource.manager,
    organisation: { as: RollupOrganisation; now: Date } = { as: 'fiscal_year', now: new Date() },
  ): Promise<RollupView> {
    const asOf = organisation.as === 'today' ? organisation.now : fiscalYearLastInstant(fiscalYear);
    const scale = await scaleOf(manager, planId);
    if (scale.length === 0) throw new NotFoundError('The plan');
    const { rows } = await prepared<{
      status_code: string;
      key_id: string | null;
      key_code: string;
      key_label: string;
      n: number;
      refreshed: Date | null;
    }>(
      manager,
      by === 'policy'
        ? `SELECT r.status_code, r.policy_id AS key_id, coalesce(pp.number::text, '-') AS key_code, coalesce(pp.title, '（方針なし）') AS key_label,
                  sum(r.count)::int AS n, max(r.refreshed_at) AS refreshed
             FROM rollup r LEFT JOIN plan_policy pp ON pp.id = r.policy_id
            WHERE r.plan_id = $1 AND r.fiscal_year = $2 GROUP BY 1, 2, 3, 4`
        : by === 'orgUnit'
          ? `SELECT r.status_code, o.id AS key_id, o.code AS key_code, org_unit_name_at(o.id, $3) AS key_label, sum(r.count)::int AS n, max(r.refreshed_at) AS refreshed
               FROM rollup r JOIN org_unit o ON o.id = org_unit_in_force_at(r.org_unit_id, $3)
              WHERE r.plan_id = $1 AND r.fiscal_year = $2 GROUP BY 1, 2, 3, 4`
          : `SELECT r.status_code, NULL::uuid AS key_id, '' AS key_code, '' AS key_label, sum(r.count)::int AS n, max(r.refreshed_at) AS refreshed
               FROM rollup r WHERE r.plan_id = $1 AND r.fiscal_year = $2 GROUP BY 1`,
      by === 'orgUnit' ? [planId, fiscalYear, asOf] : [planId, fiscalYear],
    );
    const zero = () => Object.fromEntries(scale.map((s) => [s.code, 0])) as Record<string, number>;
    const totals = zero();
    const grouped = new Map<string, RollupRow>();
    let refreshed: Date | null = null;
    for (const r of rows) {
      totals[r.status_code] = (totals[r.status_code] ?? 0) + r.n;
      if (r.refreshed && (!refreshed || r.refreshed > refreshed)) refreshed = r.refreshed;
      if (!by) continue;
      const k = r.key_id ?? 'none';
      const row = grouped.get(k) ?? {
        key: { id: r.key_id, code: r.key_code, label: r.key_label },
        counts: zero(),
        total: 0,
      };
      row.counts[r.status_code] = (row.counts[r.status_code] ?? 0) + r.n;
      row.total += r.n;
      grouped.set(k, row);
    }
    return {
      planId,
      fiscalYear,
      fiscalYearLabel: fiscalYearLabel(fiscalYear),
      scale,
      totals,
      total: Object.values(totals).reduce((a, b) => a + b, 0),
      ...(by ? { by, rows: [...grouped.values()].sort((a, b) => CODE_ORDER.compare(a.key.code, b.key.code)) } : {}),
      refreshedAt: refreshed ? new Date(refreshed).toISOString() : null,
    };
  }

  /**
   * Freezes what the council is told for a plan's year: the counts and every initiative's
   * status, as they stand. A snapshot never changes (a trigger refuses), so a report can be
   * reproduced years later; the audit log records who took it.
   */
  async takeSnapshot(
    m: EntityManager,
    planId: string,
    fiscalYear: number,
    title: string,
    actor: { id: string; username: string },
    meetingId?: string,
  ) {
    await this.refresh(m, planId, fiscalYear);
    const content: SnapshotContent = {
      fiscalYear,
      scale: await scaleOf(m, planId),
      rollup: (
        await m.query<Array<{ policy_id: string | null; org_unit_id: string; status_code: string; count: number }>>(
          `SELECT policy_id, org_unit_id, status_code, count FROM rollup WHERE plan_id = $1 AND fiscal_year = $2 ORDER BY 3, 1, 2`,
          [planId, fiscalYear],
        )
      ).map((r) => ({
        policyId: r.policy_id,
        orgUnitId: r.org_unit_id,
        statusCode: r.status_code,
        count: r.count,
      })),
      initiatives: await m.query<SnapshotContent['initiatives']>(
        `SELECT i.code, i.title, pr.status_code AS "statusCode", pr.reason FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id
          WHERE pr.plan_id = $1 AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed' ORDER BY i.code`,
        [planId, fiscalYear],
      ),
    };
    const hash = createHash('sha256').update(canonicalJson(content)).digest('hex');
    const [{ id, taken_at }] = await m.query<Array<{ id: string; taken_at: Date }>>(
      `INSERT INTO rollup_snapshot (plan_id, fiscal_year, title, meeting_id, taken_by, content, content_hash) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING id, taken_at`,
      [planId, fiscalYear, title, meetingId ?? null, actor.id, JSON.stringify(content), hash],
    );
    await this.audit.append(m, {
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: 'rollup_snapshot',
      entityId: id,
      action: 'freeze',
      details: { planId, fiscalYear, title, contentHash: hash },
    });
    return { id, takenAt: taken_at.toISOString(), contentHash: hash, ...this.summary(content) };
  }

  async snapshot(id: string) {
    const [s] = await this.dataSource.query<SnapshotRow[]>(`SELECT * FROM rollup_snapshot WHERE id = $1`, [id]);
    if (!s) throw new NotFoundError('The snapshot');
    const content = s.content;
    return {
      id: s.id,
      planId: s.plan_id,
      fiscalYear: s.fiscal_year,
      title: s.title,
      takenAt: s.taken_at.toISOString(),
      contentHash: s.content_hash,
      content,
      ...this.summary(content),
    };
  }

  async snapshots(planId: string) {
    const rows = await this.dataSource.query<
      Array<Pick<SnapshotRow, 'id' | 'fiscal_year' | 'title' | 'taken_at' | 'content_hash'>>
    >(
      `SELECT id, fiscal_year, title, taken_at, content_hash FROM rollup_snapshot WHERE plan_id = $1 ORDER BY taken_at DESC`,
      [planId],
    );
    return rows.map((r) => ({
      id: r.id,
      fiscalYear: r.fiscal_year,
      fiscalYearLabel: fiscalYearLabel(r.fiscal_year),
      title: r.title,
      takenAt: r.taken_at.toISOString(),
      contentHash: r.content_hash,
    }));
  }

  /** What changed between two snapshots: statuses moved, with the reasons given. */
  async compare(fromId: string, toId: string) {
    const [a, b] = [await this.snapshot(fromId), await this.snapshot(toId)];
    const before = new Map(a.content.initiatives.map((i) => [i.code, i]));
    const after = new Map(b.content.initiatives.map((i) => [i.code, i]));
    const label = (code: string | undefined) =>
      b.content.scale.find((s) => s.code === code)?.labelJa ??
      a.content.scale.find((s) => s.code === code)?.labelJa ??
      null;
    const changes = [...new Set([...before.keys(), ...after.keys()])].sort().flatMap((code) => {
      const x = before.get(code);
      const y = after.get(code);
      if (x?.statusCode === y?.statusCode) return [];
      return [
        {
          code,
          title: (y ?? x)!.title,
          from: x ? { code: x.statusCode, label: label(x.statusCode) } : null,
          to: y ? { code: y.statusCode, label: label(y.statusCode) } : null,
          reason: y?.reason ?? '',
        },
      ];
    });
    return {
      from: { id: a.id, title: a.title, totals: a.totals },
      to: { id: b.id, title: b.title, totals: b.totals },
      changes,
    };
  }

  private summary(content: SnapshotContent) {
    const totals: Record<string, number> = Object.fromEntries(content.scale.map((s) => [s.code, 0]));
    for (const r of content.rollup) totals[r.statusCode] = (totals[r.statusCode] ?? 0) + r.count;
    return {
      fiscalYearLabel: fiscalYearLabel(content.fiscalYear),
      totals,
      total: Object.values(totals).reduce((x, y) => x + y, 0),
    };
  }
}
