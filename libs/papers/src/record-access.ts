import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { scopeIncludes, type Principal } from '#libs/identity';
import { stateTaggedSql } from '#libs/platform';
import { MeetingsService, ProposalsService } from '#libs/review';
import { ProgressReportsService } from '#libs/tracking';

/** The records that carry working papers. */
export const PAPER_SUBJECTS = ['proposal', 'progress_report', 'meeting'] as const;
export type PaperSubject = (typeof PAPER_SUBJECTS)[number];

/** Where a record lives in the web application, for links in notifications. */
export const SUBJECT_PATHS: Record<PaperSubject, string> = {
  proposal: 'proposals',
  progress_report: 'progress-reports',
  meeting: 'meetings',
};

/**
 * The state tag that means 決裁 for each workflow subject: from then on its papers are
 * immutable. A proposal is decided when adopted (`decided`); a progress report when the
 * secretariat confirmed it (`counted`). Meetings have no workflow and are never decided.
 */
const DECIDED_TAG = { proposal: 'decided', progress_report: 'counted' } as const;

/** What the papers need to know of a record the caller may see. */
export interface PaperRecord {
  subject: PaperSubject;
  id: string;
  title: string;
  /** The owning unit (none for a meeting). */
  unitId: string | null;
  state: string | null;
  decided: boolean;
  /** Whether the caller may add or remove attachments now (before 決裁). */
  mayAttach: boolean;
  /** Whether the caller is the secretariat for this record (new versions after 決裁). */
  secretariat: boolean;
}

/**
 * Resolves a record for its papers under the record's own visibility rule: the proposal,
 * progress-report and meeting services answer 404 for what the caller may not see, and
 * the papers say exactly that too. Which states are editable or decided comes from the
 * workflow definition's tags, never from state names.
 */
/** What the workflow's tags say of a record's current state. */
interface StateTags {
  decided: boolean;
  by_owner: boolean;
}

/** A progress report with what its access needs from its initiative. */
interface ReportRow extends StateTags {
  state: string;
  owning_unit_id: string;
  title: string;
}

@Injectable()
export class RecordAccess {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly reports: ProgressReportsService,
    private readonly meetings: MeetingsService,
  ) {}

  async resolve(m: EntityManager, principal: Principal, subject: PaperSubject, id: string): Promise<PaperRecord> {
    switch (subject) {
      case 'proposal': {
        const p = await this.proposals.get(principal, id, m);
        const [t]: StateTags[] = await m.query(
          `SELECT ${stateTaggedSql('p', DECIDED_TAG.proposal)} AS decided, ${stateTaggedSql('p', 'editable_by_owner')} AS by_owner FROM proposal p WHERE p.id = $1`,
          [id],
        );
        return this.record(principal, subject, id, p.title, p.owningUnit.id, p.state, t.decided, t.by_owner);
      }
      case 'progress_report': {
        await this.reports.get(principal, id, m);
        const [t]: ReportRow[] = await m.query(
          `SELECT r.state, i.owning_unit_id, i.code || ' ' || i.title || '（' || r.fiscal_year || '年度 進捗報告）' AS title,
                  ${stateTaggedSql('r', DECIDED_TAG.progress_report)} AS decided, ${stateTaggedSql('r', 'editable_by_owner')} AS by_owner
             FROM progress_report r JOIN initiative i ON i.id = r.initiative_id WHERE r.id = $1`,
          [id],
        );
        return this.record(principal, subject, id, t.title, t.owning_unit_id, t.state, t.decided, t.by_owner);
      }
      case 'meeting': {
        const meeting = await this.meetings.get(principal, id, m);
        const secretariat = principal.hasRole('secretariat');
        return {
          subject,
          id,
          title: meeting.title,
          unitId: null,
          state: null,
          decided: false,
          mayAttach: secretariat,
          secretariat,
        };
      }
    }
  }

  private record(
    principal: Principal,
    subject: PaperSubject,
    id: string,
    title: string,
    unitId: string,
    state: string,
    decided: boolean,
    byOwner: boolean,
  ): PaperRecord {
    const owner = scopeIncludes(principal.scopeFor('bureau_editor', 'bureau_approver'), unitId);
    const secretariat = scopeIncludes(principal.scopeFor('secretariat'), unitId);
    // The bureau attaches while the record is theirs to edit; the secretariat while it is
    // before them (they see it only once it left the bureau); nobody once it is decided.
    const mayAttach = !decided && ((owner && byOwner) || secretariat);
    return { subject, id, title, unitId, state, decided, mayAttach, secretariat };
  }
}
