import type { StoredEvent } from '@jifen/sdk';
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatNumber } from '../../../format.ts';
import { WithNote } from '../cell-note.tsx';
import { CursorPagedTable } from '../cursor-paged-table.tsx';
import { useLocalized } from '../localized.ts';
import { pointsColor, signed } from '../signed-points.ts';

/** The member's events and what the rules made of each. */
export function EventsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  return (
    <CursorPagedTable<StoredEvent>
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
            <WithNote note={event.id}>
              <Tag>{event.type}</Tag>
            </WithNote>
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
