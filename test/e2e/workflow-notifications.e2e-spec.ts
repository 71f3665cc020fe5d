import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const BASE_URL = 'https://kaikaku.city.example';

interface Notice {
  title: string;
  body: string;
  link: string | null;
}

/** What a proposal's steps tell people, in Japanese, and whom: the effects named on the workflow's edges. */
describe('workflow step notifications', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  const noticesOf = async (username: string, title: string): Promise<Notice[]> =>
    (ok(await (await user(username)).get('/notifications?pageSize=100')).body.items as Notice[]).filter((n) =>
      n.title.includes(title),
    );

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url, { PUBLIC_BASE_URL: BASE_URL, OUTBOX_POLL_INTERVAL_MS: '100' });
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

  it('asks the committee to review a proposal the secretariat passed on, naming the step and linking its web page', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'committee_review', '窓口の予約制（通知）');
    const [notice] = await waitFor(async () => {
      const found = await noticesOf('committee', '窓口の予約制（通知）');
      return found.length > 0 ? found : null;
    }, 'the committee’s notice');
    expect(notice).toEqual({
      ...notice,
      title: '【承認】「窓口の予約制（通知）」（健康福祉局）：提出済 → 推進委員会審議',
      link: `${BASE_URL}/proposals/${id}`,
    });
    expect(notice.body).toContain(
      'が 改革プロジェクト推進課 により承認され、推進委員会審議になりました。審議をお願いします。',
    );
    // The HQ is not asked yet, and the secretariat who acted is not told of its own step.
    expect(await noticesOf('hq', '窓口の予約制（通知）')).toEqual([]);
    expect(
      (await noticesOf('secretariat', '窓口の予約制（通知）')).filter((n) =>
        n.title.startsWith('【承認】「窓口の予約制（通知）」（健康福祉局）：提出済'),
      ),
    ).toEqual([]);
  });

  it('tells the bureau that the committee returned its proposal, with the comment', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'committee_review', '窓口の予約制（差戻し）');
    ok(await act(await user('committee'), 'proposals', id, 'return', { comment: '効果額の根拠を補足してください' }));
    for (const who of ['kenko.editor', 'kenko.approver']) {
      const notices = await waitFor(async () => {
        const found = (await noticesOf(who, '窓口の予約制（差戻し）')).filter((n) => n.title.startsWith('【差戻し】'));
        return found.length > 0 ? found : null;
      }, `${who}’s notice`);
      expect(notices).toHaveLength(1);
      expect(notices[0].title).toBe('【差戻し】「窓口の予約制（差戻し）」（健康福祉局）：推進委員会審議 → 差戻し');
      expect(notices[0].body).toContain('コメント：効果額の根拠を補足してください');
    }
    // Another bureau hears nothing of it.
    expect(await noticesOf('chuo.editor', '窓口の予約制（差戻し）')).toEqual([]);
  });
});
