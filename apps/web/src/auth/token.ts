import type { components } from '../api/schema';

type TokenAnswer = components['schemas']['AccessTokenResponse'];

/**
 * The browser session. The access token lives in this module's memory only — never in
 * localStorage or sessionStorage, where any script could read it. What survives a reload is
 * the refresh cookie (HttpOnly, SameSite=Strict, scoped to /api/v1/auth/session), which the
 * page never sees; on load the app trades it for a new access token.
 */
export type SessionState =
  { status: 'unknown' } | { status: 'signed-in'; token: string } | { status: 'signed-out'; message?: string };

const SESSION = '/api/v1/auth/session';
type Listener = (state: SessionState) => void;

class BrowserSession {
  #state: SessionState = { status: 'unknown' };
  #listeners = new Set<Listener>();
  #refreshing: Promise<boolean> | null = null;
  #resuming: Promise<boolean> | null = null;

  get state(): SessionState {
    return this.#state;
  }

  get token(): string | null {
    return this.#state.status === 'signed-in' ? this.#state.token : null;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #set(state: SessionState): void {
    this.#state = state;
    for (const l of this.#listeners) l(state);
  }

  /** Signs in; answers the Response so the page can show the server's problem (429 with its wait). */
  async signIn(username: string, password: string): Promise<Response> {
    const response = await fetch(SESSION, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      credentials: 'same-origin',
    });
    if (response.ok) {
      const body = (await response.clone().json()) as TokenAnswer;
      this.#set({ status: 'signed-in', token: body.access_token });
    }
    return response;
  }

  /** Trades the refresh cookie for a new access token; concurrent callers share one attempt. */
  refresh(): Promise<boolean> {
    this.#refreshing ??= (async () => {
      try {
        const response = await fetch(`${SESSION}/refresh`, { method: 'POST', credentials: 'same-origin' });
        if (!response.ok) return false;
        const body = (await response.json()) as TokenAnswer;
        this.#set({ status: 'signed-in', token: body.access_token });
        return true;
      } catch {
        return false;
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  /**
   * On load: a live refresh cookie signs the person in again, otherwise the sign-in page.
   * Once per page load (start/early-session.ts calls it before React starts; the session gate
   * asks again and gets the same answer); true when signed in.
   */
  resume(): Promise<boolean> {
    this.#resuming ??= this.refresh().then((signedIn) => {
      if (!signedIn) this.#set({ status: 'signed-out' });
      return signedIn;
    });
    return this.#resuming;
  }

  async signOut(): Promise<void> {
    try {
      await fetch(SESSION, { method: 'DELETE', credentials: 'same-origin' });
    } finally {
      this.#set({ status: 'signed-out', message: 'サインアウトしました。' });
    }
  }

  signedOut(message: string): void {
    this.#set({ status: 'signed-out', message });
  }
}

export const session = new BrowserSession();
