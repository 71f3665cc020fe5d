import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A proposal's transition becomes a HOT update (issue 15): it changes state, version and
 * time stamps, and `state` was the one of them in an index, so every transition wrote a new
 * entry into all four of the table's indexes. Only one query filters on `state`: the list's
 * optional `state`, which the old indexes served only beside a plan or a unit (never alone);
 * it now reads that plan's or unit's proposals through the same leading column and filters
 * them on the row. Visibility tests states through their workflow's tags, not an index.
 * Fillfactor 85 leaves room on each page for the new row versions, so that they stay on the
 * page of the old ones (pages written before this fill up as they are pruned).
 */
export class ProposalHotTransitions1764760200000 implements MigrationInterface {
  name = 'ProposalHotTransitions1764760200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX proposal_unit_idx`);
    await q.query(`DROP INDEX proposal_state_idx`);
    await q.query(`CREATE INDEX proposal_unit_idx ON proposal (owning_unit_id)`);
    await q.query(`CREATE INDEX proposal_plan_idx ON proposal (plan_id)`);
    await q.query(`ALTER TABLE proposal SET (fillfactor = 85)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE proposal RESET (fillfactor)`);
    await q.query(`DROP INDEX proposal_plan_idx`);
    await q.query(`DROP INDEX proposal_unit_idx`);
    await q.query(`CREATE INDEX proposal_state_idx ON proposal (plan_id, state)`);
    await q.query(`CREATE INDEX proposal_unit_idx ON proposal (owning_unit_id, state)`);
  }
}
