import { Col, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { Section } from '../section.tsx';
import { humanDuration } from '../settings-describe.ts';
import { LIMITS, type SettingsFields } from '../settings-model.ts';
import { SwitchField } from '../switch-field.tsx';
import { WholeNumberField } from '../whole-number-field.tsx';

/** How long a hold lasts, and whether an unknown member is created on first use. */
export function OperationsSection({ values }: { values: SettingsFields }) {
  const { t } = useTranslation();
  const ttl = values.holdTtlSeconds;
  return (
    <Section title={t('settings.sections.operations')}>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <WholeNumberField
            name="holdTtlSeconds"
            label={t('settings.fields.holdTtl')}
            extra={
              <>
                {t('settings.fields.holdTtlHelp')}
                {Number.isInteger(ttl) && ttl > 0 && ` (${humanDuration(t, ttl)})`}
              </>
            }
            min={1}
            max={LIMITS.holdTtlSeconds}
            rangeMessage={t('settings.fields.holdTtlRange')}
            width={180}
          />
        </Col>
        <Col xs={24} md={12}>
          <SwitchField
            name="autoCreateMembers"
            label={t('settings.fields.autoCreateMembers')}
            extra={t('settings.fields.autoCreateMembersHelp')}
          />
        </Col>
      </Row>
    </Section>
  );
}
