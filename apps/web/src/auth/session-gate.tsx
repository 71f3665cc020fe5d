import { useEffect, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { forgetEtags } from '../api/client';
import { Loading } from '../ui/page';
import { SignInPage } from './sign-in-page';
import { session } from './token';

export function useSession() {
  return useSyncExternalStore(
    (l) => session.subscribe(l),
    () => session.state,
  );
}

/** On load, a refresh cookie signs the person in again; without one, the sign-in page. */
export function SessionGate({ children }: { children: ReactNode }) {
  const state = useSession();
  const queries = useQueryClient();
  useEffect(() => {
    if (session.state.status === 'unknown') void session.resume();
  }, []);
  useEffect(() => {
    if (state.status === 'signed-out') {
      queries.clear();
      forgetEtags();
    }
  }, [state.status, queries]);
  if (state.status === 'unknown') return <Loading what="サインイン状態を確認しています…" />;
  if (state.status === 'signed-out') return <SignInPage message={state.message} />;
  return <>{children}</>;
}
