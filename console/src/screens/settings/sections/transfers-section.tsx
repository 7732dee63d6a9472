import { Col, type FormRule, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { Section } from '../section.tsx';
import { LIMITS, type SettingsFields } from '../settings-model.ts';
import { WholeNumberField } from '../whole-number-field.tsx';

type TransferLimit = 'transferMin' | 'transferMax' | 'transferDailyMax';

/** The limits on points members transfer to each other; an empty limit is no limit. */
export function TransfersSection() {
  const { t } = useTranslation();
  /** A warning, not an error: a minimum above the maximum. */
  const minNotAboveMax: FormRule = ({ getFieldValue }) => ({
    warningOnly: true,
    validator: (_: unknown, value: number | null) => {
      const max = getFieldValue('transferMax') as number | null;
      return value != null && max != null && value > max
        ? Promise.reject(new Error(t('settings.fields.transferMinAboveMax')))
        : Promise.resolve();
    },
  });
  const limit = (
    name: TransferLimit,
    more: { dependencies?: (keyof SettingsFields)[]; extraRules?: FormRule[] } = {},
  ) => (
    <WholeNumberField
      name={name}
      label={t(`settings.fields.${name}`)}
      optional
      min={1}
      max={LIMITS.transferPoints}
      rangeMessage={t('settings.fields.transferRange')}
      placeholder={t('settings.fields.noLimit')}
      width="100%"
      {...more}
    />
  );
  return (
    <Section title={t('settings.sections.transfers')} help={t('settings.sections.transfersHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          {limit('transferMin', { dependencies: ['transferMax'], extraRules: [minNotAboveMax] })}
        </Col>
        <Col xs={24} md={8}>
          {limit('transferMax')}
        </Col>
        <Col xs={24} md={8}>
          {limit('transferDailyMax')}
        </Col>
      </Row>
    </Section>
  );
}
