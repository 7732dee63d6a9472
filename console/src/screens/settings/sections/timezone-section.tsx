import { AutoComplete, Form } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../../i18n/index.ts';
import { Section } from '../section.tsx';
import { LIMITS, type SettingsFields } from '../settings-model.ts';

function timezones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.('timeZone') ?? [];
  } catch {
    return [];
  }
}

function nowIn(timezone: string, language: string): string | null {
  try {
    return new Intl.DateTimeFormat(language, {
      timeZone: timezone,
      dateStyle: 'medium',
      timeStyle: 'short',
    }).format(new Date());
  } catch {
    return null;
  }
}

/** The program's time zone, offered from the browser's list, with the time it is there now. */
export function TimezoneSection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const all = useMemo(timezones, []);
  const typed = values.timezone ?? '';
  const options = all
    .filter((zone) => zone.toLowerCase().includes(typed.toLowerCase()))
    .slice(0, 50)
    .map((value) => ({ value }));
  const now = typed ? nowIn(typed, currentLanguage()) : null;
  return (
    <Section title={t('settings.sections.timezone')} help={t('settings.sections.timezoneHelp')}>
      <Form.Item
        name="timezone"
        label={t('settings.fields.timezone')}
        extra={
          <>
            <div>{t('settings.fields.timezoneHelp')}</div>
            {now && <div data-testid="timezone-now">{t('settings.fields.timezoneNow', { time: now })}</div>}
          </>
        }
        rules={[
          { required: true, whitespace: true, message: t('settings.fields.timezoneRequired') },
          { max: LIMITS.timezone, message: t('settings.fields.timezoneLength') },
        ]}
      >
        <AutoComplete options={options} style={{ maxWidth: 360 }} maxLength={LIMITS.timezone} />
      </Form.Item>
    </Section>
  );
}
