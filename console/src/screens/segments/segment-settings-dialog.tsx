import { App, type ButtonProps, Col, Form, InputNumber, Modal, Row, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { FormError } from '../../components/form-error.tsx';
import { ErrorState, LoadingState } from '../../components/states.tsx';
import type { SegmentSettings } from './segment-types.ts';
import { useSaveSegmentSettings, useSegmentSettings } from './segments-queries.ts';

type StageKey = keyof SegmentSettings['stages'];

/** The settings' fields: where each lives in the body, its range, and its unit. */
const DAY_FIELDS: readonly StageKey[] = ['newDays', 'activeDays', 'atRiskDays', 'churnedDays'];
const SCORE_FIELDS: readonly StageKey[] = ['highValueMinMonetary', 'highValueMinFrequency'];

/**
 * The lifecycle stages' thresholds and the RFM window: read by anyone who sees segments, changed
 * with segments:write. Only ranges are checked here; how the thresholds relate (active before at
 * risk before churned) is the API's to say, shown on the field it names.
 */
export function SegmentSettingsDialog({
  open,
  canManage,
  onClose,
}: {
  open: boolean;
  canManage: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const settings = useSegmentSettings(open);
  const save = useSaveSegmentSettings();
  const [form] = Form.useForm<SegmentSettings>();
  const [formError, setFormError] = useState<string | null>(null);

  useEffect(() => {
    if (open && settings.data) form.setFieldsValue(settings.data);
  }, [open, settings.data, form]);

  const close = () => {
    setFormError(null);
    form.resetFields();
    onClose();
  };
  const submit = (values: SegmentSettings) => {
    setFormError(null);
    save.mutate(values, {
      onSuccess: () => {
        message.success(t('segments.settings.saved'));
        close();
      },
      onError: (error) => {
        showProblemOnForm(form, error);
        setFormError(problemMessage(t, error));
      },
    });
  };

  const whole = (name: (string | number)[], min: number, max: number, suffix: string, help?: string) => (
    <Form.Item
      name={name}
      label={t(`segments.settings.fields.${name[name.length - 1]}` as 'segments.settings.fields.newDays')}
      extra={help}
      rules={[
        { required: true, message: t('segments.settings.range', { min, max }) },
        { type: 'integer', min, max, message: t('segments.settings.range', { min, max }) },
      ]}
    >
      <InputNumber
        min={min}
        max={max}
        precision={0}
        addonAfter={suffix}
        style={{ width: '100%' }}
        disabled={!canManage}
      />
    </Form.Item>
  );

  return (
    <Modal
      open={open}
      title={t('segments.settings.title')}
      width={720}
      okText={t('segments.settings.save')}
      cancelText={canManage ? t('common.cancel') : t('common.close')}
      okButtonProps={
        canManage
          ? ({ 'data-testid': 'segment-settings-save' } as ButtonProps)
          : { style: { display: 'none' } }
      }
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      forceRender
    >
      {settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => settings.refetch()} />
      ) : settings.isPending && open ? (
        <LoadingState />
      ) : null}
      <div style={settings.data ? undefined : { display: 'none' }}>
        <Typography.Paragraph type="secondary">{t('segments.settings.intro')}</Typography.Paragraph>
        <FormError message={formError} testId="segment-settings-error" />
        <Form<SegmentSettings>
          form={form}
          layout="vertical"
          onFinish={submit}
          data-testid="segment-settings-form"
        >
          <Typography.Title level={5}>{t('segments.settings.stagesTitle')}</Typography.Title>
          <Row gutter={16}>
            {DAY_FIELDS.map((key) => (
              <Col xs={24} sm={12} key={key}>
                {whole(
                  ['stages', key],
                  1,
                  3650,
                  t('segments.settings.days'),
                  t(`segments.settings.help.${key}` as 'segments.settings.help.newDays'),
                )}
              </Col>
            ))}
            {SCORE_FIELDS.map((key) => (
              <Col xs={24} sm={12} key={key}>
                {whole(
                  ['stages', key],
                  1,
                  5,
                  t('segments.settings.score'),
                  t(`segments.settings.help.${key}` as 'segments.settings.help.newDays'),
                )}
              </Col>
            ))}
          </Row>
          <Typography.Title level={5}>{t('segments.settings.computingTitle')}</Typography.Title>
          <Row gutter={16}>
            <Col xs={24} sm={12}>
              {whole(
                ['rfmWindowDays'],
                1,
                3650,
                t('segments.settings.days'),
                t('segments.settings.help.rfmWindowDays'),
              )}
            </Col>
            <Col xs={24} sm={12}>
              {whole(
                ['recomputeEveryMinutes'],
                5,
                10080,
                t('segments.settings.minutes'),
                t('segments.settings.help.recomputeEveryMinutes'),
              )}
            </Col>
          </Row>
        </Form>
      </div>
    </Modal>
  );
}
