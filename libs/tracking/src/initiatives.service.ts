import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NotFoundError, pageOf, type Page, type PageQuery } from '#libs/platform';
import { DeadlinesService } from '#libs/scheduling';

export interface InitiativeView {
  id: string;
  code: string;
  title: string;
  summary: string;
  plan: { id: string; code: string };
  policy: { id: string; number: number; title: string } | null;
  theme: { id: string; number: number; title: string } | null;
  owningUnit: { id: string; code: string; nameJa: string };
  collaboratingUnits: Array<{ id: string; code: string; nameJa: string }>;
  /** The yearly plan (検討 → 試行 → 実施 → 拡充 …). */
  schedule: Array<{ fiscalYear: number; step: string }>;
  /** The plan's indicators (検証指標) this initiative is to move. */
  relatedIndicators: Array<{ id: string; code: string; name: string }>;
  proposalId: string | null;
  reportedAt: string | null;
  councilMeetingId: string | null;
}

const SELECT = `
  SELECT i.*, pl.code AS plan_code,
         pp.number AS policy_number, pp.title AS policy_title, t.number AS theme_number, t.title AS theme_title,
         ou.code AS unit_code, ou.name_ja AS unit_name_ja,
         coalesce((SELECT json_agg(json_build_object('id', c.id, 'code', c.code, 'nameJa', c.name_ja) ORDER BY c.code)
                     FROM initiative_collaborator ic JOIN org_unit c ON c.id = ic.org_unit_id WHERE ic.initiative_id = i.id), '[]') AS collaborators,
         coalesce((SELECT json_agg(json_build_object('id', x.id, 'code', x.code, 'name', x.name) ORDER BY x.code)
                     FROM initiative_indicator ii JOIN indicator x ON x.id = ii.indicator_id WHERE ii.initiative_id = i.id), '[]') AS indicators
    FROM initiative i
    JOIN plan pl ON pl.id = i.plan_id
    JOIN org_unit ou ON ou.id = i.owning_unit_id
    LEFT JOIN plan_policy pp ON pp.id = i.policy_id
    LEFT JOIN plan_theme t ON t.id = i.theme_id`;

type UnitRef = InitiativeView['owningUnit'];

/** An initiative as `SELECT` reads it: its own columns and what the view shows beside them. */
interface InitiativeRow {
  id: string;
  plan_id: string;
  proposal_id: string | null;
  code: string;
  title: string;
  summary: string;
  policy_id: string | null;
  theme_id: string | null;
  owning_unit_id: string;
  schedule: InitiativeView['schedule'];
  reported_at: Date | null;
  council_meeting_id: string | null;
  plan_code: string;
  policy_number: number | null;
  policy_title: string | null;
  theme_number: number | null;
  theme_title: string | null;
  unit_code: string;
  unit_name_ja: string;
  collaborators: UnitRef[];
  indicators: InitiativeView['relatedIndicators'];
}

/** What an initiative takes over from the proposal reported to the council. */
interface ReportedProposalRow {
  plan_id: string;
  title: string;
  summary: string;
  policy_id: string | null;
  theme_id: string | null;
  owning_unit_id: string;
  schedule: InitiativeView['schedule'];
  related_indicators: string[] | null;
  policy_number: number | null;
}

function view(r: InitiativeRow): InitiativeView {
  return {
    id: r.id,
    code: r.code,
    title: r.title,
    summary: r.summary,
    plan: { id: r.plan_id, code: r.plan_code },
    // A policy's (theme's) number and title come with its id from the join.
    policy: r.policy_id ? { id: r.policy_id, number: r.policy_number!, title: r.policy_title! } : null,
    theme: r.theme_id ? { id: r.theme_id, number: r.theme_number!, title: r.theme_title! } : null,
    owningUnit: { id: r.owning_unit_id, code: r.unit_code, nameJa: r.unit_name_ja },
    collaboratingUnits: r.collaborators,
    schedule: r.schedule,
    relatedIndicators: r.indicators,
    proposalId: r.proposal_id,
    reportedAt: r.reported_at?.toISOString() ?? null,
    councilMeetingId: r.council_meeting_id,
  };
}

export interface InitiativeQuery extends PageQuery {
  planId?: string;
  policyId?: string;
  themeId?: string;
  /** The owning unit (所管). */
  orgUnitId?: string;
}

/**
 * Initiatives (取組): what the council was told the city will do, tracked for the plan's
 * years. Adopted proposals become initiatives when reported; earlier plans' initiatives are
 * imported. Public once they exist, so every signed-in caller may read them.
 */
@Injectable()
export class InitiativesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deadlines: DeadlinesService,
  ) {}

  /**
   * Creates the initiative of a proposal reported to the council, in the reporting
   * transaction. Codes run per policy (`2-03`: policy 2, third initiative).
   */
  async createFromProposal(m: EntityManager, proposalId: string, councilMeetingId: string | null): Promise<string> {
    const [p] = await m.query<ReportedProposalRow[]>(
      `SELECT p.*, pp.number AS policy_number FROM proposal p LEFT JOIN plan_policy pp ON pp.id = p.policy_id WHERE p.id = $1`,
      [proposalId],
    );
    // One reporting at a time per plan, so that codes are dealt out without gaps or clashes.
    await m.query(`SELECT 1 FROM plan WHERE id = $1 FOR UPDATE`, [p.plan_id]);
    const prefix = p.policy_number ? `${p.policy_number}-` : '0-';
    const [{ n }] = await m.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM initiative WHERE plan_id = $1 AND code LIKE $2`,
      [p.plan_id, `${prefix}%`],
    );
    const code = `${prefix}${String(n + 1).padStart(2, '0')}`;
    const [{ id }] = await m.query<Array<{ id: string }>>(
      `INSERT INTO initiative (plan_id, proposal_id, code, title, summary, policy_id, theme_id, owning_unit_id, schedule, reported_at, council_meeting_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, now(), $10) RETURNING id`,
      [
        p.plan_id,
        proposalId,
        code,
        p.title,
        p.summary,
        p.policy_id,
        p.theme_id,
        p.owning_unit_id,
        JSON.stringify(p.schedule),
        councilMeetingId,
      ],
    );
    await m.query(
      `INSERT INTO initiative_collaborator (initiative_id, org_unit_id) SELECT $1, org_unit_id FROM proposal_collaborator WHERE proposal_id = $2`,
      [id, proposalId],
    );
    // A proposal names its indicators in words; those that are the plan's indicators (by name or code) are linked.
    await m.query(
      `INSERT INTO initiative_indicator (initiative_id, indicator_id)
       SELECT $1, x.id FROM indicator x WHERE x.plan_id = $2 AND (x.name IN (SELECT jsonb_array_elements_text($3::jsonb)) OR x.code IN (SELECT jsonb_array_elements_text($3::jsonb)))`,
      [id, p.plan_id, JSON.stringify(p.related_indicators ?? [])],
    );
    // Its yearly progress reports are due from now on.
    await this.deadlines.syncInitiative(m, id);
    return id;
  }

  async list(query: InitiativeQuery): Promise<Page<InitiativeView>> {
    const params: unknown[] = [];
    const filters = [
      query.planId ? `i.plan_id = $${params.push(query.planId)}` : null,
      query.policyId ? `i.policy_id = $${params.push(query.policyId)}` : null,
      query.themeId ? `i.theme_id = $${params.push(query.themeId)}` : null,
      query.orgUnitId ? `i.owning_unit_id = $${params.push(query.orgUnitId)}` : null,
    ].filter((f) => f !== null);
    const where = filters.length ? `WHERE ${filters.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM initiative i ${where}`,
      params,
    );
    const rows = await this.dataSource.query<InitiativeRow[]>(
      `${SELECT} ${where} ORDER BY i.code LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, query.offset],
    );
    return pageOf(rows.map(view), total, query);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<InitiativeView> {
    const rows = await manager.query<InitiativeRow[]>(`${SELECT} WHERE i.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('The initiative');
    return view(rows[0]);
  }

  async forProposal(
    proposalId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<InitiativeView | null> {
    const rows = await manager.query<InitiativeRow[]>(`${SELECT} WHERE i.proposal_id = $1`, [proposalId]);
    return rows.length ? view(rows[0]) : null;
  }
}
