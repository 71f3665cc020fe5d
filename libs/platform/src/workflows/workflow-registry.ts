import { createHash } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  definitionProblems,
  INQUIRY,
  INQUIRY_GUARDS,
  INQUIRY_HOOKS,
  INQUIRY_TAGS,
  PROGRESS_REPORT,
  PROGRESS_REPORT_HOOKS,
  PROGRESS_REPORT_TAGS,
  PROPOSAL_FIELDS,
  PROPOSAL_GUARDS,
  PROPOSAL_HOOKS,
  PROPOSAL_TAGS,
  REFORM_PROPOSAL,
  WORKFLOW_EFFECTS,
  WORKFLOW_ROLES,
  type ConditionFieldKind,
  type WorkflowDefinition,
} from '#libs/workflow';
import { canonicalJson } from '../audit/canonical-json.js';
import { ValidationFailedError, NotFoundError } from '../errors/domain-error.js';

/** What a definition governs; it decides which guards the definition may name. */
export const WORKFLOW_SUBJECTS = ['proposal', 'inquiry', 'progress-report'] as const;
export type WorkflowSubject = (typeof WORKFLOW_SUBJECTS)[number];

export interface SubjectVocabulary {
  guards: readonly string[];
  hooks: readonly string[];
  tags: readonly string[];
  /** The roles a delegation (専決) may name. */
  roles: readonly string[];
  /** The record's fields a delegation's condition may test. */
  fields: Readonly<Record<string, ConditionFieldKind>>;
}

/** The names a definition of each subject may use: its guards, hooks, state tags, and what 専決 rules may name. */
export const SUBJECT_VOCABULARY: Record<WorkflowSubject, SubjectVocabulary> = {
  proposal: {
    guards: PROPOSAL_GUARDS,
    hooks: PROPOSAL_HOOKS,
    tags: PROPOSAL_TAGS,
    roles: WORKFLOW_ROLES,
    fields: PROPOSAL_FIELDS,
  },
  inquiry: { guards: INQUIRY_GUARDS, hooks: INQUIRY_HOOKS, tags: INQUIRY_TAGS, roles: WORKFLOW_ROLES, fields: {} },
  'progress-report': {
    guards: [],
    hooks: PROGRESS_REPORT_HOOKS,
    tags: PROGRESS_REPORT_TAGS,
    roles: WORKFLOW_ROLES,
    fields: {},
  },
};

/**
 * SQL true when the record's state carries `tag` in the definition version the record runs
 * under: for queries that filter by what a state means (public, draft …), never by its name.
 * `alias` names a row with `state`, `workflow_name` and `workflow_version`; stored versions
 * never change, so the lookup is by primary key and stable.
 */
export function stateTaggedSql(alias: string, tag: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(tag) || !/^[a-z_][a-z0-9_]*$/.test(alias))
    throw new Error(`stateTaggedSql: bad tag or alias`);
  return `EXISTS (SELECT 1 FROM workflow_definition wd WHERE wd.name = ${alias}.workflow_name AND wd.version = ${alias}.workflow_version
            AND wd.definition->'states' @> jsonb_build_array(jsonb_build_object('name', ${alias}.state, 'tags', '["${tag}"]'::jsonb)))`;
}

export const SHIPPED: ReadonlyArray<{ subject: WorkflowSubject; definition: WorkflowDefinition }> = [
  { subject: 'proposal', definition: REFORM_PROPOSAL },
  { subject: 'inquiry', definition: INQUIRY },
  { subject: 'progress-report', definition: PROGRESS_REPORT },
];

export interface StoredDefinition {
  name: string;
  version: number;
  subject: WorkflowSubject;
  definition: WorkflowDefinition;
  createdAt: string;
}

const hashOf = (d: WorkflowDefinition) => {
  const { version: _ignored, ...content } = d;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
};

/**
 * Workflow definitions as versioned data. The definitions shipped in code are stored at
 * boot, as a new version whenever their content changed; administrators may add others
 * (another city's stages). A stored version never changes, and every record keeps the
 * version it started under, so a new version applies to new records only.
 */
@Injectable()
export class WorkflowRegistry implements OnApplicationBootstrap {
  private readonly logger = new Logger(WorkflowRegistry.name);
  private readonly cache = new Map<string, StoredDefinition>();

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.storeShipped();
    } catch (error) {
      // The database may still be starting; the next boot (or `migrate`) stores them.
      this.logger.warn({ err: error }, 'could not store the shipped workflow definitions');
    }
  }

  /** Stores each shipped definition whose content differs from its latest stored version. */
  async storeShipped(manager: EntityManager = this.dataSource.manager): Promise<void> {
    for (const { subject, definition } of SHIPPED) await this.store(manager, subject, definition, null);
  }

  /**
   * Validates a definition against its subject's guards and stores it as the next version of
   * its name (unless its content equals the latest version's); answers the stored version.
   */
  async store(
    manager: EntityManager,
    subject: WorkflowSubject,
    definition: WorkflowDefinition,
    createdBy: string | null,
  ): Promise<StoredDefinition> {
    const problems = definitionProblems(definition, { ...SUBJECT_VOCABULARY[subject], effects: WORKFLOW_EFFECTS });
    if (problems.length > 0)
      throw new ValidationFailedError(problems.map((message) => ({ field: 'definition', message })));
    const hash = hashOf(definition);
    const [latest]: Array<{ version: number; content_hash: string; subject: string }> = await manager.query(
      `SELECT version, content_hash, subject FROM workflow_definition WHERE name = $1 ORDER BY version DESC LIMIT 1`,
      [definition.name],
    );
    if (latest && latest.subject !== subject) {
      throw new ValidationFailedError([
        { field: 'subject', message: `"${definition.name}" is a ${latest.subject} workflow` },
      ]);
    }
    if (latest?.content_hash === hash) return this.get(definition.name, latest.version, manager);
    const version = (latest?.version ?? 0) + 1;
    // Two instances booting at once may race to store the same version: the first one wins.
    await manager.query(
      `INSERT INTO workflow_definition (name, version, subject, definition, content_hash, created_by)
       VALUES ($1, $2, $3, $4::jsonb, $5, $6) ON CONFLICT (name, version) DO NOTHING`,
      [definition.name, version, subject, JSON.stringify({ ...definition, version }), hash, createdBy],
    );
    return this.get(definition.name, version, manager);
  }

  async latest(name: string, manager: EntityManager = this.dataSource.manager): Promise<StoredDefinition> {
    const [row]: Array<{ version: number }> = await manager.query(
      `SELECT max(version) AS version FROM workflow_definition WHERE name = $1`,
      [name],
    );
    if (!row?.version) throw new NotFoundError(`The workflow "${name}"`);
    return this.get(name, row.version, manager);
  }

  async get(
    name: string,
    version: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<StoredDefinition> {
    const key = `${name}@${version}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const [row]: Array<{
      name: string;
      version: number;
      subject: WorkflowSubject;
      definition: WorkflowDefinition;
      created_at: Date;
    }> = await manager.query(
      `SELECT name, version, subject, definition, created_at FROM workflow_definition WHERE name = $1 AND version = $2`,
      [name, version],
    );
    if (!row) throw new NotFoundError(`The workflow "${name}" version ${version}`);
    const stored: StoredDefinition = {
      name: row.name,
      version: row.version,
      subject: row.subject,
      definition: row.definition,
      createdAt: new Date(row.created_at).toISOString(),
    };
    // Stored versions never change, so they can be kept for the life of the process.
    this.cache.set(key, stored);
    return stored;
  }

  /** The latest version of every workflow. */
  async list(): Promise<StoredDefinition[]> {
    const rows: Array<{ name: string; version: number }> = await this.dataSource.query(
      `SELECT DISTINCT ON (name) name, version FROM workflow_definition ORDER BY name, version DESC`,
    );
    return Promise.all(rows.map((r) => this.get(r.name, r.version)));
  }
}
