import type { Output } from '@jifen/sdk';
import { useTranslation } from 'react-i18next';
import { useRoles } from './staff-queries.ts';

export type StaffRow = Output<'listStaff'>['data'][number];
export type RoleRow = Output<'listRoles'>['data'][number];

const BUILT_IN = [
  'owner',
  'admin',
  'operator',
  'customer_service',
  'finance',
  'auditor',
  'store_clerk',
] as const;

function isBuiltIn(id: string): id is (typeof BUILT_IN)[number] {
  return (BUILT_IN as readonly string[]).includes(id);
}

/** A role's name in the console's language: a built-in one translated, a custom one as named. */
export function useRoleName(): (id: string, roles?: readonly RoleRow[]) => string {
  const { t } = useTranslation();
  return (id, roles) =>
    isBuiltIn(id) ? t(`staff.roles.names.${id}`) : (roles?.find((role) => role.id === id)?.name ?? id);
}

/** The roles to choose from: the built-in ones, then the custom ones. */
export function useRoleOptions() {
  const roles = useRoles();
  const roleName = useRoleName();
  const list = roles.data?.data ?? [];
  return list.map((role) => ({ value: role.id, label: roleName(role.id, list) }));
}
