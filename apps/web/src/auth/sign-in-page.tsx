import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ApiProblem } from '../api/problem';
import { AnchorButton, Button } from '../ui/button';
import { TextField } from '../ui/field';
import { Notice, ProblemAlert } from '../ui/problem';
import { PageTitle } from '../ui/page';
import { session } from './token';

/** What the server's OpenID callback said when it sent the browser back here (`/?signin=…`). */
const PROVIDER_OUTCOMES: Record<string, string> = {
  oidc_refused:
    '庁内アカウントでサインインできませんでした。アカウントが無効になっているか、サインインが取り消されました。続く場合は、システム管理者に連絡してください。',
  oidc_unavailable: '庁内アカウントの認証サーバーに接続できません。しばらく待ってから、もう一度お試しください。',
};

/** Read once, then taken out of the address bar, so a reload does not repeat it. */
function takeProviderOutcome(): string | null {
  const params = new URLSearchParams(window.location.search);
  const outcome = params.get('signin');
  if (!outcome) return null;
  params.delete('signin');
  const rest = params.toString();
  window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
  return PROVIDER_OUTCOMES[outcome] ?? null;
}

/**
 * サインイン. A wrong password and the sign-in limit (429 with its wait) are told apart. Where the
 * city's OpenID provider is configured, 「庁内アカウントでサインイン」 leads there first.
 */
export function SignInPage({ message }: { message?: string }) {
  const [providerOutcome] = useState(takeProviderOutcome);
  // Local state, not a query: the session gate clears the query cache as this page appears.
  const [offersProvider, setOffersProvider] = useState(false);
  useEffect(() => {
    let current = true;
    api
      .GET('/api/v1/auth/methods')
      .then(({ data }) => {
        if (current) setOffersProvider(data?.oidc === true);
      })
      // Without an answer the password form alone is offered.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  /** Never rejects: every failure is shown in the form. */
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await session.signIn(username.trim(), password);
      if (!response.ok) setError(await ApiProblem.from(response, await response.json().catch(() => null)));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  const wrong = error instanceof ApiProblem && (error.status === 401 || error.status === 400);
  const limited = error instanceof ApiProblem && error.status === 429;
  const wait = limited && error.retryAfter ? error.retryAfter : null;
  return (
    <div className="min-h-screen bg-solid-gray-50">
      <header className="border-b border-solid-gray-200 bg-white px-6 py-4">
        <p className="text-std-20B-150 text-solid-gray-900">改革プラン 取組管理</p>
      </header>
      <main id="main" className="mx-auto flex max-w-lg flex-col gap-6 px-6 py-12">
        <PageTitle title="サインイン">サインイン</PageTitle>
        {message && <Notice>{message}</Notice>}
        {providerOutcome && (
          <div
            role="alert"
            className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
          >
            {providerOutcome}
          </div>
        )}
        {offersProvider && (
          <section
            aria-labelledby="provider-heading"
            className="flex flex-col gap-3 rounded-12 border border-solid-gray-200 bg-white p-6"
          >
            <h2 id="provider-heading" className="text-std-18B-160 text-solid-gray-900">
              庁内アカウント
            </h2>
            <p className="text-dns-16N-130 text-solid-gray-700">
              市役所のパソコンにサインインするときのアカウントで、そのままサインインできます。
            </p>
            <AnchorButton variant="primary" href="/api/v1/auth/oidc">
              庁内アカウントでサインイン
            </AnchorButton>
          </section>
        )}
        {offersProvider && <h2 className="text-std-18B-160 text-solid-gray-900">ユーザー名とパスワードでサインイン</h2>}
        <form
          onSubmit={(e) => void submit(e)}
          className="flex flex-col gap-5 rounded-12 border border-solid-gray-200 bg-white p-6"
          noValidate
        >
          <TextField
            label="ユーザー名"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <TextField
            label="パスワード"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          {limited ? (
            <div
              role="alert"
              className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
            >
              サインインの失敗が続いたため、一時的にサインインできません。
              {wait
                ? `${wait}秒後（約${Math.ceil(wait / 60)}分後）に、もう一度お試しください。`
                : 'しばらく待ってから、もう一度お試しください。'}
            </div>
          ) : wrong ? (
            <div
              role="alert"
              className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
            >
              ユーザー名またはパスワードが正しくありません。
            </div>
          ) : (
            <ProblemAlert error={error} />
          )}
          <Button type="submit" disabled={busy || !username || !password}>
            {busy ? 'サインインしています…' : 'サインイン'}
          </Button>
        </form>
        <p className="text-dns-16N-130 text-solid-gray-700">
          続けて失敗すると、しばらくの間サインインできなくなります。パスワードを忘れた場合は、システム管理者に連絡してください。
        </p>
      </main>
    </div>
  );
}
