import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { Section } from '../section.tsx';
import { LIMITS } from '../settings-model.ts';
import { SwitchField } from '../switch-field.tsx';
import { WholeNumberField } from '../whole-number-field.tsx';

/** The approval policy: which operations wait for a second operator, and how long a request waits. */
export function ThresholdsSection() {
  const { t } = useTranslation();
  return (
    <Section title={t('settings.sections.thresholds')} help={t('settings.sections.thresholdsHelp')}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <WholeNumberField
            name="approvalPointsAbove"
            label={t('settings.fields.pointsAbove')}
            extra={t('settings.fields.pointsAboveHelp')}
            optional
            min={0}
            max={LIMITS.pointsAbove}
            rangeMessage={t('settings.fields.pointsAboveRange')}
            placeholder={t('settings.values.noThreshold')}
            width="100%"
          />
        </Col>
        <Col xs={24} md={12}>
          <WholeNumberField
            name="approvalExpiresAfterHours"
            label={t('settings.fields.approvalHours')}
            extra={t('settings.fields.approvalHoursHelp')}
            min={1}
            max={LIMITS.approvalHours}
            rangeMessage={t('settings.fields.approvalHoursRange')}
            width={160}
          />
        </Col>
        <Col xs={24} md={12}>
          <SwitchField
            name="approvalBulk"
            label={t('settings.fields.bulk')}
            extra={t('settings.fields.bulkHelp')}
          />
        </Col>
        <Col xs={24} md={12}>
          <SwitchField name="approvalTierAssignments" label={t('settings.fields.tierAssignments')} />
        </Col>
      </Row>
    </Section>
  );
}
