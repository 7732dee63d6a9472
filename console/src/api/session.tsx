import { JifenError, type Output } from '@jifen/sdk';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { Spin } from 'antd';
import { createContext, type ReactNode, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation } from 'react-router';
import { type ActionOf, canDo, type ScreenId } from '../access.ts';
import { ErrorState } from '../components/states.tsx';
import { useJifen } from './jifen.tsx';

export type SessionView = NonNullable<Output<'getSession'>['session']>;

/** What the console knows of its session: signed in, or not (and whether it was and ended). */
export interface SessionState {
  session: SessionView | null;
  /** The session ended while in use (expired, signed out elsewhere): sign-in says so. */
  ended: boolean;
}

export const SESSION_QUERY = ['session'] as const;

/** Called by the query client on any 401 of a session call: back to sign-in, then back here. */
export function endSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY[0] });
  queryClient.setQueryData<SessionState>(SESSION_QUERY, { session: null, ended: true });
}

/** After sign-in or a program switch: the new session, and nothing cached of the old one. */
export function startSession(queryClient: QueryClient, session: SessionView): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY[0] });
  queryClient.setQueryData<SessionState>(SESSION_QUERY, { session, ended: false });
}

export interface SignedInSession {
  session: SessionView;
  permissions: ReadonlySet<string>;
}

const SessionContext = createContext<SignedInSession | null>(null);

/** The signed-in staff member's session and permissions (inside <RequireSession>). */
export function useSession(): SignedInSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <RequireSession>');
  return session;
}

/** The session as /v1/auth/session tells it; a 401 there means "not signed in". */
export function useSessionState() {
  const jifen = useJifen();
  return useQuery({
    queryKey: SESSION_QUERY,
    queryFn: async (): Promise<SessionState> => {
      try {
        const who = await jifen.call('getSession', {});
        return { session: who.session, ended: false };
      } catch (error) {
        if (error instanceof JifenError && error.status === 401) {
          return { session: null, ended: error.code !== 'unauthenticated' };
        }
        throw error;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

/** Where sign-in goes back to: a path of the console, never another site. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** Renders its children for a signed-in staff member; anyone else goes to sign-in (and comes back). */
export function RequireSession({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const location = useLocation();
  const state = useSessionState();
  if (state.isPending) {
    return (
      <div className="centered">
        <Spin tip={t('session.checking')} size="large">
          <div style={{ width: 200, height: 80 }} />
        </Spin>
      </div>
    );
  }
  if (state.isError) return <ErrorState error={state.error} onRetry={() => state.refetch()} />;
  const session = state.data?.session ?? null;
  if (!session) {
    const next = `${location.pathname}${location.search}`;
    const params = new URLSearchParams();
    if (next !== '/') params.set('next', next);
    if (state.data?.ended) params.set('ended', '1');
    const query = params.toString();
    return <Navigate to={`/sign-in${query ? `?${query}` : ''}`} replace />;
  }
  return (
    <SessionContext.Provider value={{ session, permissions: new Set(session.permissions) }}>
      {children}
    </SessionContext.Provider>
  );
}

/** Whether the signed-in role may do one of a screen's actions (access.ts): `useCanDo('apiKeys', 'manage')`. */
export function useCanDo<S extends ScreenId>(screen: S, action: ActionOf<S>): boolean {
  return canDo(useSession().permissions, screen, action);
}
