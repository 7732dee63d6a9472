import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { SettingChange } from './settings-describe.ts';

/** The save's confirmation: each setting that changes, before and after, and what the change affects. */
export function ChangeList({ changes }: { changes: SettingChange[] }) {
  const { t } = useTranslation();
  return (
    <div data-testid="settings-confirm">
      <Typography.Paragraph>{t('settings.confirm.intro', { count: changes.length })}</Typography.Paragraph>
      <Table<SettingChange>
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={changes}
        scroll={{ x: 600 }}
        columns={[
          { title: t('settings.confirm.setting'), dataIndex: 'label', width: 140 },
          {
            title: t('settings.confirm.before'),
            dataIndex: 'before',
            render: (value: string) => <Typography.Text delete>{value}</Typography.Text>,
          },
          {
            title: t('settings.confirm.after'),
            dataIndex: 'after',
            render: (value: string) => <Typography.Text strong>{value}</Typography.Text>,
          },
        ]}
        expandable={{
          defaultExpandAllRows: true,
          showExpandColumn: false,
          expandedRowRender: (change) => (
            <Typography.Text type="secondary">
              {t('settings.confirm.consequences')}：{change.consequence}
            </Typography.Text>
          ),
          rowExpandable: (change) => change.consequence !== null,
        }}
      />
    </div>
  );
}
