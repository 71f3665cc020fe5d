import type { WorkflowDefinition } from '../definition.js';

/** The secretariat's call for proposals: proposals can be submitted while it is open. */
export const INQUIRY: WorkflowDefinition = {
  name: 'inquiry',
  version: 1,
  initial: 'draft',
  states: [
    { name: 'draft', label: { ja: '作成中', en: 'Drafting' }, tags: ['in_preparation'] },
    { name: 'open', label: { ja: '照会中', en: 'Open' }, tags: ['accepting_proposals'] },
    { name: 'closed', label: { ja: '締切', en: 'Closed' }, final: true },
    { name: 'cancelled', label: { ja: '中止', en: 'Cancelled' }, final: true },
  ],
  transitions: [
    {
      action: 'open',
      from: ['draft'],
      to: 'open',
      roles: ['secretariat'],
      guards: ['dueDateInFuture'],
      hooks: ['syncReplyDeadlines'],
      label: { ja: '照会開始', en: 'Open' },
    },
    {
      action: 'close',
      from: ['open'],
      to: 'closed',
      roles: ['secretariat'],
      hooks: ['syncReplyDeadlines'],
      label: { ja: '締切', en: 'Close' },
    },
    {
      action: 'cancel',
      from: ['draft', 'open'],
      to: 'cancelled',
      roles: ['secretariat'],
      requires: ['comment'],
      hooks: ['syncReplyDeadlines'],
      label: { ja: '中止', en: 'Cancel' },
    },
  ],
};
