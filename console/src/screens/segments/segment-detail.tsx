import { ArrowLeftOutlined, DeleteOutlined, DownloadOutlined, EditOutlined } from '@ant-design/icons';
import { JifenError } from '@jifen/sdk';
import { App, Button, type ButtonProps, Card, Col, Descriptions, Row, Space, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { problemMessage } from '../../api/problem-message.ts';
import { useCanDo } from '../../api/session.tsx';
import { ConditionText } from '../../components/condition-builder/condition-text.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocalized } from '../../i18n/localized-text.ts';
import { PagedTable, type PagesOf } from '../members/cursor-paged-table.tsx';
import type { Segment, SegmentMember } from './segment-types.ts';
import {
  useArchiveSegment,
  useExportSegmentMembers,
  useSegment,
  useSegmentFields,
  useSegmentMembers,
  useSegmentSizes,
} from './segments-queries.ts';
import { useValueOptions } from './value-options.ts';

const SizeChart = lazy(() => import('./size-chart.tsx'));

/** How far back the size chart reaches. */
const CHART_DAYS = 90;

/** A date as YYYY-MM-DD in the browser's calendar. */
function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** One segment: its definition in words, its size over time, its members (and their CSV), edit and archive. */
export function SegmentDetail() {
  const { t } = useTranslation();
  const segmentId = useParams().segmentId ?? '';
  const segment = useSegment(segmentId);
  const back = (
    <Link to="/segments" data-testid="back-to-segments">
      <ArrowLeftOutlined /> {t('segments.detail.back')}
    </Link>
  );
  if (segment.isPending) return <LoadingState />;
  if (segment.isError) {
    const missing = segment.error instanceof JifenError && segment.error.status === 404;
    return (
      <>
        {back}
        <Card style={{ marginTop: 16 }}>
          {missing ? (
            <EmptyState title={t('segments.detail.notFound', { segmentId })} />
          ) : (
            <ErrorState error={segment.error} onRetry={() => segment.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return <SegmentView segment={segment.data} back={back} />;
}

function SegmentView({ segment, back }: { segment: Segment; back: React.ReactNode }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const navigate = useNavigate();
  const localized = useLocalized();
  const canManage = useCanDo('segments', 'manage');
  const archive = useArchiveSegment();
  const exportCsv = useExportSegmentMembers();
  const editable = canManage && segment.kind === 'rule' && segment.status === 'active';

  const confirmArchive = () =>
    modal.confirm({
      title: t('segments.archive.title', { name: localized(segment.name) }),
      content: t('segments.archive.body'),
      okText: t('segments.archive.confirm'),
      okButtonProps: { danger: true, 'data-testid': 'archive-confirm' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: () =>
        archive
          .mutateAsync(segment.id)
          .then(() => {
            message.success(t('segments.archive.done', { name: localized(segment.name) }));
            navigate('/segments');
          })
          .catch((error: unknown) => message.error(problemMessage(t, error))),
    });

  const download = () =>
    exportCsv.mutate(segment.id, {
      onSuccess: (csv) => {
        const file = `segment-${segment.id}-${isoDate(new Date())}.csv`;
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
        const link = document.createElement('a');
        link.href = url;
        link.download = file;
        link.click();
        URL.revokeObjectURL(url);
        message.success(t('segments.detail.exported', { file }));
      },
      onError: (error) => message.error(problemMessage(t, error)),
    });

  return (
    <>
      {back}
      <div className="screen-header" style={{ marginTop: 12, flexWrap: 'wrap' }}>
        <div>
          <Space align="center" wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="segment-name">
              {localized(segment.name)}
            </Typography.Title>
            <Tag color={segment.kind === 'stage' ? 'purple' : 'blue'}>
              {t(`segments.kinds.${segment.kind}`)}
            </Tag>
            <Tag color={segment.status === 'active' ? 'green' : 'default'}>
              {t(`segments.statuses.${segment.status}`)}
            </Tag>
          </Space>
          <div style={{ marginTop: 4 }}>
            <Typography.Text type="secondary" copyable={{ text: segment.id }}>
              {segment.id}
            </Typography.Text>
          </div>
        </div>
        <Space wrap>
          <Button
            icon={<DownloadOutlined />}
            onClick={download}
            loading={exportCsv.isPending}
            data-testid="export-segment"
          >
            {t('segments.detail.export')}
          </Button>
          {editable && (
            <>
              <Button
                icon={<EditOutlined />}
                onClick={() => navigate(`/segments/${encodeURIComponent(segment.id)}/edit`)}
                data-testid="edit-segment"
              >
                {t('segments.detail.edit')}
              </Button>
              <Button danger icon={<DeleteOutlined />} onClick={confirmArchive} data-testid="archive-segment">
                {t('segments.archive.button')}
              </Button>
            </>
          )}
        </Space>
      </div>
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={10}>
          <DefinitionCard segment={segment} />
        </Col>
        <Col xs={24} lg={14}>
          <SizeCard segment={segment} />
        </Col>
      </Row>
      <Card title={t('segments.detail.members')}>
        <MembersTable segmentId={segment.id} />
      </Card>
    </>
  );
}

function DefinitionCard({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const fields = useSegmentFields(segment.condition !== null);
  const valueOptions = useValueOptions();
  return (
    <Card title={t('segments.detail.definition')} style={{ height: '100%' }}>
      <Descriptions column={1} size="small" data-testid="segment-definition">
        {segment.description && (
          <Descriptions.Item label={t('segments.detail.description')}>
            {segment.description}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('segments.detail.condition')}>
          {segment.condition === null ? (
            <Typography.Text>
              {t(`segments.stageRules.${segment.id}` as 'segments.stageRules.stage_new', {
                defaultValue: t('segments.detail.stageRule'),
              })}
            </Typography.Text>
          ) : fields.isError ? (
            <ErrorState error={fields.error} onRetry={() => fields.refetch()} />
          ) : (
            <ConditionText
              condition={segment.condition}
              fields={fields.data ?? []}
              valueOptions={valueOptions}
            />
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('segments.detail.size')}>
          {segment.size === null ? (
            t('segments.notComputed')
          ) : (
            <strong data-testid="segment-detail-size">{formatNumber(segment.size)}</strong>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('segments.detail.computedAt')}>
          {formatDateTime(segment.computedAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('segments.detail.updatedAt')}>
          {formatDateTime(segment.updatedAt)}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function SizeCard({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const from = useMemo(() => {
    const start = new Date();
    start.setDate(start.getDate() - (CHART_DAYS - 1));
    return isoDate(start);
  }, []);
  const sizes = useSegmentSizes(segment.id, from);
  return (
    <Card
      title={t('segments.detail.sizeOverTime')}
      extra={
        <Typography.Text type="secondary">
          {t('segments.detail.sizeWindow', { days: CHART_DAYS })}
        </Typography.Text>
      }
      style={{ height: '100%' }}
    >
      {sizes.isError ? (
        <ErrorState error={sizes.error} onRetry={() => sizes.refetch()} />
      ) : sizes.isPending ? (
        <LoadingState />
      ) : sizes.data.length === 0 ? (
        <EmptyState title={t('segments.detail.noSizes')} hint={t('segments.detail.noSizesHint')} />
      ) : (
        <Suspense fallback={<LoadingState />}>
          <SizeChart points={sizes.data} seriesName={t('segments.detail.members')} />
        </Suspense>
      )}
    </Card>
  );
}

function MembersTable({ segmentId }: { segmentId: string }) {
  const { t } = useTranslation();
  const pages = useSegmentMembers(segmentId);
  return (
    <PagedTable<SegmentMember>
      pages={pages as unknown as PagesOf<SegmentMember>}
      rowKey="memberId"
      empty={t('segments.detail.noMembers')}
      emptyHint={t('segments.detail.noMembersHint')}
      testId="segment-members-table"
      columns={[
        {
          title: t('segments.detail.memberId'),
          dataIndex: 'memberId',
          render: (memberId: string) => (
            <Link to={`/members/${encodeURIComponent(memberId)}`} className="nowrap">
              {memberId}
            </Link>
          ),
        },
        { title: t('segments.detail.since'), dataIndex: 'since', render: formatDateTime },
      ]}
    />
  );
}
