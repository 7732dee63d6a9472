import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../../api/problem-message.ts';
import type { Condition } from '../../components/condition-builder/condition-types.ts';
import { formatNumber } from '../../format.ts';

/** "Would hold N members now", with a few of them, for the condition being built (the API counts). */
export function SegmentPreview({
  condition,
  preview,
}: {
  condition: Condition | null;
  preview: UseQueryResult<{ size: number; sample: { memberId: string }[] }>;
}) {
  const { t } = useTranslation();
  if (condition === null)
    return (
      <Alert
        type="info"
        showIcon
        message={t('segments.form.previewIncomplete')}
        data-testid="segment-preview"
      />
    );
  if (preview.isError)
    return (
      <Alert type="error" showIcon message={problemMessage(t, preview.error)} data-testid="segment-preview" />
    );
  const sample = preview.data?.sample ?? [];
  return (
    <Alert
      type="success"
      showIcon
      data-testid="segment-preview"
      message={
        <span data-testid="segment-preview-size">
          {preview.data
            ? t('segments.form.previewWould', {
                count: preview.data.size,
                members: formatNumber(preview.data.size),
              })
            : t('segments.form.previewCounting')}
        </span>
      }
      description={
        <Space direction="vertical" size={4}>
          {sample.length > 0 && (
            <div>
              <Typography.Text type="secondary">{t('segments.form.previewSample')}</Typography.Text>
              {sample.map((member) => (
                <Typography.Text code key={member.memberId} style={{ display: 'inline-block', margin: 2 }}>
                  {member.memberId}
                </Typography.Text>
              ))}
            </div>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('segments.form.previewHelp')}
          </Typography.Text>
        </Space>
      }
    />
  );
}
