import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { OUTBOX_CHANNEL, OutboxWakeup } from '#libs/platform';
import { startApi, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * A transition without hooks is one auto-commit statement without `pg_notify` (a notifying
 * commit takes PostgreSQL's one notification lock); the relays are woken after the commit
 * instead, one NOTIFY for a burst. Inside a transaction (Idempotency-Key) the NOTIFY stays in
 * the statement. Either way a relay is woken: without it the rows would wait for its poll.
 */
describe('outbox wake-up after a one-statement transition', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;
  let listener: pg.Client;
  /** Payloads received on the outbox channel, in order. */
  let heard: string[] = [];
  let marks = 0;

  /**
   * Waits until everything notified before now has been heard (notifications arrive in commit
   * order, so a mark sent now arrives after them), answers it, and forgets it.
   */
  const settle = async (): Promise<string[]> => {
    const mark = `mark-${++marks}`;
    await db.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, mark]);
    await waitFor(() => heard.includes(mark), `notification ${mark}`);
    const before = heard.slice(0, heard.indexOf(mark));
    heard = heard.slice(heard.indexOf(mark) + 1);
    return before;
  };
  /** The relays' wake-ups heard since the last settle (the marks excluded). */
  const wakeUps = () => heard.filter((p) => p === '').length;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
    listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  });
  afterAll(async () => {
    await listener?.end();
    await api?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    // Wake-ups of earlier steps are sent before the test's own.
    await api.app.get(OutboxWakeup).beforeApplicationShutdown();
    await settle();
  });

  it('wakes the relays after the commit of a transition that wrote its outbox rows in one statement', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted', '窓口の予約制（起床）');
    await api.app.get(OutboxWakeup).beforeApplicationShutdown();
    await settle();
    // The secretariat's approve names effects and no hook: the one-statement path.
    ok(await act(await user('secretariat'), 'proposals', id, 'approve'));
    const [row] = await db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE payload->>'recordId' = $1 AND payload->>'action' = 'approve' AND payload->>'from' = 'submitted'`,
      [id],
    );
    expect(row.n).toBeGreaterThan(0);
    await waitFor(() => wakeUps() > 0, 'a wake-up after the transition');
  });

  it('wakes them from inside the statement when the transition runs in a transaction (Idempotency-Key)', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted', '窓口の予約制（冪等）');
    await api.app.get(OutboxWakeup).beforeApplicationShutdown();
    await settle();
    const secretariat = await user('secretariat');
    const current = await secretariat.get(`/proposals/${id}`);
    ok(
      await secretariat.post(
        `/proposals/${id}/transitions`,
        { action: 'approve' },
        { 'if-match': current.headers.get('etag')!, 'idempotency-key': `wake-${id}` },
      ),
    );
    await waitFor(() => wakeUps() > 0, 'a wake-up delivered with the commit');
  });

  it('sends one NOTIFY for a burst of commits, and one more for a commit after it was sent', async () => {
    const wakeup = api.app.get(OutboxWakeup);
    for (let i = 0; i < 20; i++) wakeup.wake();
    await wakeup.beforeApplicationShutdown();
    expect(await settle()).toEqual(['']);
    for (let i = 0; i < 20; i++) wakeup.wake();
    await wakeup.beforeApplicationShutdown();
    wakeup.wake();
    await wakeup.beforeApplicationShutdown();
    expect(await settle()).toEqual(['', '']);
  });
});
