import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import { SettingsForm } from './settings-form.tsx';
import { useApprovalPolicy, useProgram } from './settings-queries.ts';

/**
 * Program settings (计划设置): every setting of GET /v1/program and the approval thresholds of
 * GET /v1/approval-policy in one form, grouped by what they govern. A save shows what changes and
 * what it affects, sends only what changed, and reads the saved settings back from the API. The
 * API's field errors appear next to their fields; what was typed stays. Read-only without
 * program:manage, and for an archived program.
 */
export default function SettingsScreen() {
  const { t } = useTranslation();
  const program = useProgram();
  const policy = useApprovalPolicy();
  const failed = program.isError ? program : policy.isError ? policy : null;

  return (
    <>
      <div className="screen-header">
        <div>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {t('settings.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('settings.intro')}</Typography.Text>
        </div>
      </div>
      {failed ? (
        <Card>
          <ErrorState error={failed.error} onRetry={() => failed.refetch()} />
        </Card>
      ) : program.data && policy.data ? (
        <SettingsForm program={program.data} policy={policy.data} />
      ) : (
        <Card>
          <LoadingState />
        </Card>
      )}
    </>
  );
}
