import { ArrowLeftOutlined } from '@ant-design/icons';
import { JifenError, type Member } from '@jifen/sdk';
import {
  Card,
  Col,
  Descriptions,
  List,
  Progress,
  Row,
  Space,
  Statistic,
  Tabs,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCanDo } from '../../api/session.tsx';
import { EmptyState, ErrorState, LoadingState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useLocalized } from './localized.ts';
import { MemberActions } from './member-actions.tsx';
import { MemberStatusTag } from './member-status.tsx';
import { useExpiryCalendar, useMember, useMemberTier, usePendingLots } from './members-queries.ts';
import { EventsTab } from './tabs/events-tab.tsx';
import { InboxTab } from './tabs/inbox-tab.tsx';
import { JournalTab } from './tabs/journal-tab.tsx';
import { LotsTab } from './tabs/lots-tab.tsx';
import { RedemptionsTab } from './tabs/redemptions-tab.tsx';
import { SegmentsTab } from './tabs/segments-tab.tsx';
import { TierHistoryTab } from './tabs/tier-history-tab.tsx';

/** A member's page: who they are, their points and where they expire, their tier, and every list. */
export function MemberPage() {
  const { t } = useTranslation();
  const memberId = useParams().memberId ?? '';
  const member = useMember(memberId);

  const back = (
    <Link to="/members" data-testid="back-to-members">
      <ArrowLeftOutlined /> {t('members.member.back')}
    </Link>
  );
  if (member.isPending) return <LoadingState />;
  if (member.isError) {
    const missing = member.error instanceof JifenError && member.error.status === 404;
    return (
      <>
        {back}
        <Card style={{ marginTop: 16 }}>
          {missing ? (
            <EmptyState
              title={t('members.member.notFound', { memberId })}
              hint={t('members.member.notFoundHint')}
            />
          ) : (
            <ErrorState error={member.error} onRetry={() => member.refetch()} />
          )}
        </Card>
      </>
    );
  }
  return <MemberView member={member.data} back={back} />;
}

function MemberView({ member, back }: { member: Member; back: React.ReactNode }) {
  const { t } = useTranslation();
  const canReadLedger = useCanDo('members', 'readLedger');
  const canReadEvents = useCanDo('members', 'readEvents');
  const canReadRedemptions = useCanDo('members', 'readRedemptions');
  const canReadSegments = useCanDo('members', 'readSegments');
  const { memberId } = member;
  const denied = (permission: string) => <EmptyState title={t('members.noPermission', { permission })} />;

  return (
    <>
      {back}
      <div className="screen-header" style={{ marginTop: 12, flexWrap: 'wrap', gap: 12 }}>
        <div>
          <Space align="center" wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="member-id">
              {memberId}
            </Typography.Title>
            <MemberStatusTag member={member} />
          </Space>
          <div style={{ marginTop: 4 }}>
            <Space split="·" wrap>
              {member.name && <Typography.Text strong>{member.name}</Typography.Text>}
              {member.nickname && (
                <Typography.Text type="secondary">
                  {t('members.member.nickname', { nickname: member.nickname })}
                </Typography.Text>
              )}
              <Typography.Text type="secondary">
                {t('members.member.joined', { at: formatDateTime(member.joinedAt) })}
              </Typography.Text>
              {member.store && (
                <Typography.Text type="secondary">
                  {t('members.member.store', { store: member.store })}
                </Typography.Text>
              )}
              {member.channel && (
                <Typography.Text type="secondary">
                  {t('members.member.channel', { channel: member.channel })}
                </Typography.Text>
              )}
            </Space>
          </div>
          {member.tags.length > 0 && (
            <Space size={[0, 4]} wrap style={{ marginTop: 6 }}>
              {member.tags.map((tag) => (
                <Tag key={tag}>{tag}</Tag>
              ))}
            </Space>
          )}
        </div>
        <MemberActions member={member} />
      </div>

      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={14}>
          <BalancesCard member={member} showReleases={canReadLedger} />
        </Col>
        <Col xs={24} lg={10}>
          <TierCard member={member} />
        </Col>
        <Col span={24}>
          <ExpiryCard memberId={memberId} />
        </Col>
      </Row>

      <Card>
        <Tabs
          defaultActiveKey="journal"
          destroyOnHidden
          data-testid="member-tabs"
          items={[
            {
              key: 'journal',
              label: t('members.tabs.journal'),
              children: canReadLedger ? <JournalTab member={member} /> : denied('ledger:read'),
            },
            {
              key: 'lots',
              label: t('members.tabs.lots'),
              children: canReadLedger ? <LotsTab memberId={memberId} /> : denied('ledger:read'),
            },
            {
              key: 'tierHistory',
              label: t('members.tabs.tierHistory'),
              children: <TierHistoryTab memberId={memberId} />,
            },
            {
              key: 'events',
              label: t('members.tabs.events'),
              children: canReadEvents ? <EventsTab memberId={memberId} /> : denied('events:read'),
            },
            {
              key: 'redemptions',
              label: t('members.tabs.redemptions'),
              children: canReadRedemptions ? (
                <RedemptionsTab memberId={memberId} />
              ) : (
                denied('redemptions:read')
              ),
            },
            { key: 'inbox', label: t('members.tabs.inbox'), children: <InboxTab memberId={memberId} /> },
            {
              key: 'segments',
              label: t('members.tabs.segments'),
              children: canReadSegments ? <SegmentsTab memberId={memberId} /> : denied('segments:read'),
            },
          ]}
        />
      </Card>
    </>
  );
}

function BalancesCard({ member, showReleases }: { member: Member; showReleases: boolean }) {
  const { t } = useTranslation();
  const pendingLots = usePendingLots(member.memberId, showReleases && member.balances.pending > 0);
  const { balances } = member;
  const stat = (key: 'available' | 'pending' | 'held' | 'growth', help?: string) => (
    <Col xs={12} sm={6}>
      <Tooltip title={help}>
        <Statistic
          title={t(`members.member.${key}`)}
          value={formatNumber(balances[key])}
          data-testid={`balance-${key}`}
        />
      </Tooltip>
    </Col>
  );
  return (
    <Card title={t('members.member.balances')} style={{ height: '100%' }}>
      <Row gutter={[16, 16]}>
        {stat('available', t('members.member.availableHelp'))}
        {stat('pending', t('members.member.pendingHelp'))}
        {stat('held', t('members.member.heldHelp'))}
        {stat('growth')}
        {balances.debt > 0 && (
          <Col xs={12} sm={6}>
            <Statistic
              title={t('members.member.debt')}
              value={formatNumber(balances.debt)}
              valueStyle={{ color: '#cf1322' }}
            />
          </Col>
        )}
      </Row>
      {showReleases && balances.pending > 0 && (
        <div style={{ marginTop: 12 }} data-testid="pending-releases">
          <Typography.Text type="secondary">{t('members.member.pendingReleases')}</Typography.Text>
          <List
            size="small"
            loading={pendingLots.isPending}
            dataSource={pendingLots.data ?? []}
            locale={{ emptyText: t('members.member.noPending') }}
            renderItem={(lot) => (
              <List.Item>
                {t('members.member.releasesOn', {
                  points: formatNumber(lot.remaining),
                  at: formatDateTime(lot.availableAt),
                })}
              </List.Item>
            )}
          />
        </div>
      )}
    </Card>
  );
}

function TierCard({ member }: { member: Member }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const tier = useMemberTier(member.memberId, true);
  let body: React.ReactNode;
  if (tier.isPending) body = <LoadingState />;
  else if (tier.isError) {
    const none =
      tier.error instanceof JifenError &&
      (tier.error.status === 404 || tier.error.code === 'tiers_not_configured');
    body = none ? (
      <EmptyState title={t('members.tier.none')} />
    ) : (
      <ErrorState error={tier.error} onRetry={() => tier.refetch()} />
    );
  } else {
    const status = tier.data;
    const next = status.nextTier;
    const percent =
      next && next.entryGrowth > 0
        ? Math.min(100, Math.round((status.growthInWindow / next.entryGrowth) * 100))
        : 100;
    body = (
      <Space direction="vertical" style={{ width: '100%' }} data-testid="member-tier">
        <Space wrap>
          <Tag color="gold" style={{ fontSize: 14, padding: '2px 10px' }}>
            {localized(status.tier.name)}
          </Tag>
          <Typography.Text type="secondary">
            {t('members.tier.since', { at: formatDateTime(status.since) })}
          </Typography.Text>
        </Space>
        {status.manual && (
          <Typography.Text>
            {t('members.tier.manual', { until: formatDateTime(status.manual.until) })}
            {' · '}
            {t('members.tier.earned', { tier: status.earnedTier })}
          </Typography.Text>
        )}
        <Progress percent={percent} showInfo={false} />
        <Typography.Text>
          {next
            ? t('members.tier.next', { tier: localized(next.name), needed: formatNumber(next.growthNeeded) })
            : t('members.tier.top')}
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('members.tier.growthInWindow', {
            growth: formatNumber(status.growthInWindow),
            from: formatDateTime(status.window.from),
            to: formatDateTime(status.window.to),
          })}
        </Typography.Text>
        {status.nextEvaluationAt && (
          <Typography.Text type="secondary">
            {t('members.tier.nextEvaluation', { at: formatDateTime(status.nextEvaluationAt) })}
          </Typography.Text>
        )}
        {status.projectedTier && status.projectedTier.tier.code !== status.tier.code && (
          <Typography.Text type="secondary">
            {t('members.tier.projected', { tier: localized(status.projectedTier.tier.name) })}
          </Typography.Text>
        )}
      </Space>
    );
  }
  return (
    <Card title={t('members.tier.title')} style={{ height: '100%' }}>
      {body}
    </Card>
  );
}

function ExpiryCard({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const calendar = useExpiryCalendar(memberId);
  return (
    <Card
      title={t('members.expiry.title')}
      extra={<Typography.Text type="secondary">{t('members.expiry.intro')}</Typography.Text>}
    >
      {calendar.isError ? (
        <ErrorState error={calendar.error} onRetry={() => calendar.refetch()} />
      ) : calendar.isPending ? (
        <LoadingState />
      ) : calendar.data.buckets.length === 0 ? (
        <EmptyState title={t('members.expiry.empty')} />
      ) : (
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, sm: 2, md: 3, lg: 4 }}
          data-testid="expiry-calendar"
          items={calendar.data.buckets.map((bucket) => ({
            key: bucket.expiresOn,
            label: bucket.expiresOn,
            children: (
              <Space direction="vertical" size={0}>
                <strong>{formatNumber(bucket.points)}</strong>
                {bucket.pendingPoints > 0 && (
                  <Typography.Text type="secondary">
                    {t('members.expiry.pendingPoints', { points: formatNumber(bucket.pendingPoints) })}
                  </Typography.Text>
                )}
                {bucket.reminders.map((reminder) => (
                  <Typography.Text type="secondary" key={reminder.offsetDays}>
                    {t('members.expiry.reminder', {
                      days: reminder.offsetDays,
                      at: formatDateTime(reminder.sentAt),
                    })}
                  </Typography.Text>
                ))}
              </Space>
            ),
          }))}
        />
      )}
    </Card>
  );
}
