import { PlusOutlined, SettingOutlined, SyncOutlined } from '@ant-design/icons';
import { App, Button, Card, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocalized } from '../../i18n/localized-text.ts';
import { SmallNote } from '../members/cell-note.tsx';
import { SegmentSettingsDialog } from './segment-settings-dialog.tsx';
import type { Segment } from './segment-types.ts';
import { useRecomputeSegments, useSegments } from './segments-queries.ts';

/**
 * Segments: the lifecycle stages and the program's own segments with their sizes; recompute now,
 * the lifecycle and RFM settings, and a new segment, for a role with segments:write.
 */
export function SegmentList() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [status, setStatus] = useState<'active' | 'archived'>('active');
  const segments = useSegments(status);
  const canManage = useCanDo('segments', 'manage');
  const recompute = useRecomputeSegments();
  const [settingsOpen, setSettingsOpen] = useState(false);

  const recomputeNow = () =>
    recompute.mutate(undefined, {
      onSuccess: (answer) =>
        message.success(
          t('segments.recomputed', {
            members: formatNumber(answer.members),
            segments: formatNumber(answer.segments.length),
          }),
        ),
      onError: (error) => message.error(problemMessage(t, error)),
    });

  return (
    <>
      <div className="screen-header" style={{ flexWrap: 'wrap' }}>
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('segments.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('segments.intro')}</Typography.Text>
        </div>
        <Space wrap>
          <Button
            icon={<SettingOutlined />}
            onClick={() => setSettingsOpen(true)}
            data-testid="segment-settings"
          >
            {t('segments.settings.open')}
          </Button>
          {canManage && (
            <>
              <Button
                icon={<SyncOutlined spin={recompute.isPending} />}
                onClick={recomputeNow}
                loading={recompute.isPending}
                data-testid="recompute-segments"
              >
                {t('segments.recompute')}
              </Button>
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => navigate('/segments/new')}
                data-testid="create-segment"
              >
                {t('segments.create')}
              </Button>
            </>
          )}
        </Space>
      </div>
      <Card>
        <Segmented
          value={status}
          onChange={(value) => setStatus(value as 'active' | 'archived')}
          options={[
            { value: 'active', label: t('segments.statuses.active') },
            { value: 'archived', label: t('segments.statuses.archived') },
          ]}
          style={{ marginBottom: 16 }}
          data-testid="segment-status-filter"
        />
        {segments.isError ? (
          <ErrorState error={segments.error} onRetry={() => segments.refetch()} />
        ) : !segments.isPending && segments.data.data.length === 0 ? (
          <EmptyState
            title={status === 'active' ? t('segments.empty') : t('segments.emptyArchived')}
            hint={status === 'active' ? t('segments.emptyHint') : undefined}
          />
        ) : (
          <SegmentTable segments={segments.data?.data ?? []} loading={segments.isPending} />
        )}
      </Card>
      <SegmentSettingsDialog
        open={settingsOpen}
        canManage={canManage}
        onClose={() => setSettingsOpen(false)}
      />
    </>
  );
}

function SegmentTable({ segments, loading }: { segments: Segment[]; loading: boolean }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <Table<Segment>
      rowKey="id"
      loading={loading}
      dataSource={segments}
      pagination={false}
      scroll={{ x: 860 }}
      data-testid="segments-table"
      columns={[
        {
          title: t('segments.columns.name'),
          key: 'name',
          render: (_, segment) => (
            <Space direction="vertical" size={0}>
              <Link to={`/segments/${encodeURIComponent(segment.id)}`} data-testid={`segment-${segment.id}`}>
                {localized(segment.name)}
              </Link>
              <SmallNote>{segment.id}</SmallNote>
            </Space>
          ),
        },
        {
          title: t('segments.columns.kind'),
          dataIndex: 'kind',
          render: (kind: Segment['kind']) => (
            <Tag color={kind === 'stage' ? 'purple' : 'blue'}>{t(`segments.kinds.${kind}`)}</Tag>
          ),
        },
        {
          title: t('segments.columns.size'),
          dataIndex: 'size',
          align: 'right',
          render: (size: number | null) =>
            size === null ? (
              <Typography.Text type="secondary">{t('segments.notComputed')}</Typography.Text>
            ) : (
              <strong data-testid="segment-size">{formatNumber(size)}</strong>
            ),
        },
        {
          title: t('segments.columns.computedAt'),
          dataIndex: 'computedAt',
          render: (at: string | null) => (at ? formatDateTime(at) : '—'),
        },
        {
          title: t('segments.columns.status'),
          dataIndex: 'status',
          render: (status: Segment['status']) => (
            <Tag color={status === 'active' ? 'green' : 'default'}>{t(`segments.statuses.${status}`)}</Tag>
          ),
        },
      ]}
    />
  );
}
