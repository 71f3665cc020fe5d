import type { Label, TransitionDefinition, WorkflowDefinition } from '../definition.js';

const SUBMIT: Label = { ja: '提出', en: 'Submit' };
const APPROVE: Label = { ja: '承認', en: 'Approve' };
const RETURN: Label = { ja: '差戻し', en: 'Return' };
const REJECT: Label = { ja: '不採択', en: 'Reject' };
const WITHDRAW: Label = { ja: '取下げ', en: 'Withdraw' };
const MERGE: Label = { ja: '統合', en: 'Merge' };
const REPORT: Label = { ja: '市議会報告', en: 'Report to council' };

/** Below this expected effect (千円), the shipped 専決 rule lets the bureau approver adopt a proposal. */
export const SMALL_PROPOSAL_AMOUNT = 1000;

/** Return and reject are open to whoever holds the approving role at that stage, with a reason. */
const atEachReviewStage = (
  action: 'return' | 'reject',
  to: string,
  label: Label,
  stages: ReadonlyArray<readonly [from: string, role: string]>,
): TransitionDefinition[] =>
  stages.map(([from, role]) => ({
    action,
    from: [from],
    to,
    roles: [role],
    requires: ['comment'],
    effects: ['notifyOwners'],
    label,
  }));

/**
 * A reform proposal: drafted in a bureau, approved inside it, then examined by the
 * secretariat, the promotion committee and the promotion headquarters before adoption, and
 * finally reported to the city council. Each stage may send it back to the bureau.
 */
export const REFORM_PROPOSAL: WorkflowDefinition = {
  name: 'reform-proposal',
  version: 1,
  initial: 'draft',
  states: [
    { name: 'draft', label: { ja: '起案中', en: 'Drafting' }, tags: ['editable_by_owner'] },
    { name: 'bureau_review', label: { ja: '局内確認', en: 'Bureau review' } },
    { name: 'submitted', label: { ja: '提出済', en: 'Submitted' }, tags: ['left_bureau', 'editable_by_secretariat'] },
    {
      name: 'committee_review',
      label: { ja: '推進委員会審議', en: 'Committee review' },
      tags: ['left_bureau', 'editable_by_secretariat', 'committee_agenda'],
    },
    {
      name: 'hq_review',
      label: { ja: '推進本部審議', en: 'HQ review' },
      tags: ['left_bureau', 'editable_by_secretariat', 'hq_agenda'],
    },
    { name: 'adopted', label: { ja: '決定', en: 'Adopted' }, tags: ['left_bureau', 'decided', 'council_agenda'] },
    {
      name: 'reported',
      label: { ja: '市議会報告済', en: 'Reported to council' },
      final: true,
      tags: ['left_bureau', 'decided', 'public'],
    },
    { name: 'returned', label: { ja: '差戻し', en: 'Returned' }, tags: ['editable_by_owner'] },
    { name: 'rejected', label: { ja: '不採択', en: 'Rejected' }, final: true },
    { name: 'withdrawn', label: { ja: '取下げ', en: 'Withdrawn' }, final: true },
    { name: 'merged', label: { ja: '統合', en: 'Merged' }, final: true },
  ],
  transitions: [
    {
      action: 'submit',
      from: ['draft', 'returned'],
      to: 'bureau_review',
      roles: ['bureau_editor'],
      guards: ['inquiryOpen', 'requiredFieldsFilled'],
      effects: ['notifyApprovers'],
      hooks: ['recordFirstSubmission'],
      label: SUBMIT,
    },
    {
      action: 'approve',
      from: ['bureau_review'],
      to: 'submitted',
      roles: ['bureau_approver'],
      guards: ['inquiryOpen'],
      effects: ['notifySecretariat'],
      hooks: ['satisfyInquiryDeadline'],
      label: APPROVE,
    },
    {
      action: 'approve',
      from: ['submitted'],
      to: 'committee_review',
      roles: ['secretariat'],
      effects: ['notifyReviewers'],
      label: APPROVE,
    },
    {
      action: 'approve',
      from: ['committee_review'],
      to: 'hq_review',
      roles: ['committee_reviewer'],
      effects: ['notifyReviewers'],
      label: APPROVE,
    },
    {
      action: 'approve',
      from: ['hq_review'],
      to: 'adopted',
      roles: ['hq_member'],
      effects: ['notifyOwners'],
      // 専決規程 (an example a city edits): a proposal of small effect is decided by its bureau head.
      delegations: [
        {
          roles: ['bureau_approver'],
          when: [{ field: 'expectedAmount', operator: 'lt', value: SMALL_PROPOSAL_AMOUNT }],
          label: {
            ja: '局長専決（効果額100万円未満）',
            en: 'Delegated to the bureau head (effect below 1 million yen)',
          },
        },
      ],
      label: APPROVE,
    },
    ...atEachReviewStage('return', 'returned', RETURN, [
      ['bureau_review', 'bureau_approver'],
      ['submitted', 'secretariat'],
      ['committee_review', 'committee_reviewer'],
      ['hq_review', 'hq_member'],
    ]),
    ...atEachReviewStage('reject', 'rejected', REJECT, [
      ['submitted', 'secretariat'],
      ['committee_review', 'committee_reviewer'],
      ['hq_review', 'hq_member'],
    ]),
    {
      action: 'withdraw',
      from: ['draft', 'returned', 'bureau_review', 'submitted'],
      to: 'withdrawn',
      roles: ['bureau_editor', 'bureau_approver'],
      label: WITHDRAW,
    },
    {
      action: 'merge',
      from: ['submitted', 'committee_review'],
      to: 'merged',
      roles: ['secretariat'],
      guards: ['mergeTargetLive'],
      requires: ['targetProposalId'],
      effects: ['notifyOwners'],
      hooks: ['recordMerge'],
      label: MERGE,
    },
    {
      action: 'report',
      from: ['adopted'],
      to: 'reported',
      roles: ['secretariat'],
      guards: ['councilMeeting'],
      effects: ['notifyOwners'],
      hooks: ['createInitiative'],
      label: REPORT,
    },
  ],
};
