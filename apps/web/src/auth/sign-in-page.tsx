import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/problem';
import { Button } from '../ui/button';
import { TextField } from '../ui/field';
import { Notice, ProblemAlert } from '../ui/problem';
import { PageTitle } from '../ui/page';
import { session } from './token';

/** サインイン. A wrong password and the sign-in limit (429 with its wait) are told apart. */
export function SignInPage({ message }: { message?: string }) {
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
        <form onSubmit={(e) => void submit(e)} className="flex flex-col gap-5 rounded-12 border border-solid-gray-200 bg-white p-6" noValidate>
          <TextField label="ユーザー名" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
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
            <div role="alert" className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2">
              サインインの失敗が続いたため、一時的にサインインできません。
              {wait ? `${wait}秒後（約${Math.ceil(wait / 60)}分後）に、もう一度お試しください。` : 'しばらく待ってから、もう一度お試しください。'}
            </div>
          ) : wrong ? (
            <div role="alert" className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2">
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
