import { CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Card, Col, Row, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useConditionWords } from '../../../components/condition-builder/condition-text.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { useLocalized } from '../../../i18n/localized-text.ts';
import type { MemberSegments, SegmentCheck } from '../../segments/segment-types.ts';
import { useMemberSegments, useSegmentFields } from '../../segments/segments-queries.ts';
import { useValueOptions } from '../../segments/value-options.ts';

type Membership = MemberSegments['segments'][number];

/** The member's lifecycle stage, RFM scores, and each segment they are in with why (its checks). */
export function SegmentsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const answer = useMemberSegments(memberId);
  if (answer.isError) return <ErrorState error={answer.error} onRetry={() => answer.refetch()} />;
  if (answer.isPending) return <LoadingState />;
  const { stage, rfm, computedAt, segments } = answer.data;
  const memberships = segments.filter((segment) => segment.kind === 'rule');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="member-segments">
      <Row gutter={[12, 12]} data-testid="member-rfm">
        <Figure title={t('members.segments.stage')}>
          {stage ? (
            <Tag color="purple" style={{ fontSize: 14, padding: '2px 10px' }} data-testid="member-stage">
              {t(`segments.stages.stage_${stage}` as 'segments.stages.stage_new', { defaultValue: stage })}
            </Tag>
          ) : (
            <Typography.Text type="secondary">{t('segments.notComputed')}</Typography.Text>
          )}
        </Figure>
        <Figure title={t('members.segments.recency')} score={rfm?.recency ?? null}>
          {rfm?.recencyDays === null || rfm === null
            ? t('members.segments.neverOrdered')
            : t('members.segments.recencyDays', { days: formatNumber(rfm.recencyDays) })}
        </Figure>
        <Figure title={t('members.segments.frequency')} score={rfm?.frequency ?? null}>
          {t('members.segments.orders', { orders: formatNumber(rfm?.orders ?? 0) })}
        </Figure>
        <Figure title={t('members.segments.monetary')} score={rfm?.monetary ?? null}>
          {t('conditionBuilder.yuanAmount', { amount: ((rfm?.spendMinor ?? 0) / 100).toFixed(2) })}
        </Figure>
      </Row>
      <Typography.Text type="secondary">
        {t('members.segments.computedAt', { at: formatDateTime(computedAt) })}
      </Typography.Text>
      {memberships.length === 0 ? (
        <EmptyState title={t('members.segments.none')} hint={t('members.segments.noneHint')} />
      ) : (
        memberships.map((membership) => <MembershipCard key={membership.id} membership={membership} />)
      )}
    </Space>
  );
}

/** One figure of the member's standing: its title, a score (1–5) where it has one, and what it stands on. */
function Figure({
  title,
  score,
  children,
}: {
  title: string;
  score?: number | null;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Col xs={12} md={6}>
      <Card size="small" style={{ height: '100%' }}>
        <Typography.Text type="secondary">{title}</Typography.Text>
        <div style={{ marginTop: 6 }}>
          {score !== undefined && (
            <strong style={{ fontSize: 20, marginInlineEnd: 8 }}>
              {score === null ? '—' : t('members.segments.score', { score })}
            </strong>
          )}
          {score === undefined ? children : <Typography.Text type="secondary">{children}</Typography.Text>}
        </div>
      </Card>
    </Col>
  );
}

function MembershipCard({ membership }: { membership: Membership }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const fields = useSegmentFields();
  const words = useConditionWords(fields.data ?? [], useValueOptions());
  return (
    <Card
      size="small"
      data-testid={`membership-${membership.id}`}
      title={
        <Space>
          <Link to={`/segments/${encodeURIComponent(membership.id)}`}>{localized(membership.name)}</Link>
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {membership.since && t('members.segments.since', { at: formatDateTime(membership.since) })}
          </Typography.Text>
        </Space>
      }
    >
      <Table<SegmentCheck>
        size="small"
        pagination={false}
        rowKey={(check) => `${check.field} ${check.op} ${JSON.stringify(check.value)}`}
        dataSource={membership.checks}
        locale={{ emptyText: t('members.segments.noChecks') }}
        scroll={{ x: 640 }}
        columns={[
          {
            title: t('members.segments.check'),
            key: 'check',
            render: (_, check) => words.comparison(check.field, check.op, check.value),
          },
          {
            title: t('members.segments.actual'),
            key: 'actual',
            render: (_, check) => words.value(check.field, check.actual),
          },
          {
            title: t('members.segments.result'),
            dataIndex: 'ok',
            width: 90,
            render: (ok: boolean) =>
              ok ? (
                <Tag icon={<CheckCircleFilled />} color="success">
                  {t('members.segments.holds')}
                </Tag>
              ) : (
                <Tag icon={<CloseCircleFilled />} color="default">
                  {t('members.segments.fails')}
                </Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
