import { Button, Empty, Result, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { problemMessage } from '../api/problem-message.ts';

/** The states every screen shows the same way: loading, failed (with a retry), empty. */

export function LoadingState() {
  const { t } = useTranslation();
  return (
    <div className="centered" data-testid="loading">
      <Spin tip={t('app.loading')} size="large">
        <div style={{ width: 200, height: 80 }} />
      </Spin>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Result
      status="error"
      title={t('states.errorTitle')}
      subTitle={problemMessage(t, error)}
      extra={
        onRetry && (
          <Button type="primary" onClick={onRetry}>
            {t('states.retry')}
          </Button>
        )
      }
    />
  );
}

export function EmptyState({ title, hint, action }: { title?: string; hint?: string; action?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <>
          <div>{title ?? t('states.empty')}</div>
          {hint && <div className="muted">{hint}</div>}
        </>
      }
    >
      {action}
    </Empty>
  );
}
