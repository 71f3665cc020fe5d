import { expect } from '@jest/globals';
import type { HttpAnswer } from './apps.js';
import { as, signIn } from './auth.js';

/** Clients signed in as demo users, created on first use. */
export function demoClients(baseUrl: string) {
  const cache = new Map<string, ReturnType<typeof as>>();
  return async (username: string) => {
    let client = cache.get(username);
    if (!client) {
      client = as(baseUrl, await signIn(baseUrl, username));
      cache.set(username, client);
    }
    return client;
  };
}

export type Client = ReturnType<typeof as>;

/** Expects a status and returns the answer, printing the problem document when it differs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- e2e answers are read structurally and each read is asserted; typing ~570 call sites buys nothing a failing assertion does not already show
export function ok<T = any>(res: HttpAnswer<T>, status = 200): HttpAnswer<T> {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  expect(res.status).toBe(status);
  return res;
}

/** Today + n days in Japan, as YYYY-MM-DD. */
export function daysFromNow(n: number): string {
  const d = new Date(Date.now() + n * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(d);
}

export const FULL_CONTENT = {
  summary: '概要',
  policyNumber: 2,
  themeNumber: 1,
  expectedEffect: '窓口の待ち時間を短縮する',
  expectedAmount: 1200,
  schedule: [
    { fiscalYear: 2024, step: '検討' },
    { fiscalYear: 2025, step: '試行' },
    { fiscalYear: 2026, step: '実施' },
  ],
  relatedIndicators: ['区役所窓口 市民満足度'],
};

/** Takes a workflow action with the proposal's current ETag. */
export async function act(
  client: Client,
  kind: 'proposals' | 'inquiries',
  id: string,
  action: string,
  extra: Record<string, unknown> = {},
) {
  const current = await client.get(`/${kind}/${id}`);
  if (current.status !== 200) throw new Error(`cannot read ${kind}/${id}: ${current.status} ${current.text}`);
  return client.post(`/${kind}/${id}/transitions`, { action, ...extra }, { 'if-match': current.headers.get('etag')! });
}

type Users = (username: string) => Promise<Client>;

/** An open inquiry of the demo plan, created and opened by the secretariat. */
export async function openInquiry(
  user: Users,
  planCode = 'kaikaku-2027',
): Promise<{ planId: string; inquiryId: string }> {
  const secretariat = await user('secretariat');
  const plan = ok(await secretariat.get('/plans')).body.find((p: { code: string }) => p.code === planCode);
  const inquiry = ok(
    await secretariat.post('/inquiries', { planId: plan.id, title: '照会', dueDate: daysFromNow(14) }),
    201,
  ).body;
  ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));
  return { planId: plan.id, inquiryId: inquiry.id };
}

const PATH: Record<string, Array<[string, string]>> = {
  draft: [],
  bureau_review: [['editor', 'submit']],
  submitted: [
    ['editor', 'submit'],
    ['approver', 'approve'],
  ],
  committee_review: [
    ['editor', 'submit'],
    ['approver', 'approve'],
    ['secretariat', 'approve'],
  ],
  hq_review: [
    ['editor', 'submit'],
    ['approver', 'approve'],
    ['secretariat', 'approve'],
    ['committee', 'approve'],
  ],
  adopted: [
    ['editor', 'submit'],
    ['approver', 'approve'],
    ['secretariat', 'approve'],
    ['committee', 'approve'],
    ['hq', 'approve'],
  ],
};

/** A proposal of `unit`, driven through the API to `state`. */
export async function proposalIn(
  user: Users,
  inquiryId: string,
  unit: string,
  state: keyof typeof PATH,
  title = `${unit} 提案`,
): Promise<string> {
  const editor = await user(`${unit}.editor`);
  const { id } = ok(await editor.post('/proposals', { inquiryId, title, ...FULL_CONTENT }), 201).body;
  for (const [who, action] of PATH[state]) {
    const client = await user(who === 'editor' || who === 'approver' ? `${unit}.${who}` : who);
    ok(await act(client, 'proposals', id, action));
  }
  return id;
}
