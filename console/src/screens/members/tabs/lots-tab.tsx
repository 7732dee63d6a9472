import type { Lot } from '@jifen/sdk';
import { Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { CursorPagedTable } from '../cursor-paged-table.tsx';

const LOT_COLORS = { pending: 'orange', available: 'green', expired: 'default' } as const;

/** The member's lots (earned points by expiry), the spent and expired ones too. */
export function LotsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  return (
    <CursorPagedTable<Lot>
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
