import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, LANGUAGES, type Language, setLanguage } from '../i18n/index.ts';

/** The console's language: a menu of the languages, on a button that names the current one. */
export function LanguageSwitch({ testId }: { testId?: string }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  return (
    <Dropdown
      menu={{
        selectedKeys: [language],
        items: LANGUAGES.map((item) => ({ key: item, label: t(`languages.${item}`) })),
        onClick: ({ key }) => void setLanguage(key as Language),
      }}
    >
      <Button type="text" icon={<GlobalOutlined />} data-testid={testId} aria-label={t('shell.language')}>
        {t(`languages.${language}`)}
      </Button>
    </Dropdown>
  );
}
