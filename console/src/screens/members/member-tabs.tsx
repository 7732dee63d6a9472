import type { Entry, InboxMessage, Lot, Member, Redemption, StoredEvent, TierHistoryEntry } from '@jifen/sdk';
import { Button, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCanDo } from '../../api/session.tsx';
import { EmptyState, ErrorState } from '../../components/states.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { EntryWhy } from './entry-why.tsx';
import { useLocalized } from './localized.ts';
import { useMemberPages } from './members-queries.ts';
import { ReverseButton } from './reverse-entry.tsx';

type PagedOp =
  | 'listMemberEntries'
  | 'listMemberLots'
  | 'listMemberTierHistory'
  | 'listMemberEvents'
  | 'listMemberRedemptions'
  | 'listMemberInbox';

/** One of the member's lists: a table paged by cursor ("load more"), with its loading, error and empty states. */
function PagedTable<T extends object>({
  operationId,
  memberId,
  query,
  rowKey,
  columns,
  empty,
  emptyHint,
  testId,
}: {
  operationId: PagedOp;
  memberId: string;
  query?: Record<string, unknown>;
  rowKey: keyof T & string;
  columns: TableColumnsType<T>;
  empty: string;
  emptyHint?: string;
  testId: string;
}) {
  const { t } = useTranslation();
  const pages = useMemberPages(operationId, memberId, query);
  if (pages.isError) return <ErrorState error={pages.error} onRetry={() => pages.refetch()} />;
  const rows = (pages.data?.pages ?? []).flatMap((page) => (page as unknown as { data: T[] }).data);
  if (!pages.isPending && rows.length === 0) return <EmptyState title={empty} hint={emptyHint} />;
  return (
    <>
      <Table<T>
        rowKey={rowKey}
        loading={pages.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 860 }}
        size="middle"
        columns={columns}
        data-testid={testId}
      />
      {pages.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
            {t('members.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}

const signed = (points: number) => (points > 0 ? `+${formatNumber(points)}` : formatNumber(points));
const pointsColor = (points: number) => (points > 0 ? '#389e0d' : points < 0 ? '#cf1322' : undefined);

export function JournalTab({ member }: { member: Member }) {
  const { t } = useTranslation();
  const canReverse = useCanDo('members', 'reverse');
  const columns: TableColumnsType<Entry> = [
    {
      title: t('members.journal.time'),
      dataIndex: 'createdAt',
      width: 150,
      render: (at: string, entry) => (
        <>
          <div className="nowrap">{formatDateTime(at)}</div>
          {entry.effectiveAt !== entry.createdAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('members.journal.effective', { at: formatDateTime(entry.effectiveAt) })}
            </Typography.Text>
          )}
        </>
      ),
    },
    {
      title: t('members.journal.type'),
      dataIndex: 'type',
      width: 110,
      render: (type: string) => (
        <Tag>{t(`members.entryTypes.${type}` as 'members.entryTypes.earn', { defaultValue: type })}</Tag>
      ),
    },
    {
      title: t('members.journal.points'),
      dataIndex: 'points',
      align: 'right',
      width: 100,
      render: (points: number, entry) => (
        <Space direction="vertical" size={0} style={{ alignItems: 'flex-end' }}>
          <strong style={{ color: pointsColor(points) }}>{signed(points)}</strong>
          {entry.growth !== 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('members.member.growth')} {signed(entry.growth)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('members.journal.balanceAfter'),
      key: 'after',
      align: 'right',
      width: 130,
      render: (_, entry) => (
        <Space direction="vertical" size={0} style={{ alignItems: 'flex-end' }}>
          <span>{formatNumber(entry.balancesAfter.available)}</span>
          {entry.change.available !== 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('members.member.available')} {signed(entry.change.available)}
            </Typography.Text>
          )}
          {entry.change.pending !== 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('members.member.pending')} {signed(entry.change.pending)}
            </Typography.Text>
          )}
          {entry.change.held !== 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('members.member.held')} {signed(entry.change.held)}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    {
      title: t('members.journal.why'),
      key: 'why',
      render: (_, entry) => <EntryWhy entry={entry} />,
    },
    ...(canReverse
      ? [
          {
            title: t('members.journal.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, entry: Entry) => <ReverseButton memberId={member.memberId} entry={entry} />,
          },
        ]
      : []),
  ];
  return (
    <PagedTable<Entry>
      operationId="listMemberEntries"
      memberId={member.memberId}
      rowKey="id"
      columns={columns}
      empty={t('members.journal.empty')}
      emptyHint={t('members.journal.emptyHint')}
      testId="journal-table"
    />
  );
}

const LOT_COLORS = { pending: 'orange', available: 'green', expired: 'default' } as const;

export function LotsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  return (
    <PagedTable<Lot>
      operationId="listMemberLots"
      memberId={memberId}
      query={{ includeEmpty: true }}
      rowKey="id"
      empty={t('members.lots.empty')}
      emptyHint={t('members.lots.emptyHint')}
      testId="lots-table"
      columns={[
        {
          title: t('members.lots.id'),
          dataIndex: 'id',
          render: (id: string) => <Typography.Text code>{id}</Typography.Text>,
        },
        {
          title: t('members.lots.status'),
          dataIndex: 'status',
          render: (status: Lot['status'], lot) => (
            <Tag color={lot.remaining === 0 && status !== 'expired' ? 'default' : LOT_COLORS[status]}>
              {t(`members.lots.statuses.${status}`)}
            </Tag>
          ),
        },
        { title: t('members.lots.amount'), dataIndex: 'amount', align: 'right', render: formatNumber },
        { title: t('members.lots.remaining'), dataIndex: 'remaining', align: 'right', render: formatNumber },
        { title: t('members.lots.earnedAt'), dataIndex: 'earnedAt', render: formatDateTime },
        { title: t('members.lots.availableAt'), dataIndex: 'availableAt', render: formatDateTime },
        {
          title: t('members.lots.expiresAt'),
          dataIndex: 'expiresAt',
          render: (at: string | null) => (at ? formatDateTime(at) : t('members.lots.never')),
        },
        {
          title: t('members.lots.entry'),
          dataIndex: 'entryId',
          render: (id: string) => <Typography.Text code>{id}</Typography.Text>,
        },
      ]}
    />
  );
}

export function TierHistoryTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <PagedTable<TierHistoryEntry>
      operationId="listMemberTierHistory"
      memberId={memberId}
      rowKey="id"
      empty={t('members.tierHistory.empty')}
      testId="tier-history-table"
      columns={[
        { title: t('members.tierHistory.time'), dataIndex: 'createdAt', render: formatDateTime },
        {
          title: t('members.tierHistory.change'),
          key: 'change',
          render: (_, row) => (
            <span className="nowrap">
              {row.fromTier} → <strong>{row.toTier}</strong>
            </span>
          ),
        },
        {
          title: t('members.tierHistory.reason'),
          key: 'reason',
          render: (_, row) => (
            <Space direction="vertical" size={0}>
              <span>{localized(row.reason)}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {row.kind} · {t('members.tierHistory.configVersion', { version: row.configVersion })}
              </Typography.Text>
            </Space>
          ),
        },
        {
          title: t('members.tierHistory.growth'),
          dataIndex: 'growthInWindow',
          align: 'right',
          render: (growth: number | null) => (growth === null ? '—' : formatNumber(growth)),
        },
        {
          title: t('members.tierHistory.actor'),
          dataIndex: 'actor',
          render: (actor: string | null) => actor ?? '—',
        },
      ]}
    />
  );
}

export function EventsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <PagedTable<StoredEvent>
      operationId="listMemberEvents"
      memberId={memberId}
      rowKey="id"
      empty={t('members.events.empty')}
      emptyHint={t('members.events.emptyHint')}
      testId="events-table"
      columns={[
        {
          title: t('members.events.occurredAt'),
          dataIndex: 'occurredAt',
          width: 160,
          render: formatDateTime,
        },
        {
          title: t('members.events.type'),
          key: 'type',
          render: (_, event) => (
            <Space direction="vertical" size={0}>
              <Tag>{event.type}</Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {event.id}
              </Typography.Text>
            </Space>
          ),
        },
        {
          title: t('members.events.points'),
          key: 'points',
          align: 'right',
          render: (_, event) => (
            <strong style={{ color: pointsColor(event.outcome.points) }}>
              {signed(event.outcome.points)}
            </strong>
          ),
        },
        {
          title: t('members.events.outcome'),
          key: 'outcome',
          render: (_, event) => {
            const { awards, misses, memberCreated } = event.outcome;
            return (
              <Space direction="vertical" size={2}>
                {awards.map((award) => (
                  <span key={`${award.ruleId}-${award.version}`}>
                    <Tag color="blue" bordered={false}>
                      {t('members.events.award', {
                        ruleId: award.ruleId,
                        version: award.version,
                        points: formatNumber(award.points),
                      })}
                    </Tag>
                    {localized(award.reason)}
                  </span>
                ))}
                {misses.map((miss) => (
                  <Typography.Text type="secondary" key={`${miss.ruleId}-${miss.version}`}>
                    {t('members.events.miss', {
                      ruleId: miss.ruleId,
                      version: miss.version,
                      why: localized(miss.why),
                    })}
                  </Typography.Text>
                ))}
                {awards.length === 0 && misses.length === 0 && (
                  <Typography.Text type="secondary">{t('members.events.nothing')}</Typography.Text>
                )}
                {memberCreated && <Tag bordered={false}>{t('members.events.memberCreated')}</Tag>}
              </Space>
            );
          },
        },
      ]}
    />
  );
}

export function RedemptionsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <PagedTable<Redemption>
      operationId="listMemberRedemptions"
      memberId={memberId}
      rowKey="id"
      empty={t('members.redemptions.empty')}
      testId="redemptions-table"
      columns={[
        { title: t('members.redemptions.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
        {
          title: t('members.redemptions.reward'),
          key: 'reward',
          render: (_, row) => (
            <Space direction="vertical" size={0}>
              <span>{localized(row.rewardName)}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {row.id}
              </Typography.Text>
            </Space>
          ),
        },
        { title: t('members.redemptions.quantity'), dataIndex: 'quantity', align: 'right' },
        {
          title: t('members.redemptions.points'),
          dataIndex: 'pointsTotal',
          align: 'right',
          render: formatNumber,
        },
        {
          title: t('members.redemptions.status'),
          dataIndex: 'status',
          render: (status: Redemption['status']) => <Tag>{t(`members.redemptions.statuses.${status}`)}</Tag>,
        },
      ]}
    />
  );
}

export function InboxTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  return (
    <PagedTable<InboxMessage>
      operationId="listMemberInbox"
      memberId={memberId}
      rowKey="id"
      empty={t('members.inbox.empty')}
      testId="inbox-table"
      columns={[
        { title: t('members.inbox.createdAt'), dataIndex: 'createdAt', width: 160, render: formatDateTime },
        {
          title: t('members.inbox.subject'),
          key: 'subject',
          render: (_, message) => (
            <Space direction="vertical" size={0}>
              <strong>{message.subject}</strong>
              <Typography.Text type="secondary">{message.body}</Typography.Text>
            </Space>
          ),
        },
        {
          title: t('members.inbox.read'),
          dataIndex: 'readAt',
          width: 90,
          render: (readAt: string | null) =>
            readAt ? (
              <Tag>{t('members.inbox.read')}</Tag>
            ) : (
              <Tag color="blue">{t('members.inbox.unread')}</Tag>
            ),
        },
      ]}
    />
  );
}
