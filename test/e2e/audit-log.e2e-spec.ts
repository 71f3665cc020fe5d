import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp } from '../support/processes.js';

describe('the audit log', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('cannot be changed or emptied by the apps’ database role', async () => {
    await proposalIn(user, inquiryId, 'kenko', 'bureau_review');
    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    try {
      const refusal = (sql: string) =>
        app.query(sql).then(
          () => 'accepted',
          (e: Error) => e.message,
        );
      for (const sql of [
        `UPDATE audit_log SET action = 'x'`,
        `DELETE FROM audit_log`,
        `TRUNCATE audit_log`,
        `DELETE FROM audit_chain_head`,
      ]) {
        expect([sql, await refusal(sql)]).toEqual([sql, expect.stringMatching(/permission denied/)]);
      }
      // Winding the chain head back (to fork the chain) is refused too.
      expect(await refusal(`UPDATE audit_chain_head SET seq = 0`)).toMatch(/only advances/);
    } finally {
      await app.end();
    }
    // Even the owner meets the trigger.
    await expect(db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it('gives an entry its place in the chain itself, whatever the writer names', async () => {
    const app = new pg.Client({ connectionString: db.url });
    await app.connect();
    const entry = (name: string, extra = '', values = '') =>
      app.query<{
        seq: string | null;
        prev_hash: Buffer | null;
        hash: Buffer | null;
        sealed_at: Date | null;
        written: string;
      }>(
        `INSERT INTO audit_log (id, occurred_at, actor_username, entity_type, entity_id, action, content_hash${extra})
         VALUES (gen_random_uuid(), now(), 'test', 'test', $1, 'forge', '\\x00'${values})
         RETURNING seq, prev_hash, hash, sealed_at, written`,
        [name],
      );
    const refusal = (work: Promise<unknown>) =>
      work.then(
        () => 'accepted',
        (e: Error) => e.message,
      );
    try {
      await app.query('BEGIN');
      // A place in the write order named before this session drew one from the sequence: refused.
      expect(await refusal(entry('early', ', written', ', 1'))).toMatch(/currval/);
      await app.query('ROLLBACK');

      await app.query('BEGIN');
      const honest = (await entry('honest')).rows[0];
      // Links and a place in the write order named by the writer are replaced, as for any entry.
      const forged = (
        await entry('forged', ', seq, prev_hash, hash, sealed_at, written', `, 999999, '\\x01', '\\x02', now(), 1`)
      ).rows[0];
      expect(forged).toMatchObject({ seq: null, prev_hash: null, hash: null, sealed_at: null });
      expect(Number(forged.written)).toBeGreaterThan(Number(honest.written));
      // Sharing the place of an entry still waiting to be sealed: refused.
      expect(await refusal(entry('twin', ', written', `, ${forged.written}`))).toMatch(/audit_log_unsealed_idx/);
      await app.query('ROLLBACK');

      // The head moves only onto an entry the sealer linked, with that entry's hash.
      expect(await refusal(app.query(`UPDATE audit_chain_head SET seq = seq + 1`))).toMatch(/only advances/);
    } finally {
      await app.end();
    }
  });

  it('keeps one unbroken chain when many write at once', async () => {
    const ids = await Promise.all(
      ['chuo', 'higashi', 'nishi', 'minami', 'kita', 'seisaku'].map((u) => proposalIn(user, inquiryId, u, 'submitted')),
    );
    const secretariat = await user('secretariat');
    await Promise.all(ids.map((id) => act(secretariat, 'proposals', id, 'approve')));
    const verify = ok(await (await user('admin')).get('/audit/verify')).body;
    expect(verify.ok).toBe(true);
    const [{ n, maxseq }] = await db.query(`SELECT count(*)::int AS n, max(seq)::int AS maxseq FROM audit_log`);
    expect(verify.entries).toBe(n);
    expect(maxseq).toBe(n);
  });

  /** What an owner with the trigger off can do; the protections are theirs to switch off. */
  const asOwner = async (work: () => Promise<unknown>) => {
    await db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    try {
      await work();
    } finally {
      await db.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    }
  };
  const verify = async () => ok(await (await user('admin')).get('/audit/verify')).body;

  it('names the first entry that was changed behind its back', async () => {
    const [target] = await db.query(
      `SELECT id, seq::int AS seq, details FROM audit_log WHERE action = 'submit' ORDER BY seq LIMIT 1`,
    );
    expect((await verify()).ok).toBe(true);
    // A DBA with owner rights edits one entry's details.
    await asOwner(() =>
      db.query(`UPDATE audit_log SET details = details || '{"comment": "書き換え"}' WHERE id = $1`, [target.id]),
    );

    const broken = await verify();
    expect(broken).toMatchObject({
      ok: false,
      brokenAt: { seq: target.seq, id: target.id, problem: 'its content does not match its content hash' },
    });

    const cli = spawnApp(
      'cli',
      { DATABASE_URL: db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? '', QUEUE_PREFIX: `{${db.name}}` },
      ['audit:verify'],
    );
    const exit = await cli.exited;
    expect(exit.code).toBe(3);
    expect(cli.output()).toContain(`BROKEN at entry #${target.seq} (${target.id})`);
    expect((await (await user('secretariat')).get('/audit/verify')).status).toBe(403);

    // Put back as it was, the chain holds again: the next tests each start from an intact log.
    await asOwner(() =>
      db.query(`UPDATE audit_log SET details = $2::jsonb WHERE id = $1`, [target.id, JSON.stringify(target.details)]),
    );
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('notices two entries swapped, at the first of the two places', async () => {
    const [a, b] = await db.query<{ id: string; seq: number }>(
      `SELECT id, seq::int AS seq FROM audit_log ORDER BY seq LIMIT 2 OFFSET 4`,
    );
    const swap = (x: { id: string }, y: { id: string }, ySeq: number, xSeq: number) =>
      asOwner(async () => {
        await db.query(`UPDATE audit_log SET seq = -1 WHERE id = $1`, [x.id]);
        await db.query(`UPDATE audit_log SET seq = $2 WHERE id = $1`, [y.id, xSeq]);
        await db.query(`UPDATE audit_log SET seq = $2 WHERE id = $1`, [x.id, ySeq]);
      });
    await swap(a, b, b.seq, a.seq);
    // b now sits at a's place; its link names the entry before b, not the one before a.
    expect(await verify()).toMatchObject({
      ok: false,
      brokenAt: { seq: a.seq, id: b.id, problem: 'its link to the previous entry is broken' },
    });
    await swap(b, a, b.seq, a.seq);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('notices a removed entry, naming the missing number', async () => {
    const [victim] = await db.query(`SELECT id, seq::int AS seq FROM audit_log ORDER BY seq DESC LIMIT 1 OFFSET 3`);
    await asOwner(() => db.query(`DELETE FROM audit_log WHERE id = $1`, [victim.id]));
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      brokenAt: { seq: victim.seq, problem: `entry ${victim.seq} is missing` },
    });
  });
});
