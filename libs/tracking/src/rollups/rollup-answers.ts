import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared } from '#libs/platform';
import { RollupsService, type RollupDimension, type RollupOrganisation } from './rollups.service.js';

/** A roll-up read as sent: the JSON bytes of its RollupView and their entity tag. */
export interface RollupAnswer {
  body: Buffer;
  etag: string;
}

interface Kept {
  /** The versions (migration RollupVersions) the answer was built after reading. */
  versions: string;
  /**
   * By today's organisation, the answer holds while no reorganisation or renaming takes effect:
   * from the last one in force when it was built until the next one (epoch ms, null = none).
   */
  since: number | null;
  until: number | null;
  answer: Promise<RollupAnswer>;
}

/** A city has tens of plan-years, each read three ways: past this the oldest entry goes. */
const MAX_KEPT = 2000;

/** The instants at which a reorganisation or a renaming took or takes effect, around `$1`. */
const DATED_CHANGES_AROUND = `SELECT max(at) FILTER (WHERE at <= $1) AS since, min(at) FILTER (WHERE at > $1) AS until
  FROM (SELECT effective_at AS at FROM org_unit_succession
        UNION ALL SELECT valid_from FROM org_unit_name WHERE valid_from IS NOT NULL) d`;

/**
 * The signed-in roll-up read, kept in memory per plan-year and dimension. Each read first
 * reads the versions of what the answer shows (one primary-key lookup of `rollup_version` and
 * of `rollup_labels`, which every write of those rows changes in its own transaction) and uses
 * the kept answer only if it was built after reading the same versions: a read that starts after
 * a recount (or a new policy title, scale, unit name) committed sees a new version and builds
 * the answer again, on every instance, with no notice to wait for. Building after reading the
 * versions means a kept answer is never older than its versions; at worst it is newer, and the
 * next read, seeing the newer versions, builds it once more.
 */
@Injectable()
export class RollupAnswers {
  private readonly kept = new Map<string, Kept>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly rollups: RollupsService,
  ) {}

  async answer(
    planId: string,
    fiscalYear: number,
    by: RollupDimension | undefined,
    organisation: { as: RollupOrganisation; now: Date },
  ): Promise<RollupAnswer> {
    const versions = await this.versions(planId, fiscalYear);
    // The organisation matters only by unit; by policy or in total it would only split the entries.
    const today = by === 'orgUnit' && organisation.as === 'today';
    const key = `${planId}|${fiscalYear}|${by ?? 'total'}|${by === 'orgUnit' ? organisation.as : ''}`;
    const now = organisation.now.getTime();
    const hit = this.kept.get(key);
    if (
      versions !== null &&
      hit?.versions === versions &&
      (hit.since === null || hit.since <= now) &&
      (hit.until === null || now < hit.until)
    )
      return hit.answer;

    if (versions === null) return this.build(planId, fiscalYear, by, organisation);
    const window = today ? await this.datedChangesAround(organisation.now) : { since: null, until: null };
    const answer = this.build(planId, fiscalYear, by, organisation);
    if (this.kept.size >= MAX_KEPT && !this.kept.has(key)) this.kept.delete(this.kept.keys().next().value as string);
    const entry: Kept = { versions, ...window, answer };
    this.kept.set(key, entry);
    // A failed build (unknown plan, database away) is not kept.
    void answer.catch(() => {
      if (this.kept.get(key) === entry) this.kept.delete(key);
    });
    return answer;
  }

  /** The plan-year's count version and the labels' version, as one string; null if the labels' row is gone. */
  private async versions(planId: string, fiscalYear: number): Promise<string | null> {
    const { rows } = await prepared<{ labels: string; counts: string | null }>(
      this.dataSource.manager,
      `SELECT l.version AS labels, v.version AS counts
         FROM rollup_labels l LEFT JOIN rollup_version v ON v.plan_id = $1 AND v.fiscal_year = $2`,
      [planId, fiscalYear],
    );
    return rows.length === 1 ? `${rows[0].labels}/${rows[0].counts ?? '-'}` : null;
  }

  private async datedChangesAround(now: Date): Promise<{ since: number | null; until: number | null }> {
    const { rows } = await prepared<{ since: Date | null; until: Date | null }>(
      this.dataSource.manager,
      DATED_CHANGES_AROUND,
      [now],
    );
    return { since: rows[0]?.since?.getTime() ?? null, until: rows[0]?.until?.getTime() ?? null };
  }

  private async build(
    planId: string,
    fiscalYear: number,
    by: RollupDimension | undefined,
    organisation: { as: RollupOrganisation; now: Date },
  ): Promise<RollupAnswer> {
    const view = await this.rollups.read(planId, fiscalYear, by, undefined, organisation);
    const body = Buffer.from(JSON.stringify(view), 'utf8');
    return { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
  }
}
