import { AutoComplete, Col, Form, type FormInstance, Input, InputNumber, Row, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../../i18n/index.ts';
import { Section } from '../section.tsx';
import { pointValueExamples } from '../settings-describe.ts';
import { CURRENCY_PATTERN, LIMITS, minorDigits, type SettingsFields, toMinor } from '../settings-model.ts';
import { WholeNumberField } from '../whole-number-field.tsx';

/** The program's name, its currency and what a point is worth (with examples of the typed value). */
export function BasicsSection({
  form,
  values,
}: {
  form: FormInstance<SettingsFields>;
  values: SettingsFields;
}) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const currency = CURRENCY_PATTERN.test(values.currency ?? '') ? values.currency : 'CNY';
  const digits = minorDigits(currency);
  const maxAmount = LIMITS.amountMinor / 10 ** digits;
  const points = values.pointValuePoints;
  const amount = values.pointValueAmount;
  const valid =
    Number.isInteger(points) &&
    points >= 1 &&
    typeof amount === 'number' &&
    amount >= 0 &&
    Number.isInteger(toMinor(amount, currency));
  return (
    <Section title={t('settings.sections.basics')} help={t('settings.sections.basicsHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={14}>
          <Form.Item
            name="name"
            label={t('settings.fields.name')}
            rules={[
              { required: true, whitespace: true, message: t('settings.fields.nameRequired') },
              { max: LIMITS.name, message: t('settings.fields.nameLength') },
            ]}
          >
            <Input maxLength={LIMITS.name} showCount />
          </Form.Item>
        </Col>
        <Col xs={24} md={10}>
          <Form.Item
            name="currency"
            label={t('settings.fields.currency')}
            extra={t('settings.fields.currencyHelp')}
            normalize={(value: string) => value?.toUpperCase()}
            rules={[
              { required: true, pattern: CURRENCY_PATTERN, message: t('settings.fields.currencyInvalid') },
            ]}
          >
            <AutoComplete
              options={['CNY', 'HKD', 'MOP', 'TWD', 'USD', 'EUR', 'JPY', 'SGD'].map((value) => ({ value }))}
              maxLength={3}
              style={{ width: 160 }}
            />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        label={t('settings.fields.pointValue')}
        extra={
          <>
            <div>{t('settings.fields.pointValueHelp')}</div>
            {valid && (
              <div data-testid="point-value-example" style={{ color: 'rgba(0,0,0,0.75)' }}>
                {t('settings.fields.example', {
                  examples: pointValueExamples(
                    t,
                    { points, amountMinor: toMinor(amount, currency) },
                    currency,
                    language,
                  ),
                })}
              </div>
            )}
          </>
        }
        required
      >
        <Space align="start" wrap>
          <WholeNumberField
            name="pointValuePoints"
            noStyle
            min={1}
            max={LIMITS.pointValuePoints}
            rangeMessage={t('settings.fields.pointsRange')}
            width={160}
            ariaLabel={t('settings.fields.points')}
          />
          <span style={{ lineHeight: '32px' }}>{t('settings.fields.pointsUnit')}</span>
          <Form.Item
            name="pointValueAmount"
            noStyle
            rules={[
              { required: true, message: t('settings.fields.amountRange', { max: maxAmount, digits }) },
              {
                validator: (_, value: number | null) =>
                  value == null ||
                  (value >= 0 &&
                    value <= maxAmount &&
                    Math.abs(toMinor(value, currency) - value * 10 ** digits) < 1e-6)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('settings.fields.amountRange', { max: maxAmount, digits }))),
              },
            ]}
          >
            <InputNumber
              min={0}
              max={maxAmount}
              step={1 / 10 ** digits}
              addonAfter={currency}
              style={{ width: 200 }}
              aria-label={t('settings.fields.amount')}
              onChange={() => form.validateFields(['pointValueAmount']).catch(() => {})}
            />
          </Form.Item>
        </Space>
      </Form.Item>
    </Section>
  );
}
