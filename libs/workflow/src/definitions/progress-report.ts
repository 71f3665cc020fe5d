import type { WorkflowDefinition } from '../definition.js';

/** A bureau's periodic report on an adopted measure, checked by the secretariat. */
export const PROGRESS_REPORT: WorkflowDefinition = {
  name: 'progress-report',
  version: 1,
  initial: 'draft',
  states: [
    { name: 'draft', label: { ja: '作成中', en: 'Drafting' }, tags: ['editable_by_owner'] },
    { name: 'submitted', label: { ja: '提出済', en: 'Submitted' }, tags: ['left_bureau'] },
    { name: 'confirmed', label: { ja: '確認済', en: 'Confirmed' }, final: true, tags: ['counted'] },
  ],
  transitions: [
    {
      action: 'submit',
      from: ['draft'],
      to: 'submitted',
      roles: ['bureau_editor'],
      effects: ['notifySecretariat'],
      hooks: ['satisfyReportDeadline'],
      label: { ja: '提出', en: 'Submit' },
    },
    {
      action: 'confirm',
      from: ['submitted'],
      to: 'confirmed',
      roles: ['secretariat'],
      hooks: ['queueRollupRecount'],
      label: { ja: '確認', en: 'Confirm' },
    },
    {
      action: 'return',
      from: ['submitted'],
      to: 'draft',
      roles: ['secretariat'],
      requires: ['comment'],
      effects: ['notifyOwners'],
      label: { ja: '差戻し', en: 'Return' },
    },
  ],
};
