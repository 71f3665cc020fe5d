import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { act, demoClients, FULL_CONTENT, ok, openInquiry } from '../support/cycle.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

const ROUNDS = 100;

/**
 * Two reviewers approve the same proposal with the same ETag at the same moment, 100
 * times: the `UPDATE … WHERE id AND version` lets exactly one through each time.
 */
describe('concurrent decisions', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { DATABASE_POOL_SIZE: '10' }));
    user = demoClients(api.url);
    const admin = await user('admin');
    ok(
      await admin.post('/users', {
        username: 'secretariat2',
        displayName: '事務局 2',
        password: DEMO_PASSWORD,
        orgUnit: 'somu.kaikaku',
        grants: [{ role: 'secretariat', orgUnit: 'kumamoto' }],
      }),
      201,
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it(`gives exactly one success and one 412 per round, ${ROUNDS} rounds, one audit entry per success`, async () => {
    const { inquiryId } = await openInquiry(user);
    const units = ['kenko', 'chuo', 'toshi', 'kankyo', 'nishi'];
    const ids: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const unit = units[i % units.length];
      const { id } = ok(
        await (await user(`${unit}.editor`)).post('/proposals', { inquiryId, title: `提案 ${i}`, ...FULL_CONTENT }),
        201,
      ).body;
      ok(await act(await user(`${unit}.editor`), 'proposals', id, 'submit'));
      ok(await act(await user(`${unit}.approver`), 'proposals', id, 'approve'));
      ids.push(id);
    }
    const first = await user('secretariat');
    const second = as(api.url, await signIn(api.url, 'secretariat2'));

    const outcomes: string[] = [];
    for (const id of ids) {
      const etag = ok(await first.get(`/proposals/${id}`)).headers.get('etag')!;
      const [a, b] = await Promise.all([
        first.post(`/proposals/${id}/transitions`, { action: 'approve' }, { 'if-match': etag }),
        second.post(`/proposals/${id}/transitions`, { action: 'approve' }, { 'if-match': etag }),
      ]);
      outcomes.push([a.status, b.status].sort().join('+'));
    }
    expect(outcomes.filter((o) => o === '200+412')).toHaveLength(ROUNDS);

    const perProposal = await db.query(
      `SELECT entity_id, count(*)::int AS n FROM audit_log WHERE action = 'approve' AND from_state = 'submitted' AND entity_id = ANY($1) GROUP BY entity_id`,
      [ids],
    );
    expect(perProposal).toHaveLength(ROUNDS);
    expect(perProposal.every((r) => r.n === 1)).toBe(true);
    const states = await db.query(
      `SELECT state, version, count(*)::int AS n FROM proposal WHERE id = ANY($1) GROUP BY 1, 2`,
      [ids],
    );
    expect(states).toEqual([{ state: 'committee_review', version: 4, n: ROUNDS }]);
    expect(ok(await (await user('admin')).get('/audit/verify')).body.ok).toBe(true);
  }, 180_000);
});
