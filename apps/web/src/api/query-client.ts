import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from './problem';

/**
 * The app's one query cache. Its own module, so that what starts before React (the first
 * page's queries, fetched while the app is still starting) fills the same cache the pages read.
 */
export const queries = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; a network blip may.
      retry: (count, error) => !(error instanceof ApiProblem && error.status < 500) && count < 2,
      staleTime: 15_000,
    },
    mutations: { retry: false },
  },
});
