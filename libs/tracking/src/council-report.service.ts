import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fiscalYearLabel, fiscalYearLastInstant } from '#libs/calendar';
import { scaleOf } from '#libs/planning';
import { AuditCheckpoints, NotFoundError, ValidationFailedError } from '#libs/platform';
import { IndicatorsService } from './indicators/indicators.service.js';
import type { CouncilReport, ReportPolicy, SummaryRow } from './report/council-report.js';
import { RollupsService } from './rollups/rollups.service.js';

/**
 * The report that goes to the council (市議会報告) for a plan's fiscal year: counts by
 * policy in the plan's own table form, every initiative's status, and the indicators. Made
 * from a frozen snapshot when one is named, so a report can be reproduced exactly later.
 */
@Injectable()
export class CouncilReportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rollups: RollupsService,
    private readonly indicators: IndicatorsService,
    private readonly checkpoints: AuditCheckpoints,
  ) {}

  /** The plan covering a fiscal year, when the caller did not name one (there must be exactly one). */
  async planFor(fiscalYear: number, planId?: string): Promise<string> {
    if (planId) return planId;
    const plans: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM plan WHERE $1 BETWEEN first_fiscal_year AND last_fiscal_year`,
      [fiscalYear],
    );
    if (plans.length !== 1) {
      throw new ValidationFailedError([
        {
          field: 'planId',
          message:
            plans.length === 0
              ? `no plan covers ${fiscalYearLabel(fiscalYear)}`
              : 'several plans cover this year: name one',
        },
      ]);
    }
    return plans[0].id;
  }

  async build(planId: string, fiscalYear: number, snapshotId?: string): Promise<CouncilReport> {
    const [plan] = await this.dataSource.query<
      Array<{ id: string; code: string; name: string; first_fiscal_year: number; last_fiscal_year: number }>
    >(`SELECT id, code, name, first_fiscal_year, last_fiscal_year FROM plan WHERE id = $1`, [planId]);
    if (!plan) throw new NotFoundError('The plan');
    const snapshot = snapshotId ? await this.rollups.snapshot(snapshotId) : null;
    if (snapshot && (snapshot.planId !== planId || snapshot.fiscalYear !== fiscalYear)) {
      throw new ValidationFailedError([{ field: 'snapshotId', message: 'belongs to another plan or fiscal year' }]);
    }
    const scale = snapshot ? snapshot.content.scale : await scaleOf(this.dataSource.manager, planId);
    const policies: Array<{ id: string; number: number; title: string }> = await this.dataSource.query(
      `SELECT id, number, title FROM plan_policy WHERE plan_id = $1 ORDER BY number`,
      [planId],
    );

    // Every initiative of the plan with its confirmed status for the year (live, or as frozen).
    const initiatives: Array<{
      code: string;
      title: string;
      policy_id: string | null;
      unit_name: string;
      status_code: string | null;
      narrative: string | null;
      reason: string | null;
      planned: string | null;
      actual: string | null;
    }> = await this.dataSource.query(
      // The unit as that year's organisation named it: a report on 令和5年度 made after a merge still says 健康福祉局.
      `SELECT i.code, i.title, i.policy_id, org_unit_name_at(org_unit_in_force_at(i.owning_unit_id, $3), $3) AS unit_name,
                pr.status_code, pr.narrative, pr.reason, pr.planned_amount AS planned, pr.actual_amount AS actual
           FROM initiative i
           LEFT JOIN progress_report pr ON pr.initiative_id = i.id AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed'
          WHERE i.plan_id = $1 ORDER BY i.code`,
      [planId, fiscalYear, fiscalYearLastInstant(fiscalYear)],
    );
    const frozen = snapshot ? new Map(snapshot.content.initiatives.map((i) => [i.code, i])) : null;
    const statusOf = (i: (typeof initiatives)[number]) =>
      frozen ? (frozen.get(i.code)?.statusCode ?? null) : i.status_code;
    const label = (code: string | null) => (code ? (scale.find((s) => s.code === code)?.labelJa ?? code) : null);

    const zero = () => Object.fromEntries(scale.map((s) => [s.code, 0])) as Record<string, number>;
    const rows: SummaryRow[] = policies.map((p) => ({
      policyNumber: p.number,
      policyTitle: p.title,
      counts: zero(),
      total: 0,
    }));
    const totals = zero();
    let unreported = 0;
    const byPolicy = new Map(policies.map((p, i) => [p.id, rows[i]]));
    for (const i of initiatives) {
      const status = statusOf(i);
      if (!status) {
        unreported++;
        continue;
      }
      totals[status] = (totals[status] ?? 0) + 1;
      const row = i.policy_id ? byPolicy.get(i.policy_id) : undefined;
      if (row) {
        row.counts[status] = (row.counts[status] ?? 0) + 1;
        row.total++;
      }
    }
    const reportPolicies: ReportPolicy[] = policies.map((p) => ({
      number: p.number,
      title: p.title,
      initiatives: initiatives
        .filter((i) => i.policy_id === p.id)
        .map((i) => {
          const status = statusOf(i);
          return {
            code: i.code,
            title: i.title,
            unitName: i.unit_name,
            statusCode: status,
            statusLabel: label(status),
            narrative: frozen ? '' : (i.narrative ?? ''),
            reason: frozen ? (frozen.get(i.code)?.reason ?? '') : (i.reason ?? ''),
            plannedAmount: !frozen && i.planned !== null ? Number(i.planned) : null,
            actualAmount: !frozen && i.actual !== null ? Number(i.actual) : null,
          };
        }),
    }));
    const indicatorIds: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM indicator WHERE plan_id = $1 ORDER BY code`,
      [planId],
    );
    const indicators = await Promise.all(indicatorIds.map((r) => this.indicators.get(r.id, undefined, fiscalYear)));
    const checkpoint = await this.checkpoints.latest();
    return {
      plan: {
        code: plan.code,
        name: plan.name,
        periodLabel: `${fiscalYearLabel(plan.first_fiscal_year)}～${fiscalYearLabel(plan.last_fiscal_year)}`,
      },
      fiscalYear,
      fiscalYearLabel: fiscalYearLabel(fiscalYear),
      scale,
      summary: { rows, totals, total: Object.values(totals).reduce((a, b) => a + b, 0), unreported },
      policies: reportPolicies,
      indicators: indicators.map((x) => ({
        code: x.code,
        name: x.name,
        unit: x.unit,
        decimals: x.decimals,
        direction: x.direction,
        baseline: x.baseline,
        target: x.target,
        actual: x.actual,
        achievementRate: x.achievementRate,
        grade: x.grade,
        gradingBand: x.gradingBand,
      })),
      generatedAt: new Date().toISOString(),
      snapshotId: snapshot?.id ?? null,
      auditCheckpoint: checkpoint && {
        id: checkpoint.id,
        seq: checkpoint.seq,
        headHash: checkpoint.headHash,
        signedAt: checkpoint.signedAt,
        keyId: checkpoint.keyId,
      },
    };
  }
}
