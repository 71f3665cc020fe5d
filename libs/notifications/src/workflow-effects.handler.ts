import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import {
  AppConfig,
  OnJob,
  REPRESENTED_EFFECT,
  WorkflowRegistry,
  withTransaction,
  type JobPayloads,
} from '#libs/platform';
import { DeliveriesService } from './deliveries.service.js';
import { userById, usersWithRoles } from './recipients.js';
import { representedMessage, transitionMessage } from './templates.js';

/** Who each named effect of a workflow tells, for a proposal now in state `to`. */
function audienceOf(effect: string, to: string): string[] {
  switch (effect) {
    case 'notifyOwners':
      return ['bureau_editor', 'bureau_approver'];
    case 'notifyApprovers':
      return ['bureau_approver'];
    case 'notifySecretariat':
      return ['secretariat'];
    case 'notifyReviewers':
      return to === 'committee_review' ? ['committee_reviewer'] : to === 'hq_review' ? ['hq_member'] : ['secretariat'];
    default:
      return [];
  }
}

/**
 * Runs the named effects of committed transitions: tells the people the effect names (a
 * proposal returned → its bureau; a proposal reaching the committee → the reviewers) on
 * their channels, through deliveries keyed by the audit entry, so a retried job tells no
 * one twice.
 */
@Injectable()
export class WorkflowEffectsHandler {
  private readonly logger = new Logger(WorkflowEffectsHandler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesService,
    private readonly workflows: WorkflowRegistry,
    private readonly config: AppConfig,
  ) {}

  @OnJob('workflow.effect')
  async run(p: JobPayloads['workflow.effect']): Promise<void> {
    const row = await this.subjectOf(p);
    if (!row) {
      this.logger.debug({ ...p }, 'no one to tell for this effect');
      return;
    }
    const definition = (await this.workflows.get(row.workflow_name, row.workflow_version)).definition;
    const label = (state: string) => definition.states.find((s) => s.name === state)?.label.ja ?? state;
    const link = `${this.config.PUBLIC_BASE_URL}/${row.path}/${row.id}`;
    if (p.effect === REPRESENTED_EFFECT) {
      // 代決: the absent person is told what was decided for them (後閲 lists it until they mark it seen).
      if (!row.on_behalf_of) return;
      const actionLabel =
        definition.transitions.find((t) => t.action === p.action && t.from.includes(p.from))?.label?.ja ?? p.action;
      const message = representedMessage({
        title: row.title,
        unitName: row.unit_name,
        actor: row.actor ?? '代決者',
        actionLabel,
        toLabel: label(p.to),
        link,
      });
      await withTransaction(this.dataSource, async (m) => {
        await this.deliveries.record(
          m,
          `effect:${p.auditEntryId}:${p.effect}`,
          await userById(m, row.on_behalf_of!),
          message,
        );
      });
      return;
    }
    const message = transitionMessage({
      effect: p.effect,
      action: p.action,
      title: row.title,
      fromLabel: label(p.from),
      toLabel: label(p.to),
      unitName: row.unit_name,
      comment: row.comment,
      actor: row.actor ?? '担当者',
      // The web page of the record (the JSON API would answer a browser 401).
      link,
    });
    await withTransaction(this.dataSource, async (m) => {
      const recipients = (await usersWithRoles(m, audienceOf(p.effect, p.to), row.owning_unit_id)).filter(
        (r) => r.id !== p.actorUserId,
      );
      await this.deliveries.record(m, `effect:${p.auditEntryId}:${p.effect}`, recipients, message);
    });
  }

  /** The record that moved, with what a message about it needs; null for subjects no one is told about. */
  private async subjectOf(p: JobPayloads['workflow.effect']): Promise<SubjectRow | null> {
    const common = `(SELECT details->>'comment' FROM audit_log WHERE id = $2) AS comment, (SELECT display_name FROM app_user WHERE id = $3) AS actor,
                    (SELECT details->'onBehalfOf'->>'userId' FROM audit_log WHERE id = $2) AS on_behalf_of`;
    const params = [p.recordId, p.auditEntryId, p.actorUserId];
    if (p.subject === 'proposal') {
      const [row] = await this.dataSource.query<SubjectRow[]>(
        `SELECT p.id, 'proposals' AS path, p.title, p.owning_unit_id, p.workflow_name, p.workflow_version, o.name_ja AS unit_name, ${common}
           FROM proposal p JOIN org_unit o ON o.id = p.owning_unit_id WHERE p.id = $1`,
        params,
      );
      return row ?? null;
    }
    if (p.subject === 'progress-report') {
      const [row] = await this.dataSource.query<Array<SubjectRow & { fiscal_year: number }>>(
        `SELECT r.id, 'progress-reports' AS path, i.code || ' ' || i.title AS title, r.fiscal_year,
                i.owning_unit_id, r.workflow_name, r.workflow_version, o.name_ja AS unit_name, ${common}
           FROM progress_report r JOIN initiative i ON i.id = r.initiative_id JOIN org_unit o ON o.id = i.owning_unit_id WHERE r.id = $1`,
        params,
      );
      return row ? { ...row, title: `${row.title}（${fiscalYearLabel(row.fiscal_year)} 進捗報告）` } : null;
    }
    return null;
  }
}

interface SubjectRow {
  id: string;
  path: string;
  title: string;
  owning_unit_id: string;
  workflow_name: string;
  workflow_version: number;
  unit_name: string;
  comment: string | null;
  actor: string | null;
  on_behalf_of: string | null;
}
