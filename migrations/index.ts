import { Platform1764028800000 } from './1764028800000-platform.js';
import { Identity1764115200000 } from './1764115200000-identity.js';
import { ReviewCycle1764201600000 } from './1764201600000-review-cycle.js';
import { Reminders1764288000000 } from './1764288000000-reminders.js';
import { Tracking1764374400000 } from './1764374400000-tracking.js';
import { RollupUpkeep1764460800000 } from './1764460800000-rollup-upkeep.js';
import { BrowserSessions1764547200000 } from './1764547200000-browser-sessions.js';
import { AuditCheckpoints1764547260000 } from './1764547260000-audit-checkpoints.js';
import { WorkflowTags1764547320000 } from './1764547320000-workflow-tags.js';
import { AuditSealer1764550800000 } from './1764550800000-audit-sealer.js';
import { IdentityNotify1764554400000 } from './1764554400000-identity-notify.js';
import { Papers1764650000000 } from './1764650000000-papers.js';
import { Deputies1764660000000 } from './1764660000000-deputies.js';
import { PersonnelTransfers1764680000000 } from './1764680000000-personnel-transfers.js';
import { Reorganisation1764680100000 } from './1764680100000-reorganisation.js';
import { DirectoryAccounts1764680200000 } from './1764680200000-directory-accounts.js';
import { ReminderFiringOrder1764750000000 } from './1764750000000-reminder-firing-order.js';
import { AuditSealPerPass1764760000000 } from './1764760000000-audit-seal-per-pass.js';
import { AuditUnlinkedWhen1764760100000 } from './1764760100000-audit-unlinked-when.js';
import { ProposalHotTransitions1764760200000 } from './1764760200000-proposal-hot-transitions.js';
import { RollupVersions1764770000000 } from './1764770000000-rollup-versions.js';

/**
 * Every migration, oldest first. `npm run migration:generate` writes a new file here;
 * add its class to this list after reviewing it.
 */
export const MIGRATIONS = [
  Platform1764028800000,
  Identity1764115200000,
  ReviewCycle1764201600000,
  Reminders1764288000000,
  Tracking1764374400000,
  RollupUpkeep1764460800000,
  BrowserSessions1764547200000,
  AuditCheckpoints1764547260000,
  WorkflowTags1764547320000,
  AuditSealer1764550800000,
  IdentityNotify1764554400000,
  Papers1764650000000,
  Deputies1764660000000,
  PersonnelTransfers1764680000000,
  Reorganisation1764680100000,
  DirectoryAccounts1764680200000,
  ReminderFiringOrder1764750000000,
  AuditSealPerPass1764760000000,
  AuditUnlinkedWhen1764760100000,
  ProposalHotTransitions1764760200000,
  RollupVersions1764770000000,
];
