import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { scaleOf, type ScaleEntry } from '#libs/planning';
import { AppConfig, NotFoundError } from '#libs/platform';
import { IndicatorsService } from '../indicators/indicators.service.js';
import { RollupsService } from '../rollups/rollups.service.js';
import { OPEN_DATA_COLUMNS, type OpenDataRow } from './open-data.js';
import { publish } from './public-projection.js';

/** A public answer: plain data, already cut down to the allow-list (public-projection.ts). */
export type PublicAnswer = Record<string, unknown>;

/** The public page size of initiative lists: the citizens' pages show 50 at a time. */
export const PUBLIC_PAGE_SIZE = 50;

interface PlanRow {
  id: string;
  code: string;
  name: string;
  first_fiscal_year: number;
  last_fiscal_year: number;
  mission: string;
  vision: string;
  plan_values: string;
}

interface InitiativeRow {
  id: string;
  code: string;
  title: string;
  summary: string;
  schedule: Array<{ fiscalYear: number; step: string }>;
  reported_at: Date | null;
  policy_number: number | null;
  policy_title: string | null;
  theme_number: number | null;
  theme_title: string | null;
  unit_code: string;
  unit_name: string;
}

interface ReportRow {
  fiscal_year: number;
  period: string;
  status_code: string;
  reason: string;
  narrative: string;
  planned_amount: string | null;
  actual_amount: string | null;
  confirmed_at: Date | null;
}

const amount = (v: string | null) => (v === null ? null : Number(v));

/**
 * The citizens' view of the plans (公開データ): what the public pages, the open data and
 * `/api/v1/public/…` show. Every answer is read from the roll-up table and per-plan or
 * per-initiative rows through their indexes (never a count over the reports), and leaves
 * through `publish()`, the one allow-list of public fields.
 */
@Injectable()
export class PublicDataService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rollups: RollupsService,
    private readonly indicatorsService: IndicatorsService,
    private readonly config: AppConfig,
  ) {}

  private async planRow(code: string): Promise<PlanRow> {
    const [plan]: PlanRow[] = await this.dataSource.query(
      `SELECT id, code, name, first_fiscal_year, last_fiscal_year, mission, vision, plan_values FROM plan WHERE code = $1`,
      [code],
    );
    if (!plan) throw new NotFoundError('The plan');
    return plan;
  }

  private summaryOf(p: PlanRow) {
    return {
      code: p.code,
      name: p.name,
      firstFiscalYear: p.first_fiscal_year,
      lastFiscalYear: p.last_fiscal_year,
      periodLabel: `${fiscalYearLabel(p.first_fiscal_year)}～${fiscalYearLabel(p.last_fiscal_year)}`,
    };
  }

  async plans(): Promise<PublicAnswer> {
    const rows: PlanRow[] = await this.dataSource.query(
      `SELECT id, code, name, first_fiscal_year, last_fiscal_year, mission, vision, plan_values FROM plan ORDER BY first_fiscal_year DESC, code`,
    );
    return publish('plans', { items: rows.map((p) => this.summaryOf(p)), total: rows.length });
  }

  async plan(code: string): Promise<PublicAnswer> {
    const p = await this.planRow(code);
    const policies: Array<{ id: string; number: number; title: string; description: string }> =
      await this.dataSource.query(
        `SELECT id, number, title, description FROM plan_policy WHERE plan_id = $1 ORDER BY number`,
        [p.id],
      );
    const themes: Array<{ policy_id: string; number: number; title: string }> = await this.dataSource.query(
      `SELECT t.policy_id, t.number, t.title FROM plan_theme t JOIN plan_policy pp ON pp.id = t.policy_id WHERE pp.plan_id = $1 ORDER BY t.number`,
      [p.id],
    );
    const scale = await scaleOf(this.dataSource.manager, p.id);
    // Counted from the roll-up table: a few rows per year, whatever the number of reports.
    const counted: Array<{ fiscal_year: number; status_code: string; n: number }> = await this.dataSource.query(
      `SELECT fiscal_year, status_code, sum(count)::int AS n FROM rollup WHERE plan_id = $1 GROUP BY 1, 2 ORDER BY 1`,
      [p.id],
    );
    const years = new Map<
      number,
      { fiscalYear: number; fiscalYearLabel: string; totals: Record<string, number>; total: number }
    >();
    for (const r of counted) {
      const y = years.get(r.fiscal_year) ?? {
        fiscalYear: r.fiscal_year,
        fiscalYearLabel: fiscalYearLabel(r.fiscal_year),
        totals: zeroCounts(scale),
        total: 0,
      };
      y.totals[r.status_code] = (y.totals[r.status_code] ?? 0) + r.n;
      y.total += r.n;
      years.set(r.fiscal_year, y);
    }
    return publish('plan', {
      ...this.summaryOf(p),
      mission: p.mission,
      vision: p.vision,
      values: p.plan_values,
      policies: policies.map((pp) => ({ ...pp, themes: themes.filter((t) => t.policy_id === pp.id) })),
      scale,
      years: [...years.values()],
    });
  }

  async rollup(code: string, fiscalYear: number): Promise<PublicAnswer> {
    const p = await this.planRow(code);
    const [byPolicy, byUnit] = [
      await this.rollups.read(p.id, fiscalYear, 'policy'),
      await this.rollups.read(p.id, fiscalYear, 'orgUnit'),
    ];
    if (byPolicy.total === 0) throw new NotFoundError(`Published progress of ${fiscalYearLabel(fiscalYear)}`);
    return publish('rollup', {
      plan: { code: p.code, name: p.name },
      fiscalYear,
      fiscalYearLabel: fiscalYearLabel(fiscalYear),
      scale: byPolicy.scale,
      totals: byPolicy.totals,
      total: byPolicy.total,
      byPolicy: (byPolicy.rows ?? []).map((r) => ({
        number: r.key.code === '-' ? null : Number(r.key.code),
        title: r.key.label,
        counts: r.counts,
        total: r.total,
      })),
      byUnit: (byUnit.rows ?? []).map((r) => ({
        code: r.key.code,
        nameJa: r.key.label,
        counts: r.counts,
        total: r.total,
      })),
      refreshedAt: byPolicy.refreshedAt,
    });
  }

  private initiativeSelect = `
    SELECT i.id, i.code, i.title, i.summary, i.schedule, i.reported_at,
           pp.number AS policy_number, pp.title AS policy_title, t.number AS theme_number, t.title AS theme_title,
           ou.code AS unit_code, ou.name_ja AS unit_name
      FROM initiative i
      JOIN org_unit ou ON ou.id = i.owning_unit_id
      LEFT JOIN plan_policy pp ON pp.id = i.policy_id
      LEFT JOIN plan_theme t ON t.id = i.theme_id`;

  private static refs(r: InitiativeRow) {
    return {
      code: r.code,
      title: r.title,
      policy: r.policy_number === null ? null : { number: r.policy_number, title: r.policy_title },
      theme: r.theme_number === null ? null : { number: r.theme_number, title: r.theme_title },
      owningUnit: { code: r.unit_code, nameJa: r.unit_name },
    };
  }

  /** A plan's initiatives with their confirmed status of a year, 50 a page, in code order. */
  async initiatives(code: string, fiscalYear: number, page: number): Promise<PublicAnswer> {
    const p = await this.planRow(code);
    const scale = await scaleOf(this.dataSource.manager, p.id);
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM initiative WHERE plan_id = $1`,
      [p.id],
    );
    const rows: Array<InitiativeRow & { status_code: string | null }> = await this.dataSource.query(
      `SELECT x.*, pr.status_code FROM (${this.initiativeSelect} WHERE i.plan_id = $1 ORDER BY i.code LIMIT $3 OFFSET $4) x
         LEFT JOIN progress_report pr ON pr.initiative_id = x.id AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed'
        ORDER BY x.code`,
      [p.id, fiscalYear, PUBLIC_PAGE_SIZE, (page - 1) * PUBLIC_PAGE_SIZE],
    );
    return publish('initiatives', {
      plan: { code: p.code, name: p.name },
      fiscalYear,
      fiscalYearLabel: fiscalYearLabel(fiscalYear),
      items: rows.map((r) => ({ ...PublicDataService.refs(r), status: statusOf(scale, r.status_code) })),
      total,
      page,
      pageSize: PUBLIC_PAGE_SIZE,
    });
  }

  /** One initiative: what it is, its yearly plan, and every confirmed report (its history). */
  async initiative(planCode: string, code: string): Promise<PublicAnswer> {
    const p = await this.planRow(planCode);
    const [r]: InitiativeRow[] = await this.dataSource.query(
      `${this.initiativeSelect} WHERE i.plan_id = $1 AND i.code = $2`,
      [p.id, code],
    );
    if (!r) throw new NotFoundError('The initiative');
    const scale = await scaleOf(this.dataSource.manager, p.id);
    const collaborators = await this.dataSource.query<Array<{ code: string; nameJa: string }>>(
      `SELECT o.code, o.name_ja AS "nameJa" FROM initiative_collaborator ic JOIN org_unit o ON o.id = ic.org_unit_id WHERE ic.initiative_id = $1 ORDER BY o.code`,
      [r.id],
    );
    const indicators = await this.dataSource.query<Array<{ code: string; name: string }>>(
      `SELECT x.code, x.name FROM initiative_indicator ii JOIN indicator x ON x.id = ii.indicator_id WHERE ii.initiative_id = $1 ORDER BY x.code`,
      [r.id],
    );
    const reports: ReportRow[] = await this.dataSource.query(
      `SELECT fiscal_year, period, status_code, reason, narrative, planned_amount, actual_amount, confirmed_at
         FROM progress_report WHERE initiative_id = $1 AND state = 'confirmed' ORDER BY fiscal_year, period DESC`,
      [r.id],
    );
    return publish('initiative', {
      plan: { code: p.code, name: p.name },
      ...PublicDataService.refs(r),
      summary: r.summary,
      collaboratingUnits: collaborators,
      schedule: (r.schedule ?? []).map((s) => ({
        fiscalYear: s.fiscalYear,
        fiscalYearLabel: fiscalYearLabel(s.fiscalYear),
        step: s.step,
      })),
      relatedIndicators: indicators,
      reportedAt: r.reported_at ? new Date(r.reported_at).toISOString() : null,
      history: reports.map((x) => ({
        fiscalYear: x.fiscal_year,
        fiscalYearLabel: fiscalYearLabel(x.fiscal_year),
        period: x.period,
        status: statusOf(scale, x.status_code),
        reason: x.reason,
        narrative: x.narrative,
        plannedAmount: amount(x.planned_amount),
        actualAmount: amount(x.actual_amount),
        confirmedAt: x.confirmed_at ? new Date(x.confirmed_at).toISOString() : null,
      })),
    });
  }

  /** The plan's KPIs (検証指標): baseline, measurements, target and how the latest stands. */
  async indicators(code: string): Promise<PublicAnswer> {
    const p = await this.planRow(code);
    const ids: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM indicator WHERE plan_id = $1 ORDER BY code`,
      [p.id],
    );
    const items = await Promise.all(ids.map((x) => this.indicatorsService.get(x.id)));
    return publish('indicators', { plan: { code: p.code, name: p.name }, items, total: items.length });
  }

  /** The licence the open data is published under (OPEN_DATA_LICENCE_NAME / _URL). */
  licence() {
    const name = this.config.OPEN_DATA_LICENCE_NAME;
    const url = this.config.OPEN_DATA_LICENCE_URL;
    return {
      name,
      url,
      notice: `このデータは「${name}」（${url}）の下で提供します。出典を表示すれば、複製・加工・再配布・商用利用ができます。`,
    };
  }

  /** A plan's year as open data: one row per initiative, with the licence and the column definitions. */
  async openData(code: string, fiscalYear: number): Promise<PublicAnswer> {
    const p = await this.planRow(code);
    const scale = await scaleOf(this.dataSource.manager, p.id);
    const rows: Array<InitiativeRow & ReportRow> = await this.dataSource.query(
      `SELECT x.*, pr.status_code, pr.reason, pr.narrative, pr.planned_amount, pr.actual_amount
         FROM (${this.initiativeSelect} WHERE i.plan_id = $1) x
         LEFT JOIN progress_report pr ON pr.initiative_id = x.id AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed'
        ORDER BY x.code`,
      [p.id, fiscalYear],
    );
    const label = fiscalYearLabel(fiscalYear);
    const out: OpenDataRow[] = rows.map((r) => ({
      fiscalYear,
      fiscalYearLabel: label,
      code: r.code,
      title: r.title,
      policyNumber: r.policy_number,
      policyTitle: r.policy_title,
      themeTitle: r.theme_title,
      unitName: r.unit_name,
      statusCode: r.status_code ?? null,
      statusLabel: statusOf(scale, r.status_code)?.labelJa ?? null,
      reason: r.status_code ? r.reason : null,
      narrative: r.status_code ? r.narrative : null,
      plannedAmount: amount(r.planned_amount ?? null),
      actualAmount: amount(r.actual_amount ?? null),
    }));
    return publish('openData', {
      licence: this.licence(),
      columns: OPEN_DATA_COLUMNS,
      plan: { code: p.code, name: p.name },
      fiscalYear,
      fiscalYearLabel: label,
      rows: out,
    });
  }
}

function zeroCounts(scale: ScaleEntry[]): Record<string, number> {
  return Object.fromEntries(scale.map((s) => [s.code, 0]));
}

function statusOf(scale: ScaleEntry[], code: string | null) {
  if (!code) return null;
  const entry = scale.find((s) => s.code === code);
  return { code, labelJa: entry?.labelJa ?? code, colour: entry?.colour ?? '#666666' };
}
