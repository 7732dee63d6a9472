import { JifenError } from '@jifen/sdk';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, Button, ConfigProvider, Result } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ACCESS, canSee, type ScreenId } from './access.ts';
import { JifenProvider, sessionClient } from './api/jifen.tsx';
import { isSessionEnded } from './api/problem-message.ts';
import { endSession, RequireSession, useSession } from './api/session.tsx';
import { LoadingState } from './components/states.tsx';
import { Shell } from './layout/shell.tsx';
import { FirstRunScreen, SCREENS, SignInScreen } from './routes.tsx';

const jifen = sessionClient();

/** Who asked their system for less motion gets dialogs and menus without animation. */
const REDUCED_MOTION = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;

/**
 * Every query and mutation goes through here: a 401 that says the session is over (expired,
 * ended elsewhere) sends the console back to sign-in, which brings the staff member back after.
 */
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (query.queryKey[0] !== 'session' && isSessionEnded(error)) endSession(queryClient);
    },
  }),
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      // Sign-in and first run are outside any session: their 401s are answers for the form.
      if (mutation.meta?.outsideSession !== true && isSessionEnded(error)) endSession(queryClient);
    },
  }),
  defaultOptions: {
    queries: {
      // A refusal (4xx) is an answer; only network errors and 5xx are worth a second try.
      retry: (failures, error) => failures < 1 && !(error instanceof JifenError && error.status < 500),
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#c2410c', borderRadius: 6, motion: !REDUCED_MOTION } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <JifenProvider client={jifen}>
            <BrowserRouter basename="/console">
              <Suspense fallback={<LoadingState />}>
                <ConsoleRoutes />
              </Suspense>
            </BrowserRouter>
          </JifenProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}

function ConsoleRoutes() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInScreen />} />
      <Route path="/first-run" element={<FirstRunScreen />} />
      <Route
        element={
          <RequireSession>
            <Shell />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        {SCREENS.map(({ id, path, screen: Screen }) => (
          <Route
            key={id}
            path={`${path}/*`}
            element={
              <ScreenGate screen={id}>
                <Screen />
              </ScreenGate>
            }
          />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

/** The start page: the first screen this role may see. */
function Home() {
  const { t } = useTranslation();
  const { permissions } = useSession();
  const first = SCREENS.find((screen) => canSee(permissions, screen.id));
  if (first) return <Navigate to={first.path} replace />;
  return <Result status="info" title={t('access.nothingVisible')} />;
}

/** A screen this role may not see answers 403, whether reached by the menu or a link. */
function ScreenGate({ screen, children }: { screen: ScreenId; children: React.ReactNode }) {
  const { t } = useTranslation();
  const { permissions, session } = useSession();
  const navigate = useNavigate();
  if (canSee(permissions, screen)) return children;
  return (
    <div data-testid="forbidden">
      <Result
        status="403"
        title={t('access.forbiddenTitle')}
        subTitle={t('access.forbidden', { role: session.role, permissions: ACCESS[screen].see.join(', ') })}
        extra={
          <Button type="primary" onClick={() => navigate('/')}>
            {t('access.home')}
          </Button>
        }
      />
    </div>
  );
}

function NotFound() {
  const { t } = useTranslation();
  const location = useLocation();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      subTitle={t('notFound.body', { path: location.pathname })}
    />
  );
}
