import { DownOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Button, Dropdown, Layout, Menu, Select, Space, Typography } from 'antd';
import { Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { canSee } from '../access.ts';
import { useJifen } from '../api/jifen.tsx';
import { problemMessage } from '../api/problem-message.ts';
import { SESSION_QUERY, type SessionState, startSession, useSession } from '../api/session.tsx';
import { LanguageSwitch } from '../components/language-switch.tsx';
import { LoadingState } from '../components/states.tsx';
import { SCREENS } from '../routes.tsx';
import { NoticesBell } from './notices-bell.tsx';

const { Header, Sider, Content } = Layout;

/** The signed-in frame: the menu of the screens this role may see, the header, the screen. */
export function Shell() {
  const { t } = useTranslation();
  const { permissions } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const visible = SCREENS.filter((screen) => canSee(permissions, screen.id));
  const selected = visible.find(
    (screen) => location.pathname === screen.path || location.pathname.startsWith(`${screen.path}/`),
  );

  return (
    <Layout className="shell">
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        width={208}
        theme="light"
        className="shell-sider"
      >
        <div className="brand">{collapsed ? t('app.short') : t('app.name')}</div>
        <Menu
          mode="inline"
          data-testid="main-menu"
          selectedKeys={selected ? [selected.id] : []}
          items={visible.map((screen) => ({
            key: screen.id,
            icon: screen.icon,
            label: t(`nav.${screen.id}`),
            onClick: () => navigate(screen.path),
          }))}
        />
      </Sider>
      <Layout>
        <Header className="shell-header">
          <ProgramSwitch />
          <Space size="middle">
            <NoticesBell />
            <LanguageSwitch testId="language-switch" />
            <UserMenu />
          </Space>
        </Header>
        <Content className="shell-content">
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}

/** The program of the session; a switch when the person is staff of several (the session lists them). */
function ProgramSwitch() {
  const { t } = useTranslation();
  const { session } = useSession();
  const jifen = useJifen();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const { programs } = session;
  const switchTo = useMutation({
    mutationFn: (programId: string) => jifen.call('switchProgram', { body: { programId } }),
    onSuccess: (signedIn) => {
      startSession(queryClient, signedIn.session);
      message.success(t('shell.switched', { name: signedIn.session.programName }));
      navigate('/');
    },
    onError: (error) => message.error(problemMessage(t, error)),
  });
  if (programs.length < 2) {
    return (
      <Typography.Text strong data-testid="program-name">
        {session.programName}
      </Typography.Text>
    );
  }
  return (
    <Select
      aria-label={t('shell.switchProgram')}
      data-testid="program-switch"
      value={session.programId}
      loading={switchTo.isPending}
      style={{ minWidth: 200 }}
      options={programs.map((program) => ({ value: program.programId, label: program.programName }))}
      onChange={(programId) => switchTo.mutate(programId)}
    />
  );
}

function UserMenu() {
  const { t } = useTranslation();
  const { session } = useSession();
  const jifen = useJifen();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const signOut = async () => {
    try {
      await jifen.call('logout', {});
    } catch {
      // An ended session is signed out already.
    }
    queryClient.clear();
    queryClient.setQueryData<SessionState>(SESSION_QUERY, { session: null, ended: false });
    message.info(t('shell.signedOut'));
    navigate('/sign-in', { replace: true });
  };
  return (
    <Dropdown
      menu={{
        items: [
          { key: 'role', label: t('shell.role', { role: session.role }), disabled: true },
          { type: 'divider' },
          { key: 'sign-out', icon: <LogoutOutlined />, label: t('shell.signOut'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'sign-out') void signOut();
        },
      }}
    >
      <Button type="text" icon={<UserOutlined />} data-testid="user-menu">
        {session.name} <DownOutlined />
      </Button>
    </Dropdown>
  );
}
