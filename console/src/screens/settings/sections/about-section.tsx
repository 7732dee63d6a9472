import { Card, Descriptions, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../format.ts';
import type { ApprovalPolicyView, ProgramView } from '../settings-model.ts';
import { useReadiness } from '../settings-queries.ts';

/** What the settings do not set: the program's id and dates, and the engine and migration serving it. */
export function AboutSection({ program, policy }: { program: ProgramView; policy: ApprovalPolicyView }) {
  const { t } = useTranslation();
  const ready = useReadiness();
  const engine = ready.data?.engine;
  return (
    <Card title={t('settings.sections.about')} data-testid="settings-about">
      <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
        <Descriptions.Item label={t('settings.about.programId')}>
          <Typography.Text
            code
            copyable={{ text: program.id, tooltips: [t('common.copy'), t('common.copied')] }}
          >
            {program.id}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.status')}>
          {program.archivedAt === null ? (
            <Tag color="green">{t('settings.about.live')}</Tag>
          ) : (
            <Tag>{t('settings.about.archivedAt', { at: formatDateTime(program.archivedAt) })}</Tag>
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.createdAt')}>
          {formatDateTime(program.createdAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.updatedAt')}>
          <span data-testid="settings-updated-at">{formatDateTime(program.updatedAt)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.policyUpdatedAt')}>
          {policy.updatedAt ? formatDateTime(policy.updatedAt) : t('settings.about.never')}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.engine')}>
          {ready.isError
            ? t('settings.about.unavailable')
            : engine
              ? t(`settings.about.engines.${engine}` as 'settings.about.engines.pglite', {
                  defaultValue: engine,
                })
              : '…'}
        </Descriptions.Item>
        <Descriptions.Item label={t('settings.about.migration')}>
          {ready.data ? String(ready.data.migration) : ready.isError ? '—' : '…'}
        </Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
