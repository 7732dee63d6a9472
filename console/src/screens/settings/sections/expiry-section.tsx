import { Col, Form, Input, Radio, Row, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { Section } from '../section.tsx';
import { LIMITS, type SettingsFields } from '../settings-model.ts';
import { WholeNumberField } from '../whole-number-field.tsx';

/** When earned points expire (never, rolling, at a period's end, on a date) and a restored lot's grace days. */
export function ExpirySection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const kind = values.expiryKind;
  return (
    <Section title={t('settings.sections.expiry')} help={t('settings.sections.expiryHelp')}>
      <Form.Item name="expiryKind" label={t('settings.fields.expiryKind')} rules={[{ required: true }]}>
        <Radio.Group
          optionType="button"
          options={(['never', 'rolling', 'end_of_period', 'fixed_date'] as const).map((value) => ({
            value,
            label: t(`settings.fields.expiryKinds.${value}`),
          }))}
        />
      </Form.Item>
      {kind === 'rolling' && (
        <Form.Item label={t('settings.fields.rollingCount')} required>
          <Space wrap>
            <WholeNumberField
              name="rollingCount"
              noStyle
              min={1}
              max={LIMITS.rollingCount}
              rangeMessage={t('settings.fields.rollingRange')}
              width={120}
              ariaLabel={t('settings.fields.rollingCount')}
            />
            <Form.Item name="rollingUnit" noStyle>
              <Select
                style={{ width: 120 }}
                options={(['days', 'months'] as const).map((value) => ({
                  value,
                  label: t(`settings.fields.rollingUnits.${value}`),
                }))}
              />
            </Form.Item>
          </Space>
        </Form.Item>
      )}
      {kind === 'end_of_period' && (
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="periodUnit" label={t('settings.fields.periodUnit')}>
              <Select
                options={(['year', 'quarter', 'month'] as const).map((value) => ({
                  value,
                  label: t(`settings.fields.periodUnits.${value}`),
                }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <WholeNumberField
              name="plusPeriods"
              label={t('settings.fields.plusPeriods')}
              extra={t('settings.fields.plusPeriodsHelp')}
              min={0}
              max={LIMITS.plusPeriods}
              rangeMessage={t('settings.fields.plusPeriodsRange')}
              width={120}
            />
          </Col>
        </Row>
      )}
      {kind === 'fixed_date' && (
        <Form.Item
          name="fixedDate"
          label={t('settings.fields.fixedDate')}
          rules={[
            { required: true, message: t('settings.fields.fixedDateRequired') },
            { pattern: /^\d{4}-\d{2}-\d{2}$/, message: t('settings.fields.fixedDateRequired') },
            {
              validator: (_, value: string) =>
                !value || value <= LIMITS.fixedDateMax
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('settings.fields.fixedDateRange'))),
            },
          ]}
        >
          <Input type="date" max={LIMITS.fixedDateMax} style={{ width: 200 }} />
        </Form.Item>
      )}
      <WholeNumberField
        name="restoredLotGraceDays"
        label={t('settings.fields.graceDays')}
        extra={t('settings.fields.graceDaysHelp')}
        min={0}
        max={LIMITS.graceDays}
        rangeMessage={t('settings.fields.graceDaysRange')}
        width={120}
      />
    </Section>
  );
}
