/**
 * Every queue and every job the system runs. A job name belongs to exactly one queue and
 * has exactly one handler (@OnJob), which the worker checks when it starts: a job without
 * a handler, with two, or a handler for a job not listed here stops the worker.
 */
export enum QueueName {
  /** Platform chores: the pipeline probe, outbox cleanup. */
  System = 'system',
  /** What follows a workflow transition once it committed (the definitions' effects). */
  Events = 'events',
  /** Reminders and escalations of deadlines, and their reconciliation. */
  Reminders = 'reminders',
  /** Sending one message on one channel (e-mail, webhook, in-app). */
  Notifications = 'notifications',
  /** Progress roll-ups kept current. */
  Tracking = 'tracking',
}

export interface JobDefinition {
  queue: QueueName;
  /** Attempts in all before the job is left failed. */
  attempts: number;
  description: string;
}

export const JOB_CATALOGUE = {
  'system.probe': {
    queue: QueueName.System,
    attempts: 5,
    description: 'Pipeline probe: proves that outbox → relay → queue → worker runs end to end',
  },
  'system.outbox-cleanup': {
    queue: QueueName.System,
    attempts: 3,
    description: 'Deletes relayed outbox rows older than OUTBOX_RETENTION_DAYS',
  },
  'audit.checkpoint': {
    queue: QueueName.System,
    attempts: 5,
    description: 'Signs a checkpoint of the audit log (the chain head at its sequence number), at least daily',
  },
  'workflow.effect': {
    queue: QueueName.Events,
    attempts: 8,
    description: 'Runs one named effect of a committed workflow transition (notifications and the like)',
  },
  'comment.mentioned': {
    queue: QueueName.Events,
    attempts: 8,
    description: 'Tells the people and units a review comment (意見・協議) mentions, on their channels',
  },
  'reminder.fire': {
    queue: QueueName.Reminders,
    attempts: 8,
    description:
      'Fires one planned reminder or escalation of a deadline: resolves its recipients and records a delivery per channel',
  },
  'reminders.fire_due': {
    queue: QueueName.Reminders,
    attempts: 8,
    description:
      'Fires every reminder due in one slot (up to its end, at which it runs), in bounded batches of one transaction each (09:00 JST is when nearly all fire)',
  },
  'reminders.reconcile': {
    queue: QueueName.Reminders,
    attempts: 1,
    description: 'Rebuilds missing reminder and delivery jobs from PostgreSQL (after a Redis loss, a redeploy …)',
  },
  'delivery.send': {
    queue: QueueName.Notifications,
    attempts: 10,
    description:
      'Sends one recorded delivery on its channel; retried with backoff, never sent again once recorded as sent',
  },
  'rollups.refresh': {
    queue: QueueName.Tracking,
    attempts: 5,
    description: 'Recounts one plan’s fiscal year of confirmed progress reports into the roll-up',
  },
  'rollups.reconcile': {
    queue: QueueName.Tracking,
    attempts: 2,
    description:
      'Recounts the plan-years whose progress reports changed after their last recount (a recount job lost with Redis)',
  },
  'personnel.apply_transfers': {
    queue: QueueName.System,
    attempts: 5,
    description:
      'Records the personnel transfers (人事異動) whose 発令日 has come: the person’s unit, the security log (access changed at 00:00 JST already)',
  },
  'organisation.apply_reorganisations': {
    queue: QueueName.System,
    attempts: 5,
    description:
      'Records the reorganisations (機構改革) whose day has come: new names, old units closed, open deadlines and inquiries handed to the successor',
  },
  'rollups.nightly': {
    queue: QueueName.Tracking,
    attempts: 2,
    description:
      'Recounts every plan and fiscal year with confirmed reports (a safety net for the per-confirmation job)',
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof JOB_CATALOGUE;

/** Payload of each job. */
export interface JobPayloads {
  'system.probe': { probeId: string };
  'system.outbox-cleanup': Record<string, never>;
  'audit.checkpoint': Record<string, never>;
  'workflow.effect': WorkflowEffectPayload;
  'comment.mentioned': { commentId: string; revision: number };
  'reminder.fire': { reminderId: string; fireAt: string };
  /** `fireAt` ends the slot; the slot is the `slotMs` before it (1, or absent: that instant alone). */
  'reminders.fire_due': { fireAt: string; slotMs?: number };
  'reminders.reconcile': Record<string, never>;
  'delivery.send': { deliveryId: string };
  'rollups.refresh': { planId: string; fiscalYear: number };
  'rollups.reconcile': Record<string, never>;
  'rollups.nightly': Record<string, never>;
  'personnel.apply_transfers': Record<string, never>;
  'organisation.apply_reorganisations': Record<string, never>;
}

export interface WorkflowEffectPayload {
  effect: string;
  /** What moved: `proposal`, `inquiry`, `progress-report`. */
  subject: string;
  recordId: string;
  action: string;
  from: string;
  to: string;
  actorUserId: string;
  /** The audit entry of the transition. */
  auditEntryId: string;
}

/** Cluster-wide periodic work, run once per slot across all workers (BullMQ job schedulers). */
export interface JobSchedule {
  id: string;
  job: JobName;
  /** cron pattern, in Asia/Tokyo */
  pattern?: string;
  /** or: every so many milliseconds, from the configuration */
  everyMs?: (config: { REMINDER_RECONCILE_SECONDS: number }) => number;
}

export const JOB_SCHEDULES: readonly JobSchedule[] = [
  { id: 'outbox-cleanup-nightly', job: 'system.outbox-cleanup', pattern: '15 3 * * *' },
  { id: 'audit-checkpoint-daily', job: 'audit.checkpoint', pattern: '5 0 * * *' },
  { id: 'reminders-reconcile', job: 'reminders.reconcile', everyMs: (c) => c.REMINDER_RECONCILE_SECONDS * 1000 },
  { id: 'rollups-reconcile', job: 'rollups.reconcile', pattern: '*/5 * * * *' },
  { id: 'rollups-nightly', job: 'rollups.nightly', pattern: '30 2 * * *' },
  // On the hour, so 00:00 JST of a 発令日 first of all; the later hours catch up after a worker was down.
  { id: 'personnel-transfers-hourly', job: 'personnel.apply_transfers', pattern: '0 * * * *' },
  { id: 'reorganisations-hourly', job: 'organisation.apply_reorganisations', pattern: '0 * * * *' },
];

/**
 * Jobs whose copies that have not started yet are one job: the key names what the job works
 * on. The relay hands such jobs to BullMQ with deduplication `keepLastIfActive`: a copy
 * added while one waits is dropped (the waiting one has not looked yet, so it will see the
 * change that asked for the copy: the relay only hands over what committed), and a copy
 * added while one runs is kept as the one next job. Only for jobs that recompute from the
 * database, never for jobs whose payload is the work.
 */
export const JOB_COALESCING: { [J in JobName]?: (payload: JobPayloads[J]) => string } = {
  'rollups.refresh': (p) => `rollups-${p.planId}-${p.fiscalYear}`,
};

export function coalescingKey(job: JobName, payload: unknown): string | undefined {
  const key = JOB_COALESCING[job] as ((payload: unknown) => string) | undefined;
  return key?.(payload);
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOB_CATALOGUE, name);
}

export function queueOf(job: JobName): QueueName {
  return JOB_CATALOGUE[job].queue;
}
