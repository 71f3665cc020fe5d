import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearView, type FiscalYearView } from '#libs/calendar';
import {
  AuditLog,
  DomainError,
  execute,
  NotFoundError,
  ValidationFailedError,
  VersionConflictError,
  withTransaction,
} from '#libs/platform';
import type { CreatePlanDto, CreatePolicyDto, UpdatePlanDto } from './dto/plan.dto.js';
import { KUMAMOTO_SCALE, setScale } from './status-scale.js';

export interface ThemeView {
  id: string;
  number: number;
  title: string;
}
export interface PolicyView {
  id: string;
  number: number;
  title: string;
  description: string;
  themes: ThemeView[];
}
export interface PlanView {
  id: string;
  code: string;
  name: string;
  period: { first: FiscalYearView; last: FiscalYearView };
  fiscalYears: FiscalYearView[];
  mission: string;
  vision: string;
  values: string;
  proposalWorkflow: string;
  policies: PolicyView[];
  version: number;
}

interface PlanRow {
  id: string;
  code: string;
  name: string;
  first_fiscal_year: number;
  last_fiscal_year: number;
  mission: string;
  vision: string;
  plan_values: string;
  proposal_workflow: string;
  version: number;
  policies: PolicyView[];
}

const SELECT = `
  SELECT p.*, coalesce((
    SELECT json_agg(json_build_object('id', pp.id, 'number', pp.number, 'title', pp.title, 'description', pp.description,
             'themes', coalesce((SELECT json_agg(json_build_object('id', t.id, 'number', t.number, 'title', t.title) ORDER BY t.number)
                                   FROM plan_theme t WHERE t.policy_id = pp.id), '[]'))
           ORDER BY pp.number)
      FROM plan_policy pp WHERE pp.plan_id = p.id), '[]') AS policies
    FROM plan p`;

function view(r: PlanRow): PlanView {
  const years: FiscalYearView[] = [];
  for (let y = r.first_fiscal_year; y <= r.last_fiscal_year; y++) years.push(fiscalYearView(y));
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    period: { first: fiscalYearView(r.first_fiscal_year), last: fiscalYearView(r.last_fiscal_year) },
    fiscalYears: years,
    mission: r.mission,
    vision: r.vision,
    values: r.plan_values,
    proposalWorkflow: r.proposal_workflow,
    policies: r.policies,
    version: r.version,
  };
}

export interface PlanActor {
  id: string | null;
  username: string | null;
}

/** Reform plans (改革プラン): period, mission–vision–values, policies (方針) and assumed themes. */
@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async list(): Promise<PlanView[]> {
    const rows: PlanRow[] = await this.dataSource.query(`${SELECT} ORDER BY p.first_fiscal_year DESC, p.code`);
    return rows.map(view);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<PlanView> {
    const rows: PlanRow[] = await manager.query(`${SELECT} WHERE p.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('The plan');
    return view(rows[0]);
  }

  async create(dto: CreatePlanDto, actor: PlanActor, manager?: EntityManager): Promise<PlanView> {
    const work = async (m: EntityManager) => {
      if (dto.lastFiscalYear < dto.firstFiscalYear) {
        throw new ValidationFailedError([{ field: 'lastFiscalYear', message: 'must not be before firstFiscalYear' }]);
      }
      await this.assertWorkflowExists(m, dto.proposalWorkflow ?? 'reform-proposal');
      if ((await m.query<unknown[]>(`SELECT 1 FROM plan WHERE code = $1`, [dto.code])).length > 0) {
        throw new DomainError('CONFLICT', `A plan with the code "${dto.code}" exists`, [
          { field: 'code', message: 'is taken' },
        ]);
      }
      const [{ id }] = await m.query<Array<{ id: string }>>(
        `INSERT INTO plan (code, name, first_fiscal_year, last_fiscal_year, mission, vision, plan_values, proposal_workflow)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          dto.code,
          dto.name,
          dto.firstFiscalYear,
          dto.lastFiscalYear,
          dto.mission ?? '',
          dto.vision ?? '',
          dto.values ?? '',
          dto.proposalWorkflow ?? 'reform-proposal',
        ],
      );
      for (const policy of dto.policies ?? []) await this.insertPolicy(m, id, policy);
      // Every plan starts with Kumamoto's scale; PUT /plans/{id}/status-scale sets another.
      await setScale(m, id, KUMAMOTO_SCALE);
      await this.audit.append(m, {
        actorUserId: actor.id,
        actorUsername: actor.username,
        entityType: 'plan',
        entityId: id,
        action: 'create',
        details: { code: dto.code },
      });
      return this.get(id, m);
    };
    return manager ? work(manager) : withTransaction(this.dataSource, work);
  }

  async update(id: string, expectedVersion: number, dto: UpdatePlanDto, actor: PlanActor): Promise<PlanView> {
    return withTransaction(this.dataSource, async (m) => {
      const current = await this.get(id, m);
      const first = dto.firstFiscalYear ?? current.period.first.fiscalYear;
      const last = dto.lastFiscalYear ?? current.period.last.fiscalYear;
      if (last < first)
        throw new ValidationFailedError([{ field: 'lastFiscalYear', message: 'must not be before firstFiscalYear' }]);
      if (dto.proposalWorkflow) await this.assertWorkflowExists(m, dto.proposalWorkflow);
      const { affected } = await execute(
        m,
        `UPDATE plan SET name = $3, mission = $4, vision = $5, plan_values = $6, first_fiscal_year = $7, last_fiscal_year = $8,
                proposal_workflow = $9, version = version + 1, updated_at = now()
          WHERE id = $1 AND version = $2`,
        [
          id,
          expectedVersion,
          dto.name ?? current.name,
          dto.mission ?? current.mission,
          dto.vision ?? current.vision,
          dto.values ?? current.values,
          first,
          last,
          dto.proposalWorkflow ?? current.proposalWorkflow,
        ],
      );
      if (affected !== 1) throw new VersionConflictError(current.version);
      await this.audit.append(m, {
        actorUserId: actor.id,
        actorUsername: actor.username,
        entityType: 'plan',
        entityId: id,
        action: 'update',
        details: { fields: Object.keys(dto) },
      });
      return this.get(id, m);
    });
  }

  async addPolicy(planId: string, dto: CreatePolicyDto, actor: PlanActor): Promise<PolicyView> {
    return withTransaction(this.dataSource, async (m) => {
      await this.get(planId, m);
      if (
        (await m.query<unknown[]>(`SELECT 1 FROM plan_policy WHERE plan_id = $1 AND number = $2`, [planId, dto.number]))
          .length > 0
      ) {
        throw new DomainError('CONFLICT', `Policy ${dto.number} exists in this plan`, [
          { field: 'number', message: 'is taken' },
        ]);
      }
      const policyId = await this.insertPolicy(m, planId, dto);
      await m.query(`UPDATE plan SET version = version + 1, updated_at = now() WHERE id = $1`, [planId]);
      await this.audit.append(m, {
        actorUserId: actor.id,
        actorUsername: actor.username,
        entityType: 'plan',
        entityId: planId,
        action: 'add_policy',
        details: { number: dto.number, title: dto.title },
      });
      return (await this.get(planId, m)).policies.find((p) => p.id === policyId)!;
    });
  }

  /** Loads the demo plan (市役所改革プラン2027) once. */
  async loadDemo(m: EntityManager, demo: CreatePlanDto): Promise<boolean> {
    if ((await m.query<unknown[]>(`SELECT 1 FROM plan WHERE code = $1`, [demo.code])).length > 0) return false;
    await this.create(demo, { id: null, username: 'demo-data' }, m);
    return true;
  }

  private async insertPolicy(m: EntityManager, planId: string, policy: CreatePolicyDto): Promise<string> {
    const [{ id }] = await m.query<Array<{ id: string }>>(
      `INSERT INTO plan_policy (plan_id, number, title, description) VALUES ($1, $2, $3, $4) RETURNING id`,
      [planId, policy.number, policy.title, policy.description ?? ''],
    );
    for (const [i, theme] of (policy.themes ?? []).entries()) {
      await m.query(`INSERT INTO plan_theme (policy_id, number, title) VALUES ($1, $2, $3)`, [id, i + 1, theme.title]);
    }
    return id;
  }

  private async assertWorkflowExists(m: EntityManager, name: string): Promise<void> {
    const rows = await m.query<unknown[]>(
      `SELECT 1 FROM workflow_definition WHERE name = $1 AND subject = 'proposal'`,
      [name],
    );
    if (rows.length === 0)
      throw new ValidationFailedError([{ field: 'proposalWorkflow', message: `no proposal workflow named "${name}"` }]);
  }
}
