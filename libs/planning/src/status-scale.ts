import type { EntityManager } from 'typeorm';
import { DomainError } from '#libs/platform';

export const NORMALIZED_STATUSES = [
  'ahead',
  'on_track',
  'delayed',
  'changed',
  'not_started',
  'completed',
  'cancelled',
] as const;
export type NormalizedStatus = (typeof NORMALIZED_STATUSES)[number];

export interface ScaleEntry {
  code: string;
  labelJa: string;
  normalized: NormalizedStatus;
  colour: string;
}

/** Kumamoto's scale (the seed): 計画通り進捗 / 一部変更・遅れ. Every new plan starts with it. */
export const KUMAMOTO_SCALE: ScaleEntry[] = [
  { code: 'on_track', labelJa: '計画通り進捗', normalized: 'on_track', colour: '#2E7D32' },
  { code: 'changed_or_delayed', labelJa: '一部変更・遅れ', normalized: 'delayed', colour: '#F9A825' },
];

/** Statuses that need a reason in the report: everything but going to plan, ahead, or done. */
export function needsReason(normalized: NormalizedStatus): boolean {
  return !['on_track', 'ahead', 'completed'].includes(normalized);
}

export async function scaleOf(m: EntityManager, planId: string): Promise<ScaleEntry[]> {
  return m.query<ScaleEntry[]>(
    `SELECT code, label_ja AS "labelJa", normalized, colour FROM status_scale WHERE plan_id = $1 ORDER BY position`,
    [planId],
  );
}

export async function setScale(m: EntityManager, planId: string, entries: ScaleEntry[]): Promise<void> {
  for (const [i, e] of entries.entries()) {
    await m.query(
      `INSERT INTO status_scale (plan_id, code, label_ja, normalized, position, colour) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (plan_id, code) DO UPDATE SET label_ja = $3, normalized = $4, position = $5, colour = $6`,
      [planId, e.code, e.labelJa, e.normalized, i + 1, e.colour],
    );
  }
}

/**
 * Replaces a plan's scale with `entries` (in order). Refused while a report uses a status the
 * new scale lacks: a report's status must stay on its plan's scale.
 */
export async function replaceScale(m: EntityManager, planId: string, entries: ScaleEntry[]): Promise<void> {
  if ((await m.query<unknown[]>(`SELECT 1 FROM plan WHERE id = $1`, [planId])).length === 0)
    throw new DomainError('NOT_FOUND', 'The plan does not exist');
  const codes = entries.map((e) => e.code);
  const used = await m.query<Array<{ status_code: string }>>(
    `SELECT DISTINCT status_code FROM progress_report WHERE plan_id = $1 AND NOT (status_code = ANY($2))`,
    [planId, codes],
  );
  if (used.length > 0)
    throw new DomainError(
      'CONFLICT',
      `Reports use statuses the new scale lacks: ${used.map((u) => u.status_code).join(', ')}`,
    );
  await m.query(`DELETE FROM status_scale WHERE plan_id = $1 AND NOT (code = ANY($2))`, [planId, codes]);
  await setScale(m, planId, entries);
}
