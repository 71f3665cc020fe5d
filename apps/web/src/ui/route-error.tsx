import { useRouteError } from 'react-router';
import { Button } from './button';
import { ProblemPage } from './problem';

/**
 * What a page shows when the router could not load it. After a new release the browser may still
 * hold the previous index.html, whose route chunks are gone from the server: the page's own
 * chunk then fails to load. A reload fetches the new index.html (it is served with no-cache), so
 * that is what the person is offered. Any other error a route throws is shown as a failed read.
 */
export function RouteError() {
  const error = useRouteError();
  if (isChunkLoadFailure(error)) {
    return (
      <section aria-labelledby="route-error-title" className="flex flex-col gap-4">
        <h1 id="route-error-title" className="text-std-32B-150">
          ページを読み込めませんでした
        </h1>
        <p className="text-std-16N-170">
          システムが更新されたか、通信が途切れた可能性があります。再読み込みすると最新の画面を表示します。
        </p>
        <div>
          <Button variant="primary" onClick={() => window.location.reload()}>
            再読み込み
          </Button>
        </div>
      </section>
    );
  }
  return <ProblemPage error={error} />;
}

/**
 * Chromium says "Failed to fetch dynamically imported module", Firefox "error loading
 * dynamically imported module", Safari "Importing a module script failed"; Vite's preload
 * helper adds "Unable to preload CSS". All are a TypeError (or Error) from the import().
 */
function isChunkLoadFailure(error: unknown): boolean {
  return (
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(error.message)
  );
}
