import type { Redemption } from '@jifen/sdk';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { WithNote } from '../cell-note.tsx';
import { CursorPagedTable } from '../cursor-paged-table.tsx';
import { useLocalized } from '../localized.ts';

/** The member's redemptions of rewards. */
export function RedemptionsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <CursorPagedTable<Redemption>
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
            <WithNote note={row.id}>
              <span>{localized(row.rewardName)}</span>
            </WithNote>
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
