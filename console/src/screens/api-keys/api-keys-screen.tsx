import { PlusOutlined } from '@ant-design/icons';
import type { ApiKey } from '@jifen/sdk';
import { App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useApiKeys, useRevokeApiKey } from './api-keys-queries.ts';
import { CreateKeyDialog } from './create-key-dialog.tsx';

/**
 * API keys: the program's keys with their scopes, limits and dates; create one (its secret shown
 * once) and revoke one, for a role with keys:manage. The pattern the console's screens follow:
 * data through `<area>-queries.ts`, loading / error / empty states from components/states.tsx,
 * actions behind access.ts, every string from the catalogues.
 */
export default function ApiKeysScreen() {
  const { t } = useTranslation();
  const keys = useApiKeys();
  const canManage = useCanDo('apiKeys', 'manage');
  const [creating, setCreating] = useState(false);
  const createButton = canManage && (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-key">
      {t('apiKeys.create')}
    </Button>
  );

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('apiKeys.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('apiKeys.intro')}</Typography.Text>
        </div>
        {createButton}
      </div>
      <Card>
        {keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => keys.refetch()} />
        ) : !keys.isPending && keys.data.data.length === 0 ? (
          <EmptyState title={t('apiKeys.empty')} hint={t('apiKeys.emptyHint')} action={createButton} />
        ) : (
          <KeyTable keys={keys.data?.data ?? []} loading={keys.isPending} canManage={canManage} />
        )}
      </Card>
      <CreateKeyDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

function KeyTable({ keys, loading, canManage }: { keys: ApiKey[]; loading: boolean; canManage: boolean }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const revoke = useRevokeApiKey();

  const confirmRevoke = (key: ApiKey) =>
    modal.confirm({
      title: t('apiKeys.revokeTitle', { name: key.name }),
      content: t('apiKeys.revokeBody', { prefix: key.prefix }),
      okText: t('apiKeys.revokeConfirm'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        revoke
          .mutateAsync(key.id)
          .then(() => message.success(t('apiKeys.revoked', { name: key.name })))
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });

  return (
    <Table<ApiKey>
      rowKey="id"
      loading={loading}
      dataSource={keys}
      pagination={false}
      scroll={{ x: 960 }}
      data-testid="api-keys-table"
      columns={[
        {
          title: t('apiKeys.columns.name'),
          dataIndex: 'name',
          render: (name: string) => <strong>{name}</strong>,
        },
        {
          title: t('apiKeys.columns.prefix'),
          dataIndex: 'prefix',
          render: (prefix: string) => (
            <Typography.Text code className="nowrap">
              {prefix}…
            </Typography.Text>
          ),
        },
        {
          title: t('apiKeys.columns.scopes'),
          dataIndex: 'scopes',
          render: (scopes: string[]) => (
            <Space size={[0, 4]} wrap>
              {scopes.map((scope) => (
                <Tag key={scope} color={scope === '*' ? 'gold' : undefined} title={scope}>
                  {t(`apiKeys.scopeNames.${scope}` as 'apiKeys.scopeNames.*', { defaultValue: scope })}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: t('apiKeys.columns.rateLimit'),
          dataIndex: 'rateLimitPerMinute',
          render: (limit: number | null) =>
            limit === null ? t('apiKeys.defaultRateLimit') : formatNumber(limit),
        },
        {
          title: t('apiKeys.columns.approval'),
          dataIndex: 'requiresApproval',
          render: (value: boolean) => (value ? t('common.yes') : t('common.no')),
        },
        {
          title: t('apiKeys.columns.createdAt'),
          dataIndex: 'createdAt',
          render: formatDateTime,
        },
        {
          title: t('apiKeys.columns.status'),
          dataIndex: 'revokedAt',
          render: (revokedAt: string | null) =>
            revokedAt === null ? (
              <Tag color="green">{t('apiKeys.active')}</Tag>
            ) : (
              <Tag title={t('apiKeys.revokedAt', { at: formatDateTime(revokedAt) })}>
                {t('apiKeys.statusRevoked')}
              </Tag>
            ),
        },
        ...(canManage
          ? [
              {
                title: t('apiKeys.columns.actions'),
                key: 'actions',
                render: (_: unknown, key: ApiKey) =>
                  key.revokedAt === null && (
                    <Button
                      danger
                      size="small"
                      onClick={() => confirmRevoke(key)}
                      data-testid={`revoke-${key.name}`}
                    >
                      {t('apiKeys.revoke')}
                    </Button>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}
