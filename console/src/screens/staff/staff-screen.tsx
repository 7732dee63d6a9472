import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo, useSession } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime } from '../../format.ts';
import { ResetPasswordDialog } from './reset-password-dialog.tsx';
import { RoleDialog } from './role-dialog.tsx';
import { type RoleRow, type StaffRow, useRoleName } from './roles.ts';
import { StaffDialog } from './staff-dialog.tsx';
import { useDeleteRole, useRoles, useStaffList, useUpdateStaff } from './staff-queries.ts';

/**
 * Staff and roles: the program's staff (name, login, role, stores, status, last sign-in) with
 * add / change / disable / reset password for staff:manage; the roles, built-in ones read-only
 * and custom ones edited in a permission matrix (roles:manage), deleted when nobody holds them.
 */
export default function StaffScreen() {
  const { t } = useTranslation();
  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('staff.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('staff.intro')}</Typography.Text>
        </div>
      </div>
      <Card>
        <Tabs
          items={[
            { key: 'staff', label: t('staff.tabs.staff'), children: <StaffTab /> },
            { key: 'roles', label: t('staff.tabs.roles'), children: <RolesTab /> },
          ]}
        />
      </Card>
    </>
  );
}

function StaffTab() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const { session } = useSession();
  const staff = useStaffList();
  const roles = useRoles();
  const roleName = useRoleName();
  const canManage = useCanDo('staff', 'manage');
  const update = useUpdateStaff();
  const [dialog, setDialog] = useState<{ editing: StaffRow | null } | null>(null);
  const [resetting, setResetting] = useState<StaffRow | null>(null);
  const roleList = roles.data?.data ?? [];

  const createButton = canManage && (
    <Button
      type="primary"
      icon={<PlusOutlined />}
      onClick={() => setDialog({ editing: null })}
      data-testid="create-staff"
    >
      {t('staff.create')}
    </Button>
  );

  const confirmStatus = (row: StaffRow) => {
    const disabling = row.status === 'active';
    modal.confirm({
      title: t(disabling ? 'staff.disableTitle' : 'staff.enableTitle', { name: row.name }),
      content: t(disabling ? 'staff.disableBody' : 'staff.enableBody', {
        login: row.login,
        role: roleName(row.role, roleList),
      }),
      okText: t(disabling ? 'staff.disable' : 'staff.enable'),
      okButtonProps: { danger: disabling },
      cancelText: t('common.cancel'),
      onOk: () =>
        update
          .mutateAsync({ staffId: row.id, body: { status: disabling ? 'disabled' : 'active' } })
          .then(() =>
            message.success(t(disabling ? 'staff.disabledDone' : 'staff.enabledDone', { name: row.name })),
          )
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });
  };

  if (staff.isError) return <ErrorState error={staff.error} onRetry={() => staff.refetch()} />;
  if (!staff.isPending && staff.data.data.length === 0) {
    return <EmptyState title={t('staff.empty')} hint={t('staff.emptyHint')} action={createButton} />;
  }
  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>{createButton}</div>
      <Table<StaffRow>
        rowKey="id"
        loading={staff.isPending}
        dataSource={staff.data?.data ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 960 }}
        data-testid="staff-table"
        columns={[
          {
            title: t('staff.columns.name'),
            width: 120,
            dataIndex: 'name',
            render: (name: string, row) => (
              <strong>
                {name}
                {row.id === session.staffId && (
                  <Typography.Text type="secondary"> {t('staff.you')}</Typography.Text>
                )}
              </strong>
            ),
          },
          { title: t('staff.columns.login'), dataIndex: 'login', width: 190 },
          {
            title: t('staff.columns.role'),
            width: 110,
            dataIndex: 'role',
            render: (role: string) => <Tag>{roleName(role, roleList)}</Tag>,
          },
          {
            title: t('staff.columns.stores'),
            dataIndex: 'storeIds',
            width: 100,
            render: (stores: string[]) =>
              stores.length === 0 ? (
                <Typography.Text type="secondary" className="nowrap">
                  {t('staff.allStores')}
                </Typography.Text>
              ) : (
                <Space size={[0, 4]} wrap>
                  {stores.map((store) => (
                    <Tag key={store}>{store}</Tag>
                  ))}
                </Space>
              ),
          },
          {
            title: t('staff.columns.status'),
            dataIndex: 'status',
            width: 120,
            render: (status: StaffRow['status'], row: StaffRow) => (
              <Space size={[0, 4]} wrap>
                {status === 'active' ? (
                  <Tag color="green">{t('staff.active')}</Tag>
                ) : (
                  <Tag>{t('staff.disabled')}</Tag>
                )}
                {row.totpEnabled && <Tag color="blue">{t('staff.columns.totp')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('staff.columns.lastLogin'),
            dataIndex: 'lastLoginAt',
            width: 120,
            render: (at: string | null) => (at ? formatDateTime(at) : t('staff.neverSignedIn')),
          },
          ...(canManage
            ? [
                {
                  title: t('staff.columns.actions'),
                  key: 'actions',
                  width: 210,
                  fixed: 'right' as const,
                  render: (_: unknown, row: StaffRow) =>
                    row.id !== session.staffId && (
                      <Space size={0}>
                        <Button
                          type="link"
                          size="small"
                          onClick={() => setDialog({ editing: row })}
                          data-testid={`edit-${row.login}`}
                        >
                          {t('staff.edit')}
                        </Button>
                        <Button type="link" size="small" onClick={() => setResetting(row)}>
                          {t('staff.resetPassword')}
                        </Button>
                        <Button
                          type="link"
                          size="small"
                          danger={row.status === 'active'}
                          onClick={() => confirmStatus(row)}
                        >
                          {row.status === 'active' ? t('staff.disable') : t('staff.enable')}
                        </Button>
                      </Space>
                    ),
                },
              ]
            : []),
        ]}
      />
      <StaffDialog open={dialog !== null} editing={dialog?.editing ?? null} onClose={() => setDialog(null)} />
      <ResetPasswordDialog staff={resetting} onClose={() => setResetting(null)} />
    </>
  );
}

function RolesTab() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const roles = useRoles();
  const roleName = useRoleName();
  const canManage = useCanDo('staff', 'roles');
  const remove = useDeleteRole();
  const [open, setOpen] = useState<{ role: RoleRow | null } | null>(null);
  const list = roles.data?.data ?? [];

  const confirmDelete = (role: RoleRow) =>
    modal.confirm({
      title: t('staff.roles.deleteTitle', { name: role.name }),
      content: t('staff.roles.deleteBody'),
      okText: t('staff.roles.delete'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        remove
          .mutateAsync(role.id)
          .then(() => message.success(t('staff.roles.deleted', { name: role.name })))
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });

  if (roles.isError) return <ErrorState error={roles.error} onRetry={() => roles.refetch()} />;
  return (
    <>
      {canManage && (
        <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 12 }}>
          <Button
            type="primary"
            icon={<PlusOutlined />}
            onClick={() => setOpen({ role: null })}
            data-testid="create-role"
          >
            {t('staff.roles.create')}
          </Button>
        </div>
      )}
      <Table<RoleRow>
        rowKey="id"
        loading={roles.isPending}
        dataSource={list}
        pagination={false}
        scroll={{ x: 720 }}
        data-testid="roles-table"
        columns={[
          {
            title: t('staff.roles.name'),
            key: 'name',
            render: (_: unknown, role) => <strong>{roleName(role.id, list)}</strong>,
          },
          {
            title: t('staff.columns.status'),
            dataIndex: 'builtIn',
            render: (builtIn: boolean) =>
              builtIn ? (
                <Tag>{t('staff.roles.builtIn')}</Tag>
              ) : (
                <Tag color="blue">{t('staff.roles.custom')}</Tag>
              ),
          },
          {
            title: t('staff.roles.matrix'),
            dataIndex: 'permissions',
            render: (permissions: string[]) => t('staff.roles.permissions', { count: permissions.length }),
          },
          {
            title: t('staff.columns.actions'),
            key: 'actions',
            render: (_: unknown, role) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => setOpen({ role })} data-testid={`role-${role.id}`}>
                  {canManage && !role.builtIn ? t('staff.roles.edit') : t('staff.roles.view')}
                </Button>
                {canManage && !role.builtIn && (
                  <Button size="small" danger onClick={() => confirmDelete(role)}>
                    {t('staff.roles.delete')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <RoleDialog
        open={open !== null}
        role={open?.role ?? null}
        canManage={canManage}
        onClose={() => setOpen(null)}
        onSaved={(name) => message.success(t('staff.roles.saved', { name }))}
      />
    </>
  );
}
