import { useState } from 'react';
import { reportsKey, type ProgressReport } from '../tracking/tracking-queries';
import { SelectField } from '../ui/field';
import { stateLabels, useWorkflow } from '../workflows/workflow';
import { AttachmentsSection } from './attachments-section';
import { CommentsSection } from './comments-section';
import { ReturnedNotice } from './returned-notice';
import type { PaperRecordRef } from './papers-queries';

/** A proposal's papers sit under its query key, so its transitions re-read them. */
const proposalRecord = (id: string): PaperRecordRef => ({ subject: 'proposal', id, queryKey: ['proposals', id] });

/** The return reason of a returned proposal, with the comments written since (shown only when returned). */
export function ProposalReturnNotice({ proposalId, state }: { proposalId: string; state: string }) {
  return state === 'returned' ? <ReturnedNotice record={proposalRecord(proposalId)} /> : null;
}

/** 添付ファイル and 意見・協議 of a proposal. */
export function ProposalPapers({ proposalId }: { proposalId: string }) {
  const workflow = useWorkflow();
  const labels = stateLabels(workflow.data?.definition);
  const record = proposalRecord(proposalId);
  return (
    <>
      <AttachmentsSection record={record} />
      <CommentsSection record={record} stateLabel={(s) => labels[s]} />
    </>
  );
}

/**
 * 添付ファイル and 意見・協議 of one progress report of an initiative, the latest first; the
 * person picks the fiscal year. Under the initiative's reports key, so a report's transition
 * re-reads what may be attached.
 */
export function ProgressReportPapers({ initiativeId, reports }: { initiativeId: string; reports: ProgressReport[] }) {
  const [chosen, setChosen] = useState<string | null>(null);
  if (reports.length === 0) return null;
  const report = reports.find((r) => r.id === chosen) ?? reports[0];
  const name = (r: ProgressReport) => `${r.fiscalYearLabel}${r.period === 'midyear' ? '（中間）' : ''}の進捗報告`;
  const record: PaperRecordRef = {
    subject: 'progress_report',
    id: report.id,
    queryKey: [...reportsKey(initiativeId), report.id],
  };
  return (
    <>
      {reports.length > 1 && (
        <div className="max-w-md">
          <SelectField
            label="添付ファイル・意見を見る進捗報告"
            value={report.id}
            onChange={(e) => setChosen(e.target.value)}
          >
            {reports.map((r) => (
              <option key={r.id} value={r.id}>
                {name(r)}
              </option>
            ))}
          </SelectField>
        </div>
      )}
      <AttachmentsSection record={record} title={`${name(report)}の添付ファイル`} />
      <CommentsSection record={record} title={`${name(report)}への意見・協議`} />
    </>
  );
}
