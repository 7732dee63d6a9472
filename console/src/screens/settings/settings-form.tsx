import { Alert, App, Form, Space } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useCanDo, useSession } from '../../api/session.tsx';
import { formatDateTime } from '../../format.ts';
import { currentLanguage } from '../../i18n/index.ts';
import { ChangeList } from './change-list.tsx';
import { SaveBar } from './save-bar.tsx';
import { AboutSection } from './sections/about-section.tsx';
import { BasicsSection } from './sections/basics-section.tsx';
import { ExpirySection } from './sections/expiry-section.tsx';
import { NegativeSection } from './sections/negative-section.tsx';
import { OperationsSection } from './sections/operations-section.tsx';
import { ThresholdsSection } from './sections/thresholds-section.tsx';
import { TimezoneSection } from './sections/timezone-section.tsx';
import { TransfersSection } from './sections/transfers-section.tsx';
import { describeChanges } from './settings-describe.ts';
import {
  type ApprovalPolicyView,
  fieldsOf,
  type ProgramView,
  policyChangeOf,
  programPatchOf,
  type SettingsFields,
} from './settings-model.ts';
import { useSaveSettings } from './use-save-settings.ts';

/** Fields of the form that the diff compares (all of them; the hidden expiry ones are kept). */
function changedCount(values: SettingsFields | undefined, program: ProgramView, policy: ApprovalPolicyView) {
  if (!values) return 0;
  try {
    const patch = programPatchOf(values, program);
    const change = policyChangeOf(values, policy);
    const policyKeys = change
      ? (['pointsAbove', 'bulk', 'tierAssignments', 'expiresAfterHours'] as const).filter(
          (key) => (change[key] ?? null) !== policy[key],
        ).length
      : 0;
    return Object.keys(patch).length + policyKeys;
  } catch {
    return 0;
  }
}

/** The settings form: its sections, the save bar, and the confirmation of what a save changes. */
export function SettingsForm({ program, policy }: { program: ProgramView; policy: ApprovalPolicyView }) {
  const { t } = useTranslation();
  const language = currentLanguage();
  const { modal, message } = App.useApp();
  const { session } = useSession();
  const canManage = useCanDo('settings', 'manage');
  const archived = program.archivedAt !== null;
  const editable = canManage && !archived;
  const [form] = Form.useForm<SettingsFields>();
  const initial = useMemo(() => fieldsOf(program, policy), [program, policy]);
  const values = Form.useWatch([], { form, preserve: true }) as SettingsFields | undefined;
  const { save, saving, formError, setFormError } = useSaveSettings(form, policy);
  const changes = changedCount(values, program, policy);

  const confirmSave = async () => {
    setFormError(null);
    try {
      await form.validateFields();
    } catch {
      setFormError(t('settings.invalid'));
      return;
    }
    const fields = form.getFieldsValue(true) as SettingsFields;
    const patch = programPatchOf(fields, program);
    const change = policyChangeOf(fields, policy);
    const list = describeChanges(t, language, program, patch, policy, change);
    if (list.length === 0) {
      message.info(t('settings.noChanges'));
      return;
    }
    modal.confirm({
      title: t('settings.confirm.title'),
      width: 760,
      icon: null,
      content: <ChangeList changes={list} />,
      okText: t('settings.confirm.ok'),
      cancelText: t('common.cancel'),
      onOk: () => save(patch, change),
    });
  };

  const resetForm = () => {
    form.resetFields();
    setFormError(null);
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="settings">
      {!canManage && (
        <Alert
          type="info"
          showIcon
          message={t('settings.readOnly', { role: session.role })}
          data-testid="settings-read-only"
        />
      )}
      {archived && (
        <Alert
          type="warning"
          showIcon
          message={t('settings.archived', { at: formatDateTime(program.archivedAt) })}
        />
      )}
      {formError && <Alert type="error" showIcon message={formError} data-testid="form-error" />}
      <Form<SettingsFields>
        form={form}
        layout="vertical"
        initialValues={initial}
        disabled={!editable}
        onFinish={confirmSave}
        data-testid="settings-form"
      >
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <BasicsSection form={form} values={values ?? initial} />
          <TimezoneSection values={values ?? initial} />
          <ExpirySection values={values ?? initial} />
          <NegativeSection />
          <TransfersSection />
          <OperationsSection values={values ?? initial} />
          <ThresholdsSection />
        </Space>
      </Form>
      {editable && <SaveBar changes={changes} saving={saving} onReset={resetForm} onSave={confirmSave} />}
      <AboutSection program={program} policy={policy} />
    </Space>
  );
}
