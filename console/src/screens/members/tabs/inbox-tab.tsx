import type { InboxMessage } from '@jifen/sdk';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../format.ts';
import { CursorPagedTable } from '../cursor-paged-table.tsx';

/** The messages sent to the member's inbox, read or not. */
export function InboxTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  return (
    <CursorPagedTable<InboxMessage>
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
