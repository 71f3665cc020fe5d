import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { AuditLog, DomainError, WorkflowRegistry, withTransaction } from '#libs/platform';
import { needsReason, scaleOf, type ScaleEntry } from '#libs/planning';
import { resolveStatus } from '../progress/progress-reports.service.js';
import { RollupsService } from '../rollups/rollups.service.js';
import { parseFiscalYear } from './fiscal-year-cell.js';
import type { Table, TableRow } from './table.js';

export const IMPORT_KINDS = ['initiatives', 'progress-reports', 'measurements'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export interface RowError {
  row: number;
  column: string;
  problem: string;
}

export interface ImportResult {
  kind: ImportKind;
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  errors: RowError[];
}

/** Several names a column may go by; the first listed is the one in our templates. */
const COLUMNS = {
  code: ['取組番号', 'code'],
  title: ['取組名', 'title'],
  policy: ['方針', 'policy'],
  theme: ['テーマ', 'theme'],
  unit: ['所管', 'unit'],
  collaborators: ['連携', 'collaborators'],
  summary: ['概要', 'summary'],
  schedule: ['年次計画', 'schedule'],
  indicators: ['関連指標', 'indicators'],
  fiscalYear: ['年度', 'fiscalYear'],
  wareki: ['和暦年度', 'wareki'],
  status: ['進捗状況', 'status'],
  reason: ['理由', 'reason'],
  narrative: ['進捗説明', 'narrative'],
  planned: ['計画効果額', 'plannedAmount'],
  actual: ['実績効果額', 'actualAmount'],
  indicator: ['指標コード', 'indicator'],
  value: ['値', 'value'],
  note: ['備考', 'note'],
} as const;
type Column = keyof typeof COLUMNS;

const REQUIRED: Record<ImportKind, Column[]> = {
  initiatives: ['code', 'title', 'policy', 'unit'],
  'progress-reports': ['code', 'fiscalYear', 'status'],
  measurements: ['indicator', 'fiscalYear', 'value'],
};

export class ImportRejectedError extends DomainError {
  constructor(readonly rowErrors: RowError[]) {
    super(
      'VALIDATION_FAILED',
      `${rowErrors.length} problem(s) in the file; nothing was imported`,
      rowErrors.slice(0, 200).map((e) => ({ field: `row ${e.row}: ${e.column}`, message: e.problem })),
      { rowErrors },
    );
  }
}

interface IdRow {
  id: string;
}

/** An upsert's row: `inserted` is false when it updated a row that was there (`xmax = 0` on a fresh tuple). */
interface UpsertedRow extends IdRow {
  inserted: boolean;
}

interface Ctx {
  m: EntityManager;
  planId: string;
  scale: ScaleEntry[];
  plan: { first: number; last: number };
  policies: Map<number, string>;
  themes: Map<string, string>;
  units: Map<string, string>;
  actor: { id: string | null; username: string | null };
  touchedYears: Set<number>;
}

/**
 * Bulk import of initiatives (with their status for a year), progress reports and indicator
 * measurements, from CSV or xlsx. Every row is checked first and every problem reported by
 * row and column; one bad row and nothing is written. A 和暦 and a Gregorian year that
 * disagree are reported, never guessed between.
 */
@Injectable()
export class ImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: WorkflowRegistry,
    private readonly rollups: RollupsService,
    private readonly audit: AuditLog,
  ) {}

  async run(
    kind: ImportKind,
    planId: string,
    table: Table,
    options: {
      dryRun: boolean;
      actor: { id: string | null; username: string | null };
      onProgress?: (done: number, total: number) => void;
    },
  ): Promise<ImportResult> {
    const missing = REQUIRED[kind].filter((c) => !COLUMNS[c].some((name) => table.headers.includes(name)));
    if (missing.length > 0) {
      throw new ImportRejectedError(
        missing.map((c) => ({ row: 1, column: COLUMNS[c][0], problem: 'this column is missing from the header row' })),
      );
    }
    if (table.rows.length === 0)
      throw new ImportRejectedError([{ row: 2, column: '', problem: 'the file has no rows' }]);
    const result = {
      kind,
      dryRun: options.dryRun,
      rows: table.rows.length,
      created: 0,
      updated: 0,
      errors: [] as RowError[],
    };
    const outcome = await withTransaction(this.dataSource, async (m) => {
      const ctx = await this.context(m, planId, options.actor);
      for (const [i, row] of table.rows.entries()) {
        const errors: RowError[] = [];
        const applied = await this.applyRow(kind, ctx, row, errors);
        result.errors.push(...errors);
        if (applied === 'created') result.created++;
        if (applied === 'updated') result.updated++;
        options.onProgress?.(i + 1, table.rows.length);
      }
      if (result.errors.length > 0) throw new ImportRejectedError(result.errors);
      for (const year of ctx.touchedYears) await this.rollups.refresh(m, planId, year);
      await this.audit.append(m, {
        actorUserId: options.actor.id,
        actorUsername: options.actor.username,
        entityType: 'plan',
        entityId: planId,
        action: `import_${kind.replace('-', '_')}`,
        details: { rows: result.rows, created: result.created, updated: result.updated, dryRun: options.dryRun },
      });
      // A dry run goes through every check and every write, then takes nothing back with it.
      if (options.dryRun) throw new DryRunDone();
      return result;
    }).catch((error: unknown) => {
      if (error instanceof DryRunDone) return result;
      throw error;
    });
    return outcome;
  }

  /** Many initiatives' statuses for one year at once (confirmed), e.g. after a secretariat meeting. */
  async bulkStatus(
    planId: string,
    fiscalYear: number,
    items: Array<{ initiativeCode: string; status: string; reason?: string; narrative?: string }>,
    actor: { id: string; username: string },
  ): Promise<ImportResult> {
    const table: Table = {
      headers: ['取組番号', '年度', '進捗状況', '理由', '進捗説明'],
      rows: items.map((it, i) => ({
        row: i + 1,
        cells: {
          取組番号: it.initiativeCode,
          年度: String(fiscalYear),
          進捗状況: it.status,
          理由: it.reason ?? '',
          進捗説明: it.narrative ?? '',
        },
      })),
    };
    return this.run('progress-reports', planId, table, { dryRun: false, actor });
  }

  /**
   * A yearly plan written in one cell: `令和6年度:検討, 令和7年度:試行` or `2024 検討 / 2025 試行`
   * (years as parseFiscalYear reads them, inside the plan period, each once).
   */
  private schedule(
    text: string,
    ctx: Ctx,
    fail: (problem: string) => void,
  ): Array<{ fiscalYear: number; step: string }> {
    const steps: Array<{ fiscalYear: number; step: string }> = [];
    for (const part of text
      .split(/[、,，;；/／\n]+/)
      .map((x) => x.trim())
      .filter(Boolean)) {
      const m = /^(.+?)\s*[:：\s]\s*(.+)$/.exec(part.normalize('NFKC'));
      const year = m ? parseFiscalYear(m[1]) : null;
      if (!m || year === null) {
        fail(`"${part}" is not "year: step" (e.g. 令和6年度:検討)`);
        continue;
      }
      if (year < ctx.plan.first || year > ctx.plan.last) fail(`${fiscalYearLabel(year)} lies outside the plan period`);
      else if (steps.some((s) => s.fiscalYear === year)) fail(`${fiscalYearLabel(year)} is given twice`);
      else steps.push({ fiscalYear: year, step: m[2].trim() });
    }
    return steps.sort((a, b) => a.fiscalYear - b.fiscalYear);
  }

  private by(ctx: Ctx) {
    return { actorUserId: ctx.actor.id, actorUsername: ctx.actor.username };
  }

  private async context(m: EntityManager, planId: string, actor: Ctx['actor']): Promise<Ctx> {
    const [plan] = await m.query<Array<Ctx['plan']>>(
      `SELECT first_fiscal_year AS first, last_fiscal_year AS last FROM plan WHERE id = $1`,
      [planId],
    );
    if (!plan) throw new DomainError('NOT_FOUND', 'The plan does not exist');
    const policies = new Map<number, string>(
      (
        await m.query<Array<{ id: string; number: number }>>(`SELECT id, number FROM plan_policy WHERE plan_id = $1`, [
          planId,
        ])
      ).map((p) => [p.number, p.id]),
    );
    const themes = new Map<string, string>(
      (
        await m.query<Array<{ id: string; p: number; t: number }>>(
          `SELECT t.id, pp.number AS p, t.number AS t FROM plan_theme t JOIN plan_policy pp ON pp.id = t.policy_id WHERE pp.plan_id = $1`,
          [planId],
        )
      ).map((t) => [`${t.p}-${t.t}`, t.id]),
    );
    const units = new Map<string, string>();
    for (const u of await m.query<Array<{ id: string; code: string; name_ja: string }>>(
      `SELECT id, code, name_ja FROM org_unit`,
    )) {
      units.set(u.code, u.id);
      units.set(u.name_ja, u.id);
    }
    return {
      m,
      planId,
      scale: await scaleOf(m, planId),
      plan,
      policies,
      themes,
      units,
      actor,
      touchedYears: new Set(),
    };
  }

  private async applyRow(
    kind: ImportKind,
    ctx: Ctx,
    row: TableRow,
    errors: RowError[],
  ): Promise<'created' | 'updated' | 'skipped'> {
    const cell = (c: Column) => {
      for (const name of COLUMNS[c]) if (row.cells[name] !== undefined) return row.cells[name];
      return '';
    };
    const fail = (c: Column, problem: string) => errors.push({ row: row.row, column: COLUMNS[c][0], problem });
    const need = (c: Column) => {
      const v = cell(c);
      if (!v) fail(c, 'is empty');
      return v;
    };
    const integer = (c: Column): number | null => {
      const v = cell(c).normalize('NFKC').replace(/,/g, '');
      if (!v) return null;
      if (!/^-?\d+$/.test(v)) {
        fail(c, `"${cell(c)}" is not a whole number`);
        return null;
      }
      return Number(v);
    };
    const year = (required: boolean): number | null => {
      const raw = cell('fiscalYear');
      const wareki = cell('wareki');
      if (!raw && !wareki) {
        if (required) fail('fiscalYear', 'is empty');
        return null;
      }
      const fy = raw ? parseFiscalYear(raw) : null;
      const wy = wareki ? parseFiscalYear(wareki) : null;
      if (raw && fy === null) fail('fiscalYear', `"${raw}" is not a fiscal year (2022, 令和4年度 …)`);
      if (wareki && wy === null) fail('wareki', `"${wareki}" is not a fiscal year in 和暦 (令和4年度 …)`);
      if (fy !== null && wy !== null && fy !== wy) {
        fail(
          'wareki',
          `${wareki} is ${fiscalYearLabel(wy)} (FY${wy}), but 年度 says ${raw} (${fiscalYearLabel(fy)}): which one is right?`,
        );
        return null;
      }
      const y = fy ?? wy;
      if (y !== null && (y < ctx.plan.first || y > ctx.plan.last)) {
        fail(
          raw ? 'fiscalYear' : 'wareki',
          `${fiscalYearLabel(y)} lies outside the plan period ${fiscalYearLabel(ctx.plan.first)}–${fiscalYearLabel(ctx.plan.last)}`,
        );
        return null;
      }
      return y;
    };
    const before = errors.length;

    if (kind === 'measurements') {
      const code = need('indicator');
      const fy = year(true);
      const valueText = cell('value')
        .normalize('NFKC')
        .replace(/,/g, '')
        .replace(/[%％件日億円]+$/, '');
      const value = valueText && Number.isFinite(Number(valueText)) ? Number(valueText) : null;
      if (cell('value') && value === null) fail('value', `"${cell('value')}" is not a number`);
      if (!cell('value')) fail('value', 'is empty');
      const [indicator] = code
        ? await ctx.m.query<IdRow[]>(`SELECT id FROM indicator WHERE plan_id = $1 AND code = $2`, [ctx.planId, code])
        : [];
      if (code && !indicator) fail('indicator', `no indicator "${code}" in this plan`);
      if (errors.length > before) return 'skipped';
      const rows = await ctx.m.query<Array<{ inserted: boolean }>>(
        `INSERT INTO measurement (indicator_id, fiscal_year, value, note, recorded_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (indicator_id, fiscal_year) DO UPDATE SET value = $3, note = $4, recorded_by = $5, recorded_at = now()
         RETURNING (xmax = 0) AS inserted`,
        [indicator.id, fy, value, cell('note'), ctx.actor.id],
      );
      return rows[0].inserted ? 'created' : 'updated';
    }

    const code = need('code');
    let outcome: 'created' | 'updated' | 'skipped' = 'skipped';
    let initiativeId: string | null = null;
    if (kind === 'initiatives') {
      const title = need('title');
      const policyNumber = integer('policy');
      if (cell('policy') === '') fail('policy', 'is empty');
      const policyId = policyNumber !== null ? ctx.policies.get(policyNumber) : undefined;
      if (policyNumber !== null && !policyId) fail('policy', `the plan has no policy ${policyNumber}`);
      const themeNumber = integer('theme');
      const themeId = themeNumber !== null ? ctx.themes.get(`${String(policyNumber)}-${themeNumber}`) : null;
      // An unknown policy is reported once, not again as a missing theme under it.
      if (themeNumber !== null && policyId && !themeId)
        fail('theme', `policy ${String(policyNumber)} has no theme ${themeNumber}`);
      const unit = need('unit');
      const unitId = unit ? ctx.units.get(unit) : undefined;
      if (unit && !unitId)
        fail('unit', `no organisation unit "${unit}" (a code such as kenko, or a name such as 健康福祉局)`);
      const collaborators = cell('collaborators')
        .split(/[、,，\s]+/)
        .filter(Boolean);
      const collaboratorIds = collaborators.map((c) => ctx.units.get(c));
      collaborators.forEach((c, i) => !collaboratorIds[i] && fail('collaborators', `no organisation unit "${c}"`));
      const schedule = this.schedule(cell('schedule'), ctx, (problem) => fail('schedule', problem));
      const indicatorNames = cell('indicators')
        .split(/[、,，;；\n]+/)
        .map((x) => x.trim())
        .filter(Boolean);
      const indicatorIds: string[] = [];
      for (const name of indicatorNames) {
        const [found] = await ctx.m.query<IdRow[]>(
          `SELECT id FROM indicator WHERE plan_id = $1 AND (code = $2 OR name = $2)`,
          [ctx.planId, name],
        );
        if (found) indicatorIds.push(found.id);
        else fail('indicators', `the plan has no indicator "${name}" (give its code or its exact name)`);
      }
      if (errors.length > before) return 'skipped';
      const [row_] = await ctx.m.query<UpsertedRow[]>(
        `INSERT INTO initiative (plan_id, code, title, summary, policy_id, theme_id, owning_unit_id, schedule, source)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, 'import')
         ON CONFLICT (plan_id, code) DO UPDATE SET title = $3, summary = $4, policy_id = $5, theme_id = $6, owning_unit_id = $7, schedule = $8::jsonb
         RETURNING id, (xmax = 0) AS inserted`,
        [ctx.planId, code, title, cell('summary'), policyId, themeId, unitId, JSON.stringify(schedule)],
      );
      await ctx.m.query(`DELETE FROM initiative_indicator WHERE initiative_id = $1`, [row_.id]);
      for (const id of new Set(indicatorIds))
        await ctx.m.query(`INSERT INTO initiative_indicator VALUES ($1, $2)`, [row_.id, id]);
      initiativeId = row_.id;
      outcome = row_.inserted ? 'created' : 'updated';
      await this.audit.append(ctx.m, {
        ...this.by(ctx),
        entityType: 'initiative',
        entityId: row_.id,
        action: row_.inserted ? 'import' : 'import_update',
        details: { code, row: row.row },
      });
      await ctx.m.query(`DELETE FROM initiative_collaborator WHERE initiative_id = $1`, [initiativeId]);
      for (const id of collaboratorIds)
        await ctx.m.query(`INSERT INTO initiative_collaborator VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          initiativeId,
          id,
        ]);
      if (!cell('status')) return outcome;
    } else {
      const [found] = code
        ? await ctx.m.query<IdRow[]>(`SELECT id FROM initiative WHERE plan_id = $1 AND code = $2`, [ctx.planId, code])
        : [];
      if (code && !found) fail('code', `no initiative "${code}" in this plan`);
      initiativeId = found?.id ?? null;
    }

    // The row's status for a year: a confirmed annual report.
    const fy = year(true);
    const statusText = need('status');
    const status = statusText ? resolveStatus(ctx.scale, statusText) : undefined;
    if (statusText && !status)
      fail('status', `"${statusText}" is not on this plan's scale (${ctx.scale.map((s) => s.labelJa).join(' / ')})`);
    if (status && needsReason(status.normalized) && !cell('reason'))
      fail('reason', `is required when the status is ${status.labelJa}`);
    const planned = integer('planned');
    const actual = integer('actual');
    if (errors.length > before || !initiativeId) return 'skipped';
    const workflow = await this.workflows.latest('progress-report', ctx.m);
    const [report] = await ctx.m.query<UpsertedRow[]>(
      `INSERT INTO progress_report (initiative_id, plan_id, fiscal_year, period, status_code, narrative, reason, planned_amount, actual_amount,
                                    state, workflow_name, workflow_version, submitted_at, confirmed_at, created_by)
       VALUES ($1, $2, $3, 'annual', $4, $5, $6, $7, $8, 'confirmed', $9, $10, now(), now(), $11)
       ON CONFLICT (initiative_id, fiscal_year, period) DO UPDATE
         SET status_code = $4, narrative = $5, reason = $6, planned_amount = $7, actual_amount = $8, state = 'confirmed',
             confirmed_at = now(), version = progress_report.version + 1, updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
      [
        initiativeId,
        ctx.planId,
        fy,
        status!.code,
        cell('narrative'),
        cell('reason'),
        planned,
        actual,
        workflow.name,
        workflow.version,
        ctx.actor.id,
      ],
    );
    // One entry per report, so each initiative's history shows the status it was given and by whom.
    await this.audit.append(ctx.m, {
      ...this.by(ctx),
      entityType: 'progress_report',
      entityId: report.id,
      action: report.inserted ? 'import' : 'import_update',
      toState: 'confirmed',
      details: { code, fiscalYear: fy, status: status!.code, row: row.row },
    });
    ctx.touchedYears.add(fy!);
    if (kind === 'progress-reports') outcome = report.inserted ? 'created' : 'updated';
    return outcome;
  }
}

class DryRunDone extends Error {}
