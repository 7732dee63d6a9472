import type { Entry, Member } from '@jifen/sdk';
import { Space, type TableColumnsType, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useCanDo } from '../../../api/session.tsx';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { SmallNote } from '../cell-note.tsx';
import { CursorPagedTable } from '../cursor-paged-table.tsx';
import { EntryWhy } from '../entry-why.tsx';
import { ReverseButton } from '../reverse-entry.tsx';
import { pointsColor, signed } from '../signed-points.ts';

/** The member's journal: every entry, its balances after and why it happened; reversible with members:reverse. */
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
            <SmallNote>{t('members.journal.effective', { at: formatDateTime(entry.effectiveAt) })}</SmallNote>
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
            <SmallNote>
              {t('members.member.growth')} {signed(entry.growth)}
            </SmallNote>
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
            <SmallNote>
              {t('members.member.available')} {signed(entry.change.available)}
            </SmallNote>
          )}
          {entry.change.pending !== 0 && (
            <SmallNote>
              {t('members.member.pending')} {signed(entry.change.pending)}
            </SmallNote>
          )}
          {entry.change.held !== 0 && (
            <SmallNote>
              {t('members.member.held')} {signed(entry.change.held)}
            </SmallNote>
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
    <CursorPagedTable<Entry>
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
