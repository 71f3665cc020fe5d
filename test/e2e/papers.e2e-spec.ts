import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { signIn } from '../support/auth.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { multipart, pdfBytes } from '../support/multipart.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function xlsxBytes(): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('効果額').addRows([
    ['取組', '計画効果額（千円）'],
    ['窓口DX', 1200],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Attachments, on PostgreSQL (the default) and on disk: the same behaviour, nothing left behind. */
describe.each(['postgres', 'disk'] as const)('attachments stored on %s', (storage) => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;
  let dir: string;
  const LIMIT = storage === 'disk' ? 1024 * 1024 : 20 * 1024 * 1024;

  const upload = async (username: string, path: string, parts: Parameters<typeof multipart>[0]) => {
    const { body, type } = multipart(parts);
    return rawUpload(username, path, body, type);
  };
  const rawUpload = async (username: string, path: string, body: Buffer, type: string) => {
    const res = await fetch(`${api.url}/api/v1${path}`, {
      method: 'POST',
      body,
      headers: { authorization: await signIn(api.url, username), 'content-type': type },
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : null,
      text,
    };
  };
  const download = async (username: string, id: string) => {
    const res = await fetch(`${api.url}/api/v1/attachments/${id}`, {
      headers: { authorization: await signIn(api.url, username) },
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  /** Everything an upload could leave: rows, chunks, files. */
  const leftovers = async () => ({
    rows: Number((await db.query(`SELECT count(*) AS n FROM attachment`))[0].n),
    chunks: Number((await db.query(`SELECT count(*) AS n FROM attachment_chunk`))[0].n),
    files: storage === 'disk' ? (await readdir(dir).catch(() => [] as string[])).length : 0,
  });

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    dir = await mkdtemp(join(tmpdir(), 'kaikaku-attachments-'));
    api = await startApi(
      testConfig(db.url, { ATTACHMENT_STORAGE: storage, ATTACHMENT_DIR: dir, ATTACHMENT_MAX_BYTES: String(LIMIT) }),
    );
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  });
  afterAll(async () => {
    // A streamed download ends on the server a moment after the client has its last byte:
    // such a connection is not idle yet when the server closes, and would hold it open.
    const closing = api?.close();
    api?.app.getHttpServer().closeAllConnections();
    await closing;
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a Japanese file name and the exact bytes, served with RFC 6266 Content-Disposition; the audit entry has the SHA-256', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft', '窓口DX（添付）');
    const bytes = await xlsxBytes();
    const created = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '様式第1号 効果額見積.xlsx', type: 'application/octet-stream', bytes },
    ]);
    expect(created.text).toContain(`"fileName"`);
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({
        fileName: '様式第1号 効果額見積.xlsx',
        mediaType: XLSX,
        kindLabel: 'Excel',
        sizeBytes: bytes.length,
        sha256: sha256(bytes),
        version: 1,
        current: true,
      }),
    );
    expect(created.body.uploadedBy.username).toBe('kenko.editor');

    const got = await download('kenko.approver', created.body.id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe(XLSX);
    const disposition = got.headers.get('content-disposition')!;
    expect(disposition).toMatch(/^attachment; filename="[ -~]+\.xlsx"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe('様式第1号 効果額見積.xlsx');

    const [audit] = await db.query(
      `SELECT actor_username, details FROM audit_log WHERE entity_type = 'proposal' AND entity_id = $1 AND action = 'attachment.add'`,
      [id],
    );
    expect(audit).toEqual({
      actor_username: 'kenko.editor',
      details: expect.objectContaining({
        sha256: sha256(bytes),
        fileName: '様式第1号 効果額見積.xlsx',
        sizeBytes: bytes.length,
      }),
    });
    const list = ok(await (await user('kenko.editor')).get(`/proposals/${id}/attachments`)).body;
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([created.body.id]);
    expect([list.total, list.mayAttach, list.mayAddVersion]).toEqual([1, true, true]);
  });

  it('takes CSV as UTF-8 or Shift_JIS text, PDF, PNG by their bytes', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft');
    const sjis = Buffer.from([0x8e, 0xe6, 0x91, 0x67, 0x2c, 0x8c, 0x8f, 0x0d, 0x0a, 0x31, 0x2c, 0x32, 0x0d, 0x0a]);
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64)]);
    for (const [fileName, bytes, type] of [
      ['一覧.csv', Buffer.from('取組番号,取組名\r\n1-01,窓口DX\r\n'), 'text/csv'],
      ['一覧_sjis.csv', sjis, 'text/csv'],
      ['見積.pdf', pdfBytes(), 'application/pdf'],
      ['図.png', png, 'image/png'],
    ] as const) {
      const res = await upload('kenko.editor', `/proposals/${id}/attachments`, [{ name: 'file', fileName, bytes }]);
      expect([fileName, res.status, res.body?.mediaType]).toEqual([fileName, 201, type]);
    }
  });

  it('refuses a renamed executable, an oversize file and a cut-off body, each with its code, leaving no row and no bytes', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft');
    const before = await leftovers();
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 0x90)]);
    const badType = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '見積.pdf', type: 'application/pdf', bytes: exe },
    ]);
    expect([badType.status, badType.type.split(';')[0], badType.body.code, badType.body.errors[0].field]).toEqual([
      415,
      'application/problem+json',
      'ATTACHMENT_TYPE_NOT_ALLOWED',
      'file',
    ]);
    const binary = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: 'data.csv', bytes: Buffer.from([0x61, 0x00, 0x62]) },
    ]);
    expect([binary.status, binary.body.code]).toEqual([415, 'ATTACHMENT_TYPE_NOT_ALLOWED']);

    const tooBig = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '大きな資料.pdf', bytes: pdfBytes(LIMIT + 1) },
    ]);
    expect([tooBig.status, tooBig.type.split(';')[0], tooBig.body.code]).toEqual([
      413,
      'application/problem+json',
      'PAYLOAD_TOO_LARGE',
    ]);

    // The body ends in the middle of the file: no closing boundary.
    const { body, type } = multipart([{ name: 'file', fileName: '途中.pdf', bytes: pdfBytes(200_000) }]);
    const cut = await rawUpload('kenko.editor', `/proposals/${id}/attachments`, body.subarray(0, 120_000), type);
    expect([cut.status, cut.type.split(';')[0], cut.body.code]).toEqual([
      400,
      'application/problem+json',
      'MULTIPART_TRUNCATED',
    ]);

    const noFile = await upload('kenko.editor', `/proposals/${id}/attachments`, [{ name: 'reason', value: 'x' }]);
    expect([noFile.status, noFile.body.code, noFile.body.errors[0].field]).toEqual([400, 'VALIDATION_FAILED', 'file']);
    const json = ok(await (await user('kenko.editor')).post(`/proposals/${id}/attachments`, { file: 'x' }), 415);
    expect(json.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    expect(await leftovers()).toEqual(before);
    expect(ok(await (await user('kenko.editor')).get(`/proposals/${id}/attachments`)).body.items).toEqual([]);
  });

  it('shows a file exactly to those who see the record: another bureau gets 404', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft');
    const created = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '内部資料.pdf', bytes: pdfBytes() },
    ]);
    expect(created.status).toBe(201);
    expect((await download('chuo.editor', created.body.id)).status).toBe(404);
    expect((await download('secretariat', created.body.id)).status).toBe(404); // a draft has not left its bureau
    expect((await (await user('chuo.editor')).get(`/proposals/${id}/attachments`)).status).toBe(404);
    const foreign = await upload('chuo.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: 'x.pdf', bytes: pdfBytes() },
    ]);
    expect(foreign.status).toBe(404);
    expect((await (await user('chuo.editor')).delete(`/attachments/${created.body.id}`)).status).toBe(404);
    expect((await download('kenko.approver', created.body.id)).status).toBe(200);
  });

  it('removes an attachment before 決裁; after adoption it is fixed, and only the secretariat adds a new version with a reason, the old one kept', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft', '添付の確定');
    const removable = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '下書き.pdf', bytes: pdfBytes() },
    ]);
    expect((await (await user('kenko.editor')).delete(`/attachments/${removable.body.id}`)).status).toBe(204);
    expect((await download('kenko.editor', removable.body.id)).status).toBe(404);
    const first = pdfBytes(5000);
    const kept = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '見積書.pdf', bytes: first },
    ]);
    for (const [who, action] of [
      ['kenko.editor', 'submit'],
      ['kenko.approver', 'approve'],
      ['secretariat', 'approve'],
      ['committee', 'approve'],
      ['hq', 'approve'],
    ]) {
      ok(await act(await user(who), 'proposals', id, action));
    }
    const before = await leftovers();
    const late = await upload('kenko.editor', `/proposals/${id}/attachments`, [
      { name: 'file', fileName: '追加.pdf', bytes: pdfBytes() },
    ]);
    expect([late.status, late.body.code]).toEqual([409, 'DECIDED_IMMUTABLE']);
    expect((await (await user('kenko.editor')).delete(`/attachments/${kept.body.id}`)).body.code).toBe(
      'DECIDED_IMMUTABLE',
    );
    expect((await (await user('secretariat')).delete(`/attachments/${kept.body.id}`)).body.code).toBe(
      'DECIDED_IMMUTABLE',
    );
    const byBureau = await upload('kenko.editor', `/attachments/${kept.body.id}/versions`, [
      { name: 'reason', value: '誤記' },
      { name: 'file', fileName: '見積書.pdf', bytes: pdfBytes() },
    ]);
    expect([byBureau.status, byBureau.body.code]).toEqual([409, 'DECIDED_IMMUTABLE']);
    const noReason = await upload('secretariat', `/attachments/${kept.body.id}/versions`, [
      { name: 'file', fileName: '見積書.pdf', bytes: pdfBytes() },
    ]);
    expect([noReason.status, noReason.body.code, noReason.body.errors[0].field]).toEqual([
      400,
      'VALIDATION_FAILED',
      'reason',
    ]);
    expect(await leftovers()).toEqual(before);

    const second = pdfBytes(6000);
    const version = await upload('secretariat', `/attachments/${kept.body.id}/versions`, [
      { name: 'reason', value: '金額の誤記を訂正' },
      { name: 'file', fileName: '見積書（訂正）.pdf', bytes: second },
    ]);
    expect([version.status, version.body.version, version.body.reason, version.body.seriesId]).toEqual([
      201,
      2,
      '金額の誤記を訂正',
      kept.body.id,
    ]);
    const list = ok(await (await user('kenko.editor')).get(`/proposals/${id}/attachments`)).body;
    // The bureau sees both versions and may add none; the secretariat may add another.
    expect([list.mayAttach, list.mayAddVersion]).toEqual([false, false]);
    const forSecretariat = ok(await (await user('secretariat')).get(`/proposals/${id}/attachments`)).body;
    expect([forSecretariat.mayAttach, forSecretariat.mayAddVersion]).toEqual([false, true]);
    expect(
      list.items.map((a: { version: number; current: boolean; supersededById: string | null }) => [
        a.version,
        a.current,
        a.supersededById,
      ]),
    ).toEqual([
      [1, false, version.body.id],
      [2, true, null],
    ]);
    expect((await download('kenko.editor', kept.body.id)).bytes.equals(first)).toBe(true);
    expect((await download('kenko.editor', version.body.id)).bytes.equals(second)).toBe(true);
    const [audit] = await db.query(
      `SELECT details FROM audit_log WHERE entity_id = $1 AND action = 'attachment.version'`,
      [id],
    );
    expect(audit.details).toEqual(
      expect.objectContaining({ sha256: sha256(second), supersedes: kept.body.id, reason: '金額の誤記を訂正' }),
    );
  });

  it('attaches to meetings (the secretariat) and progress reports (the bureau, under the report’s visibility)', async () => {
    const secretariat = await user('secretariat');
    const plan = ok(await secretariat.get('/plans')).body.find((p: { code: string }) => p.code === 'kaikaku-2027');
    const meeting = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'committee',
        title: '第1回 推進委員会',
        heldOn: '2027-01-20',
      }),
      201,
    ).body;
    const agenda = await upload('secretariat', `/meetings/${meeting.id}/attachments`, [
      { name: 'file', fileName: '次第.pdf', bytes: pdfBytes() },
    ]);
    expect(agenda.status).toBe(201);
    expect(
      (
        await upload('kenko.editor', `/meetings/${meeting.id}/attachments`, [
          { name: 'file', fileName: 'x.pdf', bytes: pdfBytes() },
        ])
      ).status,
    ).toBe(403);
    expect((await download('viewer', agenda.body.id)).status).toBe(200);

    const stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
    const [{ id: initiative }] = await db.query(
      `SELECT id FROM initiative WHERE plan_id = $1 AND owning_unit_id = (SELECT id FROM org_unit WHERE code = 'kenko') LIMIT 1`,
      [stage3],
    );
    const report = ok(
      await (
        await user('kenko.editor')
      ).post(`/initiatives/${initiative}/progress-reports`, { fiscalYear: 2023, status: '計画通り進捗' }),
      201,
    ).body;
    const evidence = await upload('kenko.editor', `/progress-reports/${report.id}/attachments`, [
      { name: 'file', fileName: '実績.csv', bytes: Buffer.from('年度,件数\r\n2023,12\r\n') },
    ]);
    expect(evidence.status).toBe(201);
    expect((await download('chuo.editor', evidence.body.id)).status).toBe(404);
    expect((await download('secretariat', evidence.body.id)).status).toBe(200);
  });

  if (storage === 'postgres') {
    it('streams downloads: the API’s memory grows by far less than ten 20 MB files while ten are read at once', async () => {
      const id = await proposalIn(user, inquiryId, 'kenko', 'draft');
      const big = pdfBytes(20 * 1024 * 1024);
      const created = await upload('kenko.editor', `/proposals/${id}/attachments`, [
        { name: 'file', fileName: '大きな資料.pdf', bytes: big },
      ]);
      expect(created.status).toBe(201);
      const auth = await signIn(api.url, 'kenko.editor');
      global.gc?.();
      const baseline = process.memoryUsage().rss;
      let peak = baseline;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const sizes = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const res = await fetch(`${api.url}/api/v1/attachments/${created.body.id}`, {
            headers: { authorization: auth },
          });
          let n = 0;
          const hash = createHash('sha256');
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            n += chunk.byteLength;
            hash.update(chunk);
          }
          expect(hash.digest('hex')).toBe(sha256(big));
          return n;
        }),
      );
      clearInterval(sampler);
      expect(sizes).toEqual(Array(10).fill(big.length));
      const grewMb = (peak - baseline) / 1024 / 1024;
      process.stderr.write(
        `attachments: RSS ${Math.round(baseline / 1048576)} MB before, peak ${Math.round(peak / 1048576)} MB during ten concurrent 20 MB downloads (+${grewMb.toFixed(1)} MB; whole files would be +200 MB)\n`,
      );
      // API and client share this process: the bound covers both, far below 10 × 20 MB.
      expect(grewMb).toBeLessThan(80);
    }, 120_000);
  }
});

/** Review comments (意見・協議): threads under the record's visibility, mentions told, revisions kept. */
describe('review comments', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url, {
      OUTBOX_POLL_INTERVAL_MS: '100',
      PUBLIC_BASE_URL: 'https://kaikaku.city.example',
    });
    api = await startApi(config);
    worker = await startWorker(config);
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('threads comments under the proposal’s visibility and tells the people and units mentioned', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted', '窓口の予約制（協議）');
    const secretariat = await user('secretariat');
    const asked = ok(
      await secretariat.post(`/proposals/${id}/comments`, { body: '@kenko.approver 効果額の根拠を添付してください。' }),
      201,
    ).body;
    expect(asked).toEqual(
      expect.objectContaining({
        body: '@kenko.approver 効果額の根拠を添付してください。',
        revision: 1,
        postedInState: 'submitted',
        parentId: null,
      }),
    );
    expect(asked.mentions.users.map((u: { username: string }) => u.username)).toEqual(['kenko.approver']);
    const reply = ok(
      await (
        await user('kenko.editor')
      ).post(`/proposals/${id}/comments`, {
        body: '承知しました。@kenko 内で見積書を確認します。',
        parentId: asked.id,
      }),
      201,
    ).body;
    expect(reply.parentId).toBe(asked.id);
    expect(reply.mentions.units.map((u: { code: string }) => u.code)).toEqual(['kenko']);

    const notice = await waitFor(async () => {
      const items = ok(await (await user('kenko.approver')).get('/notifications?pageSize=100')).body.items as Array<{
        title: string;
        link: string;
      }>;
      return items.find((n) => n.title.includes('窓口の予約制（協議）') && n.title.startsWith('【意見・協議】'));
    }, 'the mention’s notification');
    expect(notice.link).toBe(`https://kaikaku.city.example/proposals/${id}`);
    // The unit's members who may see the proposal are told; the author is not.
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM delivery WHERE key LIKE $1`, [`mention:${reply.id}:%`])).length > 0,
      'the unit mention’s deliveries',
    );
    const told = await db.query(
      `SELECT DISTINCT u.username FROM delivery d JOIN app_user u ON u.id = d.recipient_user_id WHERE d.key LIKE $1`,
      [`mention:${reply.id}:%`],
    );
    expect(told.map((r) => r.username)).not.toContain('kenko.editor');
    expect(told.map((r) => r.username)).toContain('kenko.approver');
    const [outbox] = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE job_name = 'comment.mentioned'`);
    expect(outbox.n).toBe(2);

    // Someone who may not see the proposal can neither read the thread nor be mentioned into it.
    expect((await (await user('chuo.editor')).get(`/proposals/${id}/comments`)).status).toBe(404);
    expect((await (await user('chuo.editor')).post(`/proposals/${id}/comments`, { body: '見えないはず' })).status).toBe(
      404,
    );
    const leak = await secretariat.post(`/proposals/${id}/comments`, { body: '@chuo.editor 参考までに' });
    expect([leak.status, leak.body.code, leak.body.errors[0].field]).toEqual([400, 'VALIDATION_FAILED', 'body']);
    const unknown = await secretariat.post(`/proposals/${id}/comments`, { body: '@nobody.here 確認を' });
    expect([unknown.status, unknown.body.errors[0].message]).toEqual([400, expect.stringContaining('@nobody.here')]);
    expect((await (await user('viewer')).post(`/proposals/${id}/comments`, { body: 'x' })).status).toBe(403);
    const thread = ok(await (await user('kenko.approver')).get(`/proposals/${id}/comments`)).body;
    expect([thread.total, thread.mayComment]).toEqual([2, true]);
    expect(thread.items.map((c: { id: string }) => c.id)).toEqual([asked.id, reply.id]);
  });

  it('keeps every edit as a revision, by its author only, and never deletes a comment', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted');
    const secretariat = await user('secretariat');
    const c = ok(await secretariat.post(`/proposals/${id}/comments`, { body: '初稿' }), 201).body;
    const edited = ok(
      await secretariat.patch(`/comments/${c.id}`, { body: '修正後の意見' }, { 'if-match': '"1"' }),
    ).body;
    expect([edited.revision, edited.body, edited.revisions.map((r: { body: string }) => r.body)]).toEqual([
      2,
      '修正後の意見',
      ['初稿', '修正後の意見'],
    ]);
    expect((await secretariat.patch(`/comments/${c.id}`, { body: '古い版から' }, { 'if-match': '"1"' })).status).toBe(
      412,
    );
    expect((await secretariat.patch(`/comments/${c.id}`, { body: 'If-Match なし' })).status).toBe(428);
    expect(
      (await (await user('kenko.approver')).patch(`/comments/${c.id}`, { body: '他人の意見' }, { 'if-match': '"2"' }))
        .status,
    ).toBe(403);
    await expect(db.query(`DELETE FROM review_comment WHERE id = $1`, [c.id])).rejects.toThrow(
      /review comments are kept/,
    );
    await expect(
      db.query(`UPDATE review_comment_revision SET body = 'x' WHERE comment_id = $1`, [c.id]),
    ).rejects.toThrow(/review comments are kept/);
    const audit = await db.query(
      `SELECT action, details->>'revision' AS revision FROM audit_log WHERE entity_id = $1 AND action LIKE 'comment.%' ORDER BY occurred_at`,
      [id],
    );
    expect(audit).toEqual([
      { action: 'comment.add', revision: '1' },
      { action: 'comment.edit', revision: '2' },
    ]);
  });

  it('shows the bureau a comment on its returned proposal, posted in the returned state beside the reason', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted', '差戻しの協議');
    const secretariat = await user('secretariat');
    ok(await act(secretariat, 'proposals', id, 'return', { comment: '効果額の根拠が不足しています' }));
    ok(await secretariat.post(`/proposals/${id}/comments`, { body: '見積書を添付のうえ、再提出してください。' }), 201);
    const thread = ok(await (await user('kenko.editor')).get(`/proposals/${id}/comments`)).body;
    expect(thread.items.map((c: { body: string; postedInState: string }) => [c.body, c.postedInState])).toEqual([
      ['見積書を添付のうえ、再提出してください。', 'returned'],
    ]);
  });

  it('threads comments on progress reports under the report’s visibility', async () => {
    const stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
    const [{ id: initiative }] = await db.query(
      `SELECT id FROM initiative WHERE plan_id = $1 AND owning_unit_id = (SELECT id FROM org_unit WHERE code = 'kenko') LIMIT 1`,
      [stage3],
    );
    const report = ok(
      await (
        await user('kenko.editor')
      ).post(`/initiatives/${initiative}/progress-reports`, { fiscalYear: 2023, status: '計画通り進捗' }),
      201,
    ).body;
    ok(
      await (
        await user('secretariat')
      ).post(`/progress-reports/${report.id}/comments`, { body: '実績の出典を記載してください。' }),
      201,
    );
    expect(ok(await (await user('kenko.approver')).get(`/progress-reports/${report.id}/comments`)).body.total).toBe(1);
    expect((await (await user('chuo.editor')).get(`/progress-reports/${report.id}/comments`)).status).toBe(404);
  });
});
