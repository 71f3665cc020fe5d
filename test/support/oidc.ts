import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { waitFor } from './apps.js';

/** A person as the provider describes them: the claims of their ID token and userinfo. */
export interface ProviderAccount {
  preferred_username: string;
  name: string;
  email?: string;
  department?: string;
  groups?: string[];
  employee_number?: string;
  account_disabled?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Replaces the people the provider knows (read at each sign-in). */
  setAccounts(accounts: Record<string, ProviderAccount>): void;
  stop(): Promise<void>;
}

/** A real OpenID provider (`oidc-provider`) on a loopback port, for one test file, in a process of its own. */
export async function startOidcProvider(
  port: number,
  redirectUris: string[],
  accounts: Record<string, ProviderAccount>,
): Promise<TestOidcProvider> {
  const base = resolve('.local/test');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, 'oidc-'));
  const accountsFile = join(dir, 'accounts.json');
  const setAccounts = (a: Record<string, ProviderAccount>) => writeFileSync(accountsFile, JSON.stringify(a));
  setAccounts(accounts);
  const clientId = 'kaikaku';
  const clientSecret = 'oidc-test-client-secret';
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      resolve('test/support/oidc-provider.mjs'),
      JSON.stringify({ port, accountsFile, clientId, clientSecret, redirectUris }),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => output.includes('ready') || child.exitCode !== null, 'the OpenID provider to listen', 30_000);
  if (child.exitCode !== null) throw new Error(`the OpenID provider did not start:\n${output}`);
  return {
    issuer: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    setAccounts,
    async stop() {
      child.kill('SIGTERM');
      await waitFor(
        () => child.exitCode !== null || child.signalCode !== null,
        'the OpenID provider to stop',
        10_000,
      ).catch(() => child.kill('SIGKILL'));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Cookies of one site, as a browser keeps them (paths and expiry are not needed here). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const gone =
        value === '' ||
        attributes.some(
          (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()),
        );
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface ProviderVisit {
  /** Where the provider sent the browser back (the callback URL with code and state, or an error). */
  callback: URL;
  /** The authorization request the app sent the browser with. */
  authorization: URL;
}

/**
 * What a browser does between the app's "sign in with the city account" link and the callback:
 * follows the provider's redirects, fills in its sign-in form as `login` (or cancels it), and
 * stops at the redirect back to the app. Answers that redirect, not yet followed.
 */
export async function visitProvider(
  startUrl: string,
  appJar: CookieJar,
  login: string,
  options: { cancel?: boolean } = {},
): Promise<ProviderVisit> {
  const start = await fetch(startUrl, { redirect: 'manual', headers: { cookie: appJar.header() } });
  appJar.take(start.headers);
  if (start.status !== 303)
    throw new Error(`the app answered ${start.status} to the sign-in start: ${await start.text()}`);
  const authorization = new URL(start.headers.get('location')!);
  const appOrigin = new URL(startUrl).origin;
  const jar = new CookieJar();
  let next: { url: URL; method: 'GET' | 'POST'; body?: URLSearchParams } = { url: authorization, method: 'GET' };
  for (let step = 0; step < 12; step++) {
    const res = await fetch(next.url, {
      method: next.method,
      body: next.body,
      redirect: 'manual',
      headers: { cookie: jar.header() },
    });
    jar.take(res.headers);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, next.url);
      if (location.origin === appOrigin) return { callback: location, authorization };
      next = { url: location, method: 'GET' };
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`the provider answered ${res.status}: ${html.slice(0, 500)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`no form on the provider's page: ${html.slice(0, 500)}`);
    const target = new URL(action.replaceAll('&amp;', '&'), next.url);
    if (options.cancel) {
      next = { url: new URL(`${target.pathname}/abort`, target), method: 'GET' };
      continue;
    }
    next = {
      url: target,
      method: 'POST',
      body: new URLSearchParams(
        prompt === 'login' ? { prompt, login, password: 'whatever-the-provider-checks' } : { prompt },
      ),
    };
  }
  throw new Error('the provider never sent the browser back');
}
