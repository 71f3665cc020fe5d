// The entry: small on purpose. On a first visit the browser compiles every script it is given
// before running any of it, so this module holds only what must start at once — the session's
// refresh request and the first page's queries — and React, the router and the pages come in
// the app's own chunk (./app), which is compiled while those requests are on the wire.
import './start/early-session';
import { queries } from './api/query-client';
import { fetchFirstPage } from './start/first-page';
import './styles.css';

// The first page's queries, started as soon as the session is back (not when the page renders).
fetchFirstPage(queries, new URL(location.href));

/** The element the app renders into, once the document is parsed (an async entry may run before). */
function rootElement(): Promise<HTMLElement> {
  const root = () => document.getElementById('root')!;
  if (document.readyState !== 'loading') return Promise.resolve(root());
  return new Promise((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(root()), { once: true }));
}

Promise.all([import('./app'), rootElement()]).then(
  ([{ renderApp }, root]) => renderApp(root),
  async (error: unknown) => {
    // Only when the app's chunk cannot be loaded (the server went away, or a release replaced
    // it): say so on the page, and leave the error to the console as an unhandled rejection.
    (await rootElement()).textContent = '画面を読み込めませんでした。ページを再読み込みしてください。';
    throw error;
  },
);
