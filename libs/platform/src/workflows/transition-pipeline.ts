import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  WorkflowEngine,
  type Accepted,
  type Actor,
  type ConditionField,
  type Guard,
  type Refused,
} from '#libs/workflow';
import { AuditLog, prepareAuditEntry, type AuditEntryInput } from '../audit/audit-log.service.js';
import { JOB_CATALOGUE } from '../jobs/job-catalogue.js';
import { OUTBOX_CHANNEL } from '../jobs/outbox/outbox.service.js';
import { DomainError } from '../errors/domain-error.js';
import { VersionConflictError } from '../http/concurrency.js';
import { OutboxService } from '../jobs/outbox/outbox.service.js';
import { OutboxWakeup } from '../jobs/outbox/outbox-wakeup.js';
import { prepared } from '../persistence/prepared.js';
import { beginTransaction } from '../persistence/with-transaction.js';
import { SUBJECT_VOCABULARY, WorkflowRegistry, type WorkflowSubject } from './workflow-registry.js';

/** Whoever asks for a transition, as the pipeline needs them: the engine's actor plus who to record. */
export interface TransitionActor extends Actor {
  id: string;
  username: string;
  /** 代決: the absent person behind a key `standsInFor` answered, and the period's id. */
  represented?(key: string): { id: string; username: string; assignmentId: string } | undefined;
}

/** The effect every transition taken for someone (代決) queues besides its own: that person is told. */
export const REPRESENTED_EFFECT = 'notifyRepresented';

/**
 * What the audit entry records of why the actor could decide: 代決 (whom they stood in for)
 * and 専決 (the delegation's role and label). Nothing for a decision in one's own right.
 */
function authorityDetails(decision: Accepted, actor: TransitionActor): Record<string, unknown> {
  const { authority } = decision;
  const details: Record<string, unknown> = {};
  const represented = authority.onBehalfOf ? actor.represented?.(authority.onBehalfOf) : undefined;
  if (represented) {
    details.onBehalfOf = {
      userId: represented.id,
      username: represented.username,
      deputyAssignmentId: represented.assignmentId,
    };
    details.decidedAs = `代決: ${actor.username} for ${represented.username}`;
  }
  if (authority.delegation) details.delegated = { role: authority.role, label: authority.delegation.label ?? null };
  return details;
}

/** The record about to move, as its subject's one read found it. */
export interface TransitionRecord {
  id: string;
  state: string;
  /** The unit whose roles decide (the owning unit, or the city for a city-wide record). */
  unitId: string;
  version: number;
  workflowName: string;
  workflowVersion: number;
}

/** What a hook sees and may add to: it runs inside the transition's transaction, after the state change. */
export interface HookContext<C, R> {
  manager: EntityManager;
  actor: TransitionActor;
  record: TransitionRecord;
  /** The subject's own row, as read before the change. */
  row: R;
  decision: Accepted;
  engine: WorkflowEngine<C>;
  inputs: Record<string, unknown>;
  context: C;
  /** Adds a fact to the transition's audit entry and to its outcome (e.g. `initiativeId`). */
  note(key: string, value: unknown): void;
}

export type TransitionHook<C, R> = (h: HookContext<C, R>) => Promise<void>;

/**
 * A column the pipeline stamps from the target state's tag, in the same UPDATE as the state:
 * - `first`: the first time a state with the tag is entered (`left_bureau_at`);
 * - `latest`: every time one is entered (`submitted_at`);
 * - `while`: on entering one, cleared on entering any other (`confirmed_at`).
 */
export interface TagStamp {
  column: string;
  /** The tag of the states that stamp it; `final` stands for the definition's final states. */
  tag: string;
  keep: 'first' | 'latest' | 'while';
}

/** The pseudo-tag of a definition's final states, for stamps such as `closed_at`. */
export const FINAL_STATES = 'final';

/**
 * Everything a subject (proposal, inquiry, progress report …) supplies to the one pipeline:
 * its table, how its audit entries are named, its guards and hooks, and its stamped columns.
 * Table and column names come from code, never from input, so they are safe in SQL text.
 */
export interface WorkflowSubjectSpec<C, R> {
  subject: WorkflowSubject;
  table: string;
  /** The audit log's entity type (`progress_report`). */
  entityType: string;
  guards: Record<string, Guard<C>>;
  hooks: Record<string, TransitionHook<C, R>>;
  stamps?: readonly TagStamp[];
  /** The record's fields that 専決 conditions test, as its vocabulary names them. */
  fields?: Record<string, ConditionField<C>>;
}

export interface TransitionRequest<C, R> {
  actor: TransitionActor;
  record: TransitionRecord;
  row: R;
  expectedVersion: number;
  action: string;
  inputs: Record<string, unknown>;
  context: C;
  /** Facts the subject adds to the audit entry (e.g. the deciding meeting). */
  details?: Record<string, unknown>;
}

export interface TransitionOutcome {
  decision: Accepted;
  auditEntryId: string;
  /** The facts hooks noted (`initiativeId` …). */
  notes: Record<string, unknown>;
  /** Columns stamped now (`left_bureau_at` …), so a view can be answered without reading back. */
  stamped: Record<string, Date | null>;
  at: Date;
}

/** A refused workflow decision, as the API answers it: the one mapping every subject shares. */
export function refusalError(refused: Refused): DomainError {
  switch (refused.reason) {
    case 'unknown_action':
      return new DomainError('VALIDATION_FAILED', refused.detail, [{ field: 'action', message: refused.detail }]);
    case 'missing_input':
      return new DomainError(
        'VALIDATION_FAILED',
        refused.detail,
        (refused.missing ?? []).map((field) => ({ field, message: 'is required for this action' })),
      );
    case 'not_allowed':
      return new DomainError('FORBIDDEN', refused.detail);
    case 'not_from_this_state':
    case 'guard':
      return new DomainError(
        'TRANSITION_NOT_ALLOWED',
        refused.detail,
        [],
        refused.guard ? { guard: refused.guard } : {},
      );
  }
}

/** The one-statement transitions' SQL by UPDATE and wake-up, built once: the same text object each time is cheap to look up. */
const ONE_STATEMENT = new Map<string, string>();

/**
 * A transition without hooks as one statement: the versioned UPDATE ($1 id, $2 version, $3
 * state), the audit entry ($4…$14) and the outbox rows ($15 queue, $16 payloads), each insert
 * only if the update hit. PostgreSQL runs every data-modifying WITH to completion whether the
 * answer reads it or not, so the answer is just the update's row. `in-statement`: it also
 * NOTIFYs the relays ($17 channel) when rows were queued, delivered at the commit of the
 * caller's transaction; `after-commit`: the caller wakes them.
 */
function oneStatementTransition(update: string, wake: 'in-statement' | 'after-commit'): string {
  const key = `${wake}\u0000${update}`;
  let text = ONE_STATEMENT.get(key);
  if (!text) {
    const notify = wake === 'in-statement';
    const answer = notify
      ? `SELECT moved.*, CASE WHEN (SELECT count(*) FROM queued) > 0 THEN pg_notify($17, '') END AS notified FROM moved`
      : `SELECT * FROM moved`;
    text = `WITH moved AS (${update}),
              entry AS (
                INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_username, entity_type, entity_id, action, from_state, to_state, details, content_hash)
                SELECT $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14 FROM moved
              ),
              queued AS (
                INSERT INTO outbox (queue, job_name, payload) SELECT $15, 'workflow.effect', p FROM moved, unnest($16::jsonb[]) AS p${notify ? ' RETURNING id' : ''}
              )
         ${answer}`;
    ONE_STATEMENT.set(key, text);
  }
  return text;
}

/**
 * The one way a record changes state: decide with the engine, refuse with one error mapping,
 * apply the versioned UPDATE (with the columns the target state's tags stamp), run the
 * transition's declared hooks, append the audit entry and queue the declared effects — all
 * in the caller's transaction (begun here if the caller deferred it and hooks need it; a
 * transition without hooks is one statement). Engines are built once per subject and
 * definition version.
 */
@Injectable()
export class TransitionPipeline {
  private readonly engines = new Map<string, Promise<WorkflowEngine<unknown>>>();
  /** Specs checked against their subject's vocabulary, once each. */
  private readonly checked = new WeakSet<object>();

  constructor(
    private readonly workflows: WorkflowRegistry,
    private readonly audit: AuditLog,
    private readonly outbox: OutboxService,
    private readonly wakeup: OutboxWakeup,
  ) {}

  /** The engine for a stored definition version, validated against the subject's guards, hooks and tags. */
  engine<C, R>(spec: WorkflowSubjectSpec<C, R>, name: string, version: number): Promise<WorkflowEngine<C>> {
    this.check(spec);
    const key = `${spec.subject}\u0000${name}@${version}`;
    let engine = this.engines.get(key);
    if (!engine) {
      const vocabulary = SUBJECT_VOCABULARY[spec.subject];
      engine = this.workflows
        .get(name, version)
        .then(
          (stored) =>
            new WorkflowEngine<C>(
              stored.definition,
              spec.guards,
              { hooks: vocabulary.hooks, tags: vocabulary.tags, roles: vocabulary.roles },
              spec.fields ?? {},
            ) as WorkflowEngine<unknown>,
        );
      // A failed load (database down) must not be remembered.
      engine.catch(() => this.engines.delete(key));
      this.engines.set(key, engine);
    }
    return engine;
  }

  async run<C, R>(
    manager: EntityManager,
    spec: WorkflowSubjectSpec<C, R>,
    request: TransitionRequest<C, R>,
  ): Promise<TransitionOutcome> {
    const { record, actor, expectedVersion } = request;
    if (record.version !== expectedVersion) throw new VersionConflictError(record.version);
    const engine = await this.engine(spec, record.workflowName, record.workflowVersion);
    const decision = engine.decide(
      { state: record.state, unitId: record.unitId },
      actor,
      request.action,
      request.inputs,
      request.context,
    );
    if (!decision.ok) throw refusalError(decision);

    const sets: string[] = [];
    const columns: string[] = [];
    for (const stamp of spec.stamps ?? []) {
      const entering = stamp.tag === FINAL_STATES ? engine.isFinal(decision.to) : engine.hasTag(decision.to, stamp.tag);
      if (entering)
        sets.push(`${stamp.column} = ${stamp.keep === 'first' ? `coalesce(${stamp.column}, now())` : 'now()'}`);
      else if (stamp.keep === 'while') sets.push(`${stamp.column} = NULL`);
      else continue;
      columns.push(stamp.column);
    }
    const update = `UPDATE ${spec.table} SET state = $3, version = version + 1, updated_at = now()${sets.map((s) => `, ${s}`).join('')}
        WHERE id = $1 AND version = $2 RETURNING ${['updated_at', ...columns].join(', ')}`;
    const comment = request.inputs['comment'];
    const authority = authorityDetails(decision, actor);
    const effects = authority.onBehalfOf ? [...decision.effects, REPRESENTED_EFFECT] : decision.effects;
    const entry = (notes: Record<string, unknown>): AuditEntryInput => ({
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: spec.entityType,
      entityId: record.id,
      action: request.action,
      fromState: decision.from,
      toState: decision.to,
      details: {
        version: expectedVersion + 1,
        comment: typeof comment === 'string' ? comment : null,
        ...request.details,
        ...authority,
        ...notes,
        workflow: `${record.workflowName}@${record.workflowVersion}`,
      },
    });
    const effect = (auditEntryId: string) => ({
      subject: spec.subject,
      recordId: record.id,
      action: request.action,
      from: decision.from,
      to: decision.to,
      actorUserId: actor.id,
      auditEntryId,
    });

    if (decision.hooks.length === 0) {
      // Nothing runs between the change and its records: the versioned UPDATE, the audit entry
      // and the effects' outbox rows go as one statement, each insert only if the update hit.
      // One statement is atomic on its own, so under withTransactionWhenNeeded it commits by
      // itself, without a BEGIN and a COMMIT round trip; the relays are then woken after the
      // commit (OutboxWakeup) instead of by a NOTIFY inside it. Inside a transaction of the
      // caller's (an Idempotency-Key is claimed in it) the NOTIFY stays in the statement and
      // is delivered at that transaction's commit.
      const autoCommit = !manager.queryRunner?.isTransactionActive;
      const audit = prepareAuditEntry(entry({}));
      const payloads = effects.map((name) => JSON.stringify({ effect: name, ...effect(audit.id) }));
      const { rows } = await prepared<Record<string, Date | null>>(
        manager,
        oneStatementTransition(update, autoCommit ? 'after-commit' : 'in-statement'),
        [
          record.id,
          expectedVersion,
          decision.to,
          ...audit.values,
          JOB_CATALOGUE['workflow.effect'].queue,
          payloads,
          ...(autoCommit ? [] : [OUTBOX_CHANNEL]),
        ],
      );
      if (rows.length !== 1) throw new VersionConflictError();
      if (autoCommit && payloads.length > 0) this.wakeup.wake();
      const { updated_at: updatedAt, notified: _notified, ...stamped } = rows[0];
      return { decision, auditEntryId: audit.id, notes: {}, stamped, at: updatedAt ?? new Date() };
    }

    // Hooks write more statements: from here on everything commits together.
    await beginTransaction(manager);
    const { rows, affected } = await prepared<Record<string, Date | null>>(manager, update, [
      record.id,
      expectedVersion,
      decision.to,
    ]);
    if (affected !== 1) throw new VersionConflictError();
    const { updated_at: updatedAt, ...stamped } = rows[0];
    const at = updatedAt ?? new Date();

    const notes: Record<string, unknown> = {};
    const hookContext: HookContext<C, R> = {
      manager,
      actor,
      record,
      row: request.row,
      decision,
      engine,
      inputs: request.inputs,
      context: request.context,
      note: (key, value) => {
        notes[key] = value;
      },
    };
    for (const name of decision.hooks) await spec.hooks[name](hookContext);

    const appended = await this.audit.append(manager, entry(notes));
    await this.outbox.enqueueEffects(manager, effects, effect(appended.id));
    return { decision, auditEntryId: appended.id, notes, stamped, at };
  }

  /** A spec must implement exactly its subject's hooks: a missing one would fail mid-transition, an extra one is dead code. */
  private check<C, R>(spec: WorkflowSubjectSpec<C, R>): void {
    if (this.checked.has(spec)) return;
    const vocabulary = SUBJECT_VOCABULARY[spec.subject];
    const declared = [...vocabulary.hooks].sort().join(',');
    const implemented = Object.keys(spec.hooks).sort().join(',');
    if (declared !== implemented)
      throw new Error(
        `${spec.subject} hooks: the vocabulary names [${declared}], the subject implements [${implemented}]`,
      );
    const guards = [...vocabulary.guards].sort().join(',');
    if (guards !== Object.keys(spec.guards).sort().join(','))
      throw new Error(
        `${spec.subject} guards: the vocabulary names [${guards}], the subject implements [${Object.keys(spec.guards).join(',')}]`,
      );
    const fields = Object.keys(spec.fields ?? {})
      .sort()
      .join(',');
    if (fields !== Object.keys(vocabulary.fields).sort().join(','))
      throw new Error(
        `${spec.subject} fields: the vocabulary names [${Object.keys(vocabulary.fields).join(',')}], the subject reads [${fields}]`,
      );
    for (const stamp of spec.stamps ?? []) {
      if (stamp.tag !== FINAL_STATES && !vocabulary.tags.includes(stamp.tag))
        throw new Error(`${spec.subject}: column ${stamp.column} is stamped from unknown tag "${stamp.tag}"`);
    }
    this.checked.add(spec);
  }
}
