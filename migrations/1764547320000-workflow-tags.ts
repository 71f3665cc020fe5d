import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { canonicalJson } from '../libs/platform/src/audit/canonical-json.js';

interface State {
  name: string;
  tags?: string[];
}
interface Transition {
  action: string;
  from: string[];
  to: string;
  hooks?: string[];
}
interface Definition {
  version?: number;
  states: State[];
  transitions: Transition[];
}

/**
 * What the code used to infer from the shipped state and action names, written into every
 * stored definition as state tags and transition hooks, now that behaviour is read from
 * those alone. A record keeps its definition version, so without this the records already
 * under way would lose it (immutability after 決裁, deadlines satisfied, initiatives created).
 */
const LEGACY: Record<string, { tags: Record<string, string[]>; hooks: (t: Transition) => string[] }> = {
  proposal: {
    tags: {
      draft: ['editable_by_owner'],
      returned: ['editable_by_owner'],
      submitted: ['left_bureau', 'editable_by_secretariat'],
      committee_review: ['left_bureau', 'editable_by_secretariat', 'committee_agenda'],
      hq_review: ['left_bureau', 'editable_by_secretariat', 'hq_agenda'],
      adopted: ['left_bureau', 'decided', 'council_agenda'],
      reported: ['left_bureau', 'decided', 'public'],
    },
    hooks: (t) => [
      ...(t.action === 'submit' ? ['recordFirstSubmission'] : []),
      ...(t.to === 'submitted' ? ['satisfyInquiryDeadline'] : []),
      ...(t.action === 'merge' ? ['recordMerge'] : []),
      ...(t.action === 'report' ? ['createInitiative'] : []),
    ],
  },
  inquiry: {
    tags: { draft: ['in_preparation'], open: ['accepting_proposals'] },
    hooks: () => ['syncReplyDeadlines'],
  },
  'progress-report': {
    tags: { draft: ['editable_by_owner'], submitted: ['left_bureau'], confirmed: ['counted'] },
    hooks: (t) => [
      ...(t.to === 'submitted' ? ['satisfyReportDeadline'] : []),
      ...(t.to === 'confirmed' || t.from.includes('confirmed') ? ['queueRollupRecount'] : []),
    ],
  },
};

const union = (a: string[] | undefined, b: string[]) => [...new Set([...(a ?? []), ...b])];

export class WorkflowTags1764547320000 implements MigrationInterface {
  name = 'WorkflowTags1764547320000';

  async up(q: QueryRunner): Promise<void> {
    const rows = (await q.query(`SELECT name, version, subject, definition FROM workflow_definition`)) as Array<{
      name: string;
      version: number;
      subject: string;
      definition: Definition;
    }>;
    for (const row of rows) {
      const legacy = LEGACY[row.subject];
      if (!legacy) continue;
      const d = row.definition;
      for (const s of d.states) {
        const tags = union(s.tags, legacy.tags[s.name] ?? []);
        if (tags.length > 0) s.tags = tags;
      }
      for (const t of d.transitions) {
        const hooks = union(t.hooks, legacy.hooks(t));
        if (hooks.length > 0) t.hooks = hooks;
      }
      const { version: _ignored, ...content } = d;
      const hash = createHash('sha256').update(canonicalJson(content)).digest('hex');
      await q.query(
        `UPDATE workflow_definition SET definition = $3::jsonb, content_hash = $4 WHERE name = $1 AND version = $2`,
        [row.name, row.version, JSON.stringify(d), hash],
      );
    }
  }

  async down(): Promise<void> {
    // The tags only state what the code used to assume; leaving them does no harm.
  }
}
