/**
 * The council report (市議会報告) for one plan and fiscal year, as the renderers in this folder
 * take it. It is filled from the database elsewhere; the renderers only lay it out, so that the
 * same figures reach the CSV and the workbook and can be reproduced from a frozen snapshot.
 */
export type NormalizedStatus = 'ahead' | 'on_track' | 'delayed' | 'changed' | 'not_started' | 'completed' | 'cancelled';

export interface ScaleEntry {
  code: string;
  labelJa: string;
  normalized: NormalizedStatus;
  /** #RRGGBB */
  colour: string;
}

export interface SummaryRow {
  policyNumber: number;
  policyTitle: string;
  /** By scale code. */
  counts: Record<string, number>;
  total: number;
}

export interface ReportInitiative {
  code: string;
  title: string;
  unitName: string;
  /** null: no confirmed report for the year. */
  statusCode: string | null;
  statusLabel: string | null;
  narrative: string;
  reason: string;
  /** 千円 */
  plannedAmount: number | null;
  /** 千円 */
  actualAmount: number | null;
}

export interface ReportPolicy {
  number: number;
  title: string;
  initiatives: ReportInitiative[];
}

export type Grade = 'S' | 'A' | 'B' | 'C' | '−';

export interface ReportIndicatorValue {
  fiscalYear: number;
  label: string;
  value: number;
}

export interface ReportIndicator {
  code: string;
  name: string;
  unit: string;
  decimals: number;
  direction: 'higher_better' | 'lower_better' | 'ceiling';
  baseline: ReportIndicatorValue;
  target: ReportIndicatorValue;
  actual: ReportIndicatorValue | null;
  /** Percent, e.g. 62.5. */
  achievementRate: number | null;
  grade: Grade;
  /** The grading rule's band (0.1 = ±10 points of achievement); absent: the default. */
  gradingBand?: number;
}

export interface CouncilReport {
  /** periodLabel e.g. 令和6年度～令和9年度 */
  plan: { code: string; name: string; periodLabel: string };
  fiscalYear: number;
  fiscalYearLabel: string;
  /** In display order. */
  scale: ScaleEntry[];
  summary: { rows: SummaryRow[]; totals: Record<string, number>; total: number; unreported: number };
  policies: ReportPolicy[];
  indicators: ReportIndicator[];
  /** ISO instant. */
  generatedAt: string;
  /** The frozen snapshot the report was made from, if any. */
  snapshotId: string | null;
  /**
   * The latest signed checkpoint of the audit log when the report was made (null: none yet):
   * the history behind the figures, up to that entry, can be proven unchanged against it.
   */
  auditCheckpoint?: { id: string; seq: number; headHash: string; signedAt: string; keyId: string } | null;
}
