import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import ICAL from 'ical.js';
import { MunicipalCalendar, todayInTokyo, warekiDate } from '#libs/calendar';
import { http, startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { smtpReceiver, webhookReceiver } from '../support/receivers.js';

/**
 * Subject and plain text of a mail as a mail reader shows them: RFC 2047 encoded words in the
 * subject, quoted-printable or base64 in the body (whichever the sender chose).
 */
function decodeMail(raw: string): { subject: string; text: string } {
  const [head, ...rest] = raw.split(/\r?\n\r?\n/);
  const headers = head.replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim() ?? '';
  const words = (value: string) =>
    value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : qp(data.replaceAll('_', ' ')),
    );
  const qp = (text: string) =>
    Buffer.from(
      text.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  const body = rest.join('\n\n');
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? qp(body)
        : body;
  return { subject: words(header('Subject')).trim(), text: text.replace(/\r\n/g, '\n') };
}

/** One working day lasts this many seconds in these tests (REMINDER_DAY_SECONDS). */
const DAY_SECONDS = 2;

/**
 * Reminders and escalations of an inquiry's reply deadline, end to end, on both queue
 * backends: e-mail through a real SMTP server, a signed webhook, the in-app list; a unit
 * that answers hears nothing more; a silent one is escalated to its approver, then to the
 * secretariat.
 */
describe.each(['redis', 'postgres'] as const)('reminders on the %s queue backend', (backend) => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let webhookSecret: string | undefined;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;
  const dueDate = new MunicipalCalendar().addWorkingDays(todayInTokyo(), 3);

  const deliveries = (unit: string) =>
    db.query(
      `SELECT split_part(dl.key, ':', 4) AS step, u.username, dl.channel, dl.sent_at IS NOT NULL AS sent
         FROM delivery dl JOIN app_user u ON u.id = dl.recipient_user_id
         JOIN deadline d ON dl.key LIKE 'deadline:' || d.id || ':%' JOIN org_unit o ON o.id = d.owner_unit_id
        WHERE o.code = $1 ORDER BY 1, 2, 3`,
      [unit],
    );

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    smtp = await smtpReceiver();
    hook = await webhookReceiver(() => webhookSecret);
    const config = testConfig(db.url, {
      QUEUE_BACKEND: backend,
      SMTP_URL: smtp.url,
      REMINDER_DAY_SECONDS: String(DAY_SECONDS),
      REMINDER_RECONCILE_SECONDS: '2',
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
    api = await startApi(config);
    worker = await startWorker(config);
    user = demoClients(api.url);
    await db.query(
      `UPDATE app_user SET email = username || '@city.example' WHERE username LIKE 'kenko.%' OR username LIKE 'chuo.%' OR username = 'secretariat'`,
    );
    const settings = ok(
      await (
        await user('kenko.approver')
      ).call('PUT', '/me/notification-settings', { webhookEnabled: true, webhookUrl: hook.url }),
    ).body;
    webhookSecret = settings.webhookSecret;
    expect(webhookSecret).toMatch(/^whsec_/);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await smtp?.close();
    await hook?.close();
    await db?.drop();
  });

  it('reminds before the due date on every channel, stops for a unit that answers, and escalates the silent one', async () => {
    const secretariat = await user('secretariat');
    const plan = ok(await secretariat.get('/plans')).body.find((p: { code: string }) => p.code === 'kaikaku-2027');
    const inquiry = ok(
      await secretariat.post('/inquiries', {
        planId: plan.id,
        title: '全庁照会（期限テスト）',
        dueDate,
        targetUnits: ['kenko', 'chuo'],
      }),
      201,
    ).body;
    inquiryId = inquiry.id;
    ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));

    // 2 working days before: both units' editors and approvers, on each of their channels.
    await waitFor(
      async () => (await deliveries('kenko')).filter((d) => d.step === 'before' && d.sent).length >= 5,
      'first reminders to kenko',
      30_000,
      100,
    );
    // kenko answers: 該当なし.
    ok(await (await user('kenko.approver')).post(`/inquiries/${inquiry.id}/nil-return`, {}));

    // chuo stays silent until the third escalation went out.
    await waitFor(
      async () =>
        (await deliveries('chuo')).some((d) => d.step === 'escalate' && d.username === 'secretariat' && d.sent),
      'escalation of chuo to the secretariat',
      60_000,
      200,
    );
    // (Nothing more to wait for: kenko's cancellations committed with its answer, and chuo's
    // escalation to the secretariat, awaited above, is its last step that these checks need.)

    const steps = await db.query(
      `SELECT o.code, r.step, r.status FROM reminder r JOIN deadline d ON d.id = r.deadline_id JOIN org_unit o ON o.id = d.owner_unit_id ORDER BY 1, r.fire_at`,
    );
    const kenko = steps.filter((s) => s.code === 'kenko');
    // kenko heard once (before:2); everything after its answer was cancelled.
    expect(kenko.filter((s) => s.status === 'sent').map((s) => s.step)).toEqual(['before:2']);
    expect(kenko.filter((s) => s.step !== 'before:2').every((s) => s.status === 'cancelled')).toBe(true);
    const kenkoDeliveries = await deliveries('kenko');
    expect(new Set(kenkoDeliveries.map((d) => d.step))).toEqual(new Set(['before']));
    expect(kenkoDeliveries.map((d) => `${d.username}/${d.channel}`).sort()).toEqual(
      [
        'kenko.approver/email',
        'kenko.approver/in_app',
        'kenko.approver/webhook',
        'kenko.editor/email',
        'kenko.editor/in_app',
      ].sort(),
    );

    // chuo: before:2 and due to the unit, escalation 1 to its approver, then the secretariat.
    const chuo = await db.query(
      `SELECT r.step, r.status FROM reminder r JOIN deadline d ON d.id = r.deadline_id JOIN org_unit o ON o.id = d.owner_unit_id WHERE o.code = 'chuo' AND r.status = 'sent' ORDER BY r.fire_at`,
    );
    expect(chuo.map((s) => s.step).slice(0, 4)).toEqual(['before:2', 'due', 'escalate:1', 'escalate:2']);
    const chuoDeliveries = await deliveries('chuo');
    const escalated = chuoDeliveries
      .filter((d) => d.step === 'escalate' && d.channel === 'in_app')
      .map((d) => d.username);
    expect(escalated).toContain('chuo.approver');
    expect(escalated).toContain('secretariat');
    expect(escalated).not.toContain('chuo.editor');

    // E-mail arrived, once per delivery, in Japanese with the 和暦 date and the working days left.
    const mailsToKenkoEditor = smtp.mails.filter((mail) => mail.to.includes('kenko.editor@city.example'));
    expect(mailsToKenkoEditor).toHaveLength(1);
    const mail = decodeMail(mailsToKenkoEditor[0].raw);
    const dueLabel = warekiDate(dueDate).label;
    // Working days left on the real calendar (the test compresses when reminders fire, not the dates).
    const left = new MunicipalCalendar().workingDaysBetween(todayInTokyo(), dueDate);
    expect(mail.subject).toBe(
      `【全庁照会の回答】全庁照会（期限テスト） 期限のお知らせ（${dueLabel}・あと${left}営業日）`,
    );
    expect(mail.text).toContain('健康福祉局 ご担当者様');
    expect(mail.text).toContain(
      `「全庁照会（期限テスト）」の全庁照会の回答の期限は ${dueLabel} です（あと${left}営業日）。`,
    );
    expect(mail.text).toContain('「該当なし」を登録してください');
    expect(mailsToKenkoEditor[0].raw).toMatch(/Message-ID:\s*<[0-9a-f-]{36}@localhost>/i);
    expect(new Set(smtp.mails.map((mail) => mail.messageId)).size).toBe(smtp.mails.length);

    // The webhook got the reminder, signed.
    expect(hook.hooks).toHaveLength(1);
    expect(hook.hooks[0].signatureValid).toBe(true);
    expect(hook.hooks[0].body.subject).toMatch(/全庁照会の回答.*期限のお知らせ.*令和\d+年\d+月\d+日.*あと\d営業日/);

    // In-app, readable and markable.
    const inbox = ok(await (await user('chuo.approver')).get('/notifications')).body;
    expect(inbox.items.map((n: { title: string }) => n.title)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^【督促】/), expect.stringMatching(/期限のお知らせ/)]),
    );
    const read = ok(await (await user('chuo.approver')).post(`/notifications/${inbox.items[0].id}/read`, {})).body;
    expect(read.readAt).not.toBeNull();
    expect((await (await user('chuo.editor')).post(`/notifications/${inbox.items[0].id}/read`, {})).status).toBe(404);

    // Nothing was told twice.
    const [{ dup }] = await db.query(`SELECT count(*) - count(DISTINCT key) AS dup FROM delivery`);
    expect(Number(dup)).toBe(0);
  }, 120_000);

  it('lists the caller’s deadlines and serves them as an iCalendar feed that an independent parser reads', async () => {
    const editor = await user('chuo.editor');
    const list = ok(await editor.get('/deadlines')).body;
    const mine = list.find((d: { subject: { id: string } }) => d.subject.id === inquiryId);
    expect(mine).toMatchObject({ kind: 'inquiry_reply', dueDate, ownerUnit: { code: 'chuo' } });
    expect(mine.dueDateLabel).toMatch(/^令和\d+年\d+月\d+日$/);
    expect(list.every((d: { ownerUnit: { code: string } }) => d.ownerUnit.code === 'chuo')).toBe(true);

    const { url } = ok(await editor.post('/me/calendar-feed', {})).body;
    expect(url).toMatch(/\/api\/v1\/calendar\.ics\?token=kcal_/);
    const feed = await http(`${api.url}${new URL(url).pathname}${new URL(url).search}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    const calendar = new ICAL.Component(ICAL.parse(feed.text));
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    const event = events.find((e) => e.summary.includes('全庁照会（期限テスト）'))!;
    expect(event).toBeDefined();
    expect(event.startDate.isDate).toBe(true);
    expect(event.startDate.toString()).toBe(dueDate);
    expect(event.component.getAllSubcomponents('valarm').length).toBeGreaterThan(0);
    expect((await http(`${api.url}/api/v1/calendar.ics?token=kcal_${'x'.repeat(32)}`)).status).toBe(401);
  });
});
