import type { TierHistoryEntry } from '@jifen/sdk';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { WithNote } from '../cell-note.tsx';
import { CursorPagedTable } from '../cursor-paged-table.tsx';
import { useLocalized } from '../localized.ts';

/** The member's tier changes and why each happened. */
export function TierHistoryTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <CursorPagedTable<TierHistoryEntry>
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
            <WithNote
              note={
                <>
                  {row.kind} · {t('members.tierHistory.configVersion', { version: row.configVersion })}
                </>
              }
            >
              <span>{localized(row.reason)}</span>
            </WithNote>
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
