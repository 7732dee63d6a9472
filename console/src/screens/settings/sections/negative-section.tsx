import { Form, Radio, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Section } from '../section.tsx';

/** What a debit beyond the balance does: a debt, or the balance stops at zero. */
export function NegativeSection() {
  const { t } = useTranslation();
  return (
    <Section title={t('settings.sections.negative')} help={t('settings.sections.negativeHelp')}>
      <Form.Item name="negativeBalance" label={t('settings.fields.negativeBalance')}>
        <Radio.Group>
          <Space direction="vertical">
            {(['allow_debt', 'cap_at_zero'] as const).map((value) => (
              <Radio key={value} value={value}>
                {t(`settings.fields.negativeKinds.${value}`)}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
    </Section>
  );
}
