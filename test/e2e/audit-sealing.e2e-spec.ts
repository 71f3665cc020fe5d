import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { auditContent, canonicalJson, sha256 } from '#libs/platform';
import { startApi, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Inserts one audit entry the way AuditLog.append does, on a client whose transaction the test controls. */
async function insertEntry(client: pg.ClientBase, action: string): Promise<string> {
  const id = randomUUID();
  const occurredAt = new Date().toISOString();
  const input = {
    actorUserId: null,
    actorUsername: 'test',
    entityType: 'test',
    entityId: id,
    action,
    details: { n: action },
  };
  await client.query(
    `INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_username, entity_type, entity_id, action, details, content_hash)
     VALUES ($1, $2, NULL, $3, $4, $5, $6, $7::jsonb, $8)`,
    [
      id,
      occurredAt,
      input.actorUsername,
      input.entityType,
      input.entityId,
      action,
      canonicalJson(input.details),
      sha256(auditContent({ ...input, occurredAt })),
    ],
  );
  return id;
}

describe('audit sealing after commit', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let pool: pg.Pool;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
    pool = new pg.Pool({ connectionString: db.url, max: 10 });
  });
  afterAll(async () => {
    await pool?.end();
    await api?.close();
    await db?.drop();
  });

  const seqOf = async (ids: string[]) =>
    new Map(
      (
        await db.query<{ id: string; seq: string | null }>(`SELECT id, seq FROM audit_log WHERE id = ANY($1::uuid[])`, [
          ids,
        ])
      ).map((r) => [r.id, r.seq === null ? null : Number(r.seq)]),
    );

  it('links concurrent writers’ entries while a slow transaction is open, and the slow one after, in commit order', async () => {
    const { inquiryId } = await openInquiry(user);
    // A slow transaction writes its entry first and keeps it uncommitted.
    const slow = await pool.connect();
    await slow.query('BEGIN');
    const slowId = await insertEntry(slow, 'slow');
    try {
      // Meanwhile, concurrent writers: direct transactions and transitions through the API.
      const direct = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            const first = await insertEntry(c, `fast-${i}-a`);
            const second = await insertEntry(c, `fast-${i}-b`);
            await c.query('COMMIT');
            return [first, second];
          } finally {
            c.release();
          }
        }),
      );
      const proposals = await Promise.all(
        ['chuo', 'higashi', 'nishi', 'kita'].map((u) => proposalIn(user, inquiryId, u, 'submitted')),
      );
      const secretariat = await user('secretariat');
      await Promise.all(proposals.map((id) => act(secretariat, 'proposals', id, 'approve').then((r) => ok(r))));
      const fastIds = direct.flat();
      // The sealer does not wait for the slow transaction: everything committed is linked.
      // (Every entry the test can see is committed; the slow one it cannot see yet.)
      await waitFor(
        async () =>
          (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE seq IS NULL`))[0].n === 0 ||
          null,
        'every committed entry sealed while a transaction is still open',
      );
      const sealed = await seqOf(fastIds);
      expect([...sealed.values()].filter((s) => s === null)).toEqual([]);
      // One transaction's entries keep the order they were written in.
      for (const [a, b] of direct) expect(sealed.get(b)!).toBeGreaterThan(sealed.get(a)!);
      // Others cannot see the slow entry; its own transaction sees it unsealed.
      expect((await seqOf([slowId])).size).toBe(0);
      expect((await slow.query(`SELECT seq FROM audit_log WHERE id = $1`, [slowId])).rows).toEqual([{ seq: null }]);

      await slow.query('COMMIT');
      const slowSeq = await waitFor(
        async () => (await seqOf([slowId])).get(slowId),
        'the slow entry sealed after its commit',
      );
      // Committed last, linked last: after every entry that committed before it, none skipped.
      expect(slowSeq).toBeGreaterThan(Math.max(...[...sealed.values()].map(Number)));
    } finally {
      slow.release();
    }
    const verify = ok(await (await user('admin')).get('/audit/verify')).body;
    expect(verify).toMatchObject({ ok: true, unsealed: 0 });
    const [{ n, maxseq }] = await db.query<{ n: number; maxseq: number }>(
      `SELECT count(*)::int AS n, max(seq)::int AS maxseq FROM audit_log`,
    );
    expect([verify.entries, verify.lastSeq]).toEqual([n, maxseq]);
  });

  it('answers a transition without waiting for the chain: an entry of a rolled-back transaction never appears', async () => {
    const c = await pool.connect();
    let id: string;
    try {
      await c.query('BEGIN');
      id = await insertEntry(c, 'rolled-back');
      await c.query('ROLLBACK');
    } finally {
      c.release();
    }
    ok(await (await user('admin')).get('/audit/verify'));
    expect((await seqOf([id])).size).toBe(0);
    const [{ gaps }] = await db.query<{ gaps: number }>(`SELECT (max(seq) - count(*))::int AS gaps FROM audit_log`);
    expect(gaps).toBe(0);
  });
});
