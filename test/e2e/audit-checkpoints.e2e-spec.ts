import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditContent, chainHash, GENESIS_HASH, JOB_SCHEDULES, QueueName, QueueRegistry, sha256 } from '#libs/platform';
import { startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp } from '../support/processes.js';

/** A key of this test's own, as production configures one (never the development file). */
const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const OTHER_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

/**
 * What the database's owner can do today: rewrite an entry and recompute its content hash and
 * every later link and the chain head, with the append-only trigger off. The chain then
 * verifies; only an anchor outside the database can tell.
 */
async function ownerRewrites(db: TestDatabase, seq: number, comment: string): Promise<void> {
  await db.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
  // (The database's own protections are the owner's to switch off; that is the point.)
  try {
    await db.query(`UPDATE audit_log SET details = details || jsonb_build_object('comment', $2::text) WHERE seq = $1`, [
      seq,
      comment,
    ]);
    const rows = await db.query(`SELECT * FROM audit_log WHERE seq IS NOT NULL ORDER BY seq`);
    let previous: Buffer = GENESIS_HASH;
    for (const r of rows) {
      const content = sha256(
        auditContent({
          occurredAt: new Date(r.occurred_at).toISOString(),
          actorUserId: r.actor_user_id,
          actorUsername: r.actor_username,
          entityType: r.entity_type,
          entityId: r.entity_id,
          action: r.action,
          fromState: r.from_state,
          toState: r.to_state,
          details: r.details,
        }),
      );
      const hash = chainHash(previous, content);
      if (Number(r.seq) >= seq)
        await db.query(`UPDATE audit_log SET content_hash = $2, prev_hash = $3, hash = $4 WHERE id = $1`, [
          r.id,
          content,
          previous,
          hash,
        ]);
      previous = hash;
    }
    await db.query(`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_advances`);
    await db.query(`UPDATE audit_chain_head SET hash = $1 WHERE id = 1`, [previous]);
  } finally {
    await db.query(`ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_advances`);
    await db.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
  }
}

describe('signed checkpoints of the audit log', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let dir: string;

  const cliVerify = async (file: string, env: Record<string, string> = {}) => {
    const cli = spawnApp(
      'cli',
      {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? '',
        QUEUE_PREFIX: `{${db.name}}`,
        AUDIT_SIGNING_KEY: SIGNING_KEY,
        ...env,
      },
      ['audit:verify', '--checkpoint', file],
    );
    const exit = await cli.exited;
    return { code: exit.code, output: cli.output() };
  };

  const download = async (id: string) => {
    const res = ok(await (await user('admin')).get(`/audit/checkpoints/${id}`));
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-checkpoint-\d+-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const path = join(dir, `checkpoint-${id}.json`);
    await writeFile(path, res.text);
    return { path, file: res.body };
  };

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { AUDIT_SIGNING_KEY: SIGNING_KEY }));
    user = demoClients(api.url);
    dir = await mkdtemp(join(tmpdir(), 'kaikaku-checkpoints-'));
    const { inquiryId } = await openInquiry(user);
    const ids = await Promise.all(['kenko', 'chuo'].map((u) => proposalIn(user, inquiryId, u, 'submitted')));
    for (const id of ids) await act(await user('secretariat'), 'proposals', id, 'approve');
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('signs one on demand for an admin only, lists it, and exports it as a file', async () => {
    const admin = await user('admin');
    // The sealer links entries after commit, so the head may move while the checkpoint is made:
    // it signs the sealed head of its moment, between the heads seen before and after.
    const headNow = async () =>
      (await db.query<{ head: number }>(`SELECT seq::int AS head FROM audit_chain_head`))[0].head;
    const before = await headNow();
    const created = ok(await admin.post('/audit/checkpoints', {}), 201).body;
    expect(created).toMatchObject({
      format: 'kaikaku-audit-checkpoint/v1',
      reason: 'on_demand',
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(created.seq).toBeGreaterThanOrEqual(before);
    expect(created.seq).toBeLessThanOrEqual(await headNow());
    const head: number = created.seq;
    const [{ hash }] = await db.query(`SELECT encode(hash, 'hex') AS hash FROM audit_log WHERE seq = $1`, [head]);
    expect(created.headHash).toBe(hash);

    const list = ok(await admin.get('/audit/checkpoints')).body;
    expect(list).toMatchObject({ total: 1, page: 1 });
    expect(list.items[0]).toEqual(created);
    // Making it was itself recorded.
    expect(
      await db.query(`SELECT 1 FROM audit_log WHERE entity_type = 'audit_checkpoint' AND entity_id = $1`, [created.id]),
    ).toHaveLength(1);

    const { file } = await download(created.id);
    expect(file).toMatchObject({ ...created, publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
    expect(Buffer.from(file.contentHashes, 'base64')).toHaveLength(32 * head);

    for (const who of ['secretariat', 'kenko.editor', 'viewer']) {
      const client = await user(who);
      expect([
        who,
        (await client.post('/audit/checkpoints', {})).status,
        (await client.get('/audit/checkpoints')).status,
      ]).toEqual([who, 403, 403]);
    }
    expect((await admin.get('/audit/checkpoints/not-a-uuid')).status).toBe(400);
    expect((await admin.get('/audit/checkpoints/00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('is stated by the council report it was made at', async () => {
    const [latest] = (
      ok(await (await user('admin')).get('/audit/checkpoints')).body as { items: Array<{ id: string; seq: number }> }
    ).items;
    const report = ok(await (await user('secretariat')).get('/reports/council?fiscalYear=2022')).body;
    expect(report.auditCheckpoint).toMatchObject({ id: latest.id, seq: latest.seq });
  });

  it('is written daily by a job scheduler the worker registers, whose job signs one', async () => {
    expect(JOB_SCHEDULES).toContainEqual(
      expect.objectContaining({ job: 'audit.checkpoint', pattern: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }),
    );
    const worker = await startWorker(testConfig(db.url, { AUDIT_SIGNING_KEY: SIGNING_KEY }));
    try {
      const system = worker.get(QueueRegistry, { strict: false }).get(QueueName.System);
      await waitFor(() => system.getJobScheduler('audit-checkpoint-daily'), 'the daily scheduler');
      expect(await system.getJobScheduler('audit-checkpoint-daily')).toMatchObject({
        name: 'audit.checkpoint',
        pattern: '5 0 * * *',
        tz: 'Asia/Tokyo',
      });
      // What the scheduler adds at 00:05, added now: the worker signs a scheduled checkpoint.
      await system.add('audit.checkpoint', {});
      await waitFor(
        async () => (await db.query(`SELECT 1 FROM audit_checkpoint WHERE reason = 'scheduled'`)).length > 0 || null,
        'the scheduled checkpoint',
      );
    } finally {
      await worker.close();
    }
  });

  it('proves an owner’s rewrite that /audit/verify misses: the chain recomputed, the checkpoint names the entry', async () => {
    const admin = await user('admin');
    const before = ok(await admin.post('/audit/checkpoints', {}), 201).body;
    const { path } = await download(before.id);
    // Against an untouched log the checkpoint holds.
    const intact = await cliVerify(path);
    expect([intact.code, intact.output]).toEqual([
      0,
      expect.stringContaining(`entries 1…#${before.seq} lead to the head`),
    ]);

    const [victim] = await db.query(
      `SELECT id, seq::int AS seq FROM audit_log WHERE action = 'submit' ORDER BY seq LIMIT 1`,
    );
    expect(victim.seq).toBeLessThan(before.seq);
    await ownerRewrites(db, victim.seq, '書き換え');

    // The chain alone says nothing is wrong.
    expect(ok(await admin.get('/audit/verify')).body).toMatchObject({ ok: true });
    // The checkpoint does, and names the entry.
    const broken = await cliVerify(path);
    expect(broken.code).toBe(3);
    expect(broken.output).toContain(
      `BROKEN against the checkpoint of #${before.seq} at entry #${victim.seq} (${victim.id})`,
    );
    // Exporting it now would hand out a file that no longer fits the log: refused.
    const late = await admin.get(`/audit/checkpoints/${before.id}`);
    expect([late.status, late.body.code]).toEqual([409, 'AUDIT_CHECKPOINT_MISMATCH']);
  });

  it('trusts only its key: a re-signed or edited file is refused', async () => {
    const admin = await user('admin');
    const { items } = ok(await admin.get('/audit/checkpoints')).body as { items: Array<{ id: string }> };
    // The first checkpoint's file, as saved when it was exported.
    const first = items[items.length - 1];
    const saved = join(dir, `checkpoint-${first.id}.json`);
    const file = JSON.parse(await readFile(saved, 'utf8'));

    const edited = join(dir, 'edited.json');
    await writeFile(edited, JSON.stringify({ ...file, seq: file.seq - 1 }));
    const refused = await cliVerify(edited);
    expect([refused.code, refused.output]).toEqual([3, expect.stringContaining('the signature does not match')]);

    // Content hashes swapped for others (to hide a rewrite): they no longer lead to the signed head.
    const hashes = Buffer.from(file.contentHashes, 'base64');
    hashes.fill(7, 0, 32);
    const forged = join(dir, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...file, contentHashes: hashes.toString('base64') }));
    const forgedRun = await cliVerify(forged);
    expect([forgedRun.code, forgedRun.output]).toEqual([3, expect.stringContaining('do not lead to the signed head')]);

    // Without the content hashes the file still proves the rewrite (the recomputed chain is not the signed head), unnamed.
    const bare = join(dir, 'bare.json');
    const signedOnly = { ...file };
    delete signedOnly.contentHashes;
    await writeFile(bare, JSON.stringify(signedOnly));
    const bareRun = await cliVerify(bare);
    expect([bareRun.code, bareRun.output]).toEqual([
      3,
      expect.stringContaining(`is not the signed head: an entry up to #${file.seq} was changed`),
    ]);

    const otherKey = await cliVerify(saved, { AUDIT_SIGNING_KEY: OTHER_KEY });
    expect([otherKey.code, otherKey.output]).toEqual([3, expect.stringContaining('not by the trusted key')]);
  });
});
