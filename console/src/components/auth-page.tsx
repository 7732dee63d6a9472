import { GlobalOutlined } from '@ant-design/icons';
import { Button, Card, Dropdown, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';

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
  const language = currentLanguage();
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
        extra={
          <Dropdown
            menu={{
              selectedKeys: [language],
              items: LANGUAGES.map((item) => ({ key: item, label: t(`languages.${item}`) })),
              onClick: ({ key }) => void setLanguage(key as Language),
            }}
          >
            <Button type="text" icon={<GlobalOutlined />} aria-label={t('shell.language')}>
              {t(`languages.${language}`)}
            </Button>
          </Dropdown>
        }
      >
        {children}
        <div style={{ marginTop: 16, textAlign: 'center' }}>{footer}</div>
      </Card>
    </div>
  );
}
