import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from './language-switch.tsx';

/**
 * The frame of the pages before sign-in (sign-in, first run): a card, the language switch, and below
 * the form a link to the other page.
 */
export function AuthPage({
  title,
  footer,
  children,
}: {
  title: string;
  footer: ReactNode;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <div className="auth-page">
      <Card
        className="auth-card"
        title={
          <div>
            <div className="brand" style={{ padding: 0, height: 32 }}>
              {t('app.name')}
            </div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {title}
            </Typography.Title>
          </div>
        }
        extra={<LanguageSwitch />}
      >
        {children}
        <div style={{ marginTop: 16, textAlign: 'center' }}>{footer}</div>
      </Card>
    </div>
  );
}
