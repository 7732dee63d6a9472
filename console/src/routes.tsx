import {
  ApartmentOutlined,
  AuditOutlined,
  CheckSquareOutlined,
  KeyOutlined,
  SettingOutlined,
  TeamOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { type ComponentType, type LazyExoticComponent, lazy, type ReactNode } from 'react';
import type { ScreenId } from './access.ts';

/**
 * The console's screens, in menu order: one entry each, its path under /console/, its menu icon
 * and label (nav.<id> in the catalogues), and its module, loaded when first opened (each screen
 * is its own chunk). Who may open it is in access.ts under the same id.
 *
 * To add a screen: a module under screens/<area>/ with a default export, an entry here, an entry
 * in access.ts, nav.<id> in i18n/zh-CN.ts and i18n/en.ts, and the screen's own messages in
 * screens/<area>/messages.zh-CN.ts and messages.en.ts (spread into the catalogues there).
 */
export interface ScreenRoute {
  id: ScreenId;
  /** Under /console/; the screen's own sub-paths (a member's page) are below it. */
  path: string;
  icon: ReactNode;
  screen: LazyExoticComponent<ComponentType>;
}

export const SCREENS: readonly ScreenRoute[] = [
  {
    id: 'members',
    path: '/members',
    icon: <TeamOutlined />,
    screen: lazy(() => import('./screens/members/members-screen.tsx')),
  },
  {
    id: 'segments',
    path: '/segments',
    icon: <ApartmentOutlined />,
    screen: lazy(() => import('./screens/segments/segments-screen.tsx')),
  },
  {
    id: 'approvals',
    path: '/approvals',
    icon: <CheckSquareOutlined />,
    screen: lazy(() => import('./screens/approvals/approvals-screen.tsx')),
  },
  {
    id: 'staff',
    path: '/staff',
    icon: <UserSwitchOutlined />,
    screen: lazy(() => import('./screens/staff/staff-screen.tsx')),
  },
  {
    id: 'audit',
    path: '/audit',
    icon: <AuditOutlined />,
    screen: lazy(() => import('./screens/audit/audit-screen.tsx')),
  },
  {
    id: 'apiKeys',
    path: '/api-keys',
    icon: <KeyOutlined />,
    screen: lazy(() => import('./screens/api-keys/api-keys-screen.tsx')),
  },
  {
    id: 'settings',
    path: '/settings',
    icon: <SettingOutlined />,
    screen: lazy(() => import('./screens/settings/settings-screen.tsx')),
  },
];

/** The screens outside the signed-in shell. */
export const SignInScreen = lazy(() => import('./screens/sign-in/sign-in-screen.tsx'));
export const FirstRunScreen = lazy(() => import('./screens/first-run/first-run-screen.tsx'));
