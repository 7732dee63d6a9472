import { Alert, App, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import type { StaffRow } from './roles.ts';
import { useResetPassword } from './staff-queries.ts';

/** A new password for a staff member: it ends their open sessions, as the dialog says. */
export function ResetPasswordDialog({ staff, onClose }: { staff: StaffRow | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string; confirm: string }>();
  const reset = useResetPassword();
  const [formError, setFormError] = useState<string | null>(null);
  const close = () => {
    form.resetFields();
    setFormError(null);
    onClose();
  };
  return (
    <Modal
      open={staff !== null}
      title={staff ? t('staff.reset.title', { name: staff.name }) : ''}
      okText={t('staff.reset.submit')}
      okButtonProps={{ danger: true }}
      cancelText={t('common.cancel')}
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={reset.isPending}
      destroyOnHidden
    >
      {staff && <Typography.Paragraph>{t('staff.reset.body', { login: staff.login })}</Typography.Paragraph>}
      {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        name="reset"
        layout="vertical"
        onFinish={({ password }) => {
          if (!staff) return;
          setFormError(null);
          reset.mutate(
            { staffId: staff.id, password },
            {
              onSuccess: () => {
                message.success(t('staff.reset.done', { name: staff.name }));
                close();
              },
              onError: (error) => {
                showProblemOnForm(form, error);
                setFormError(problemMessage(t, error));
              },
            },
          );
        }}
      >
        <Form.Item
          name="password"
          label={t('staff.reset.password')}
          rules={[
            { required: true, message: t('staff.form.passwordLength') },
            { min: 10, max: 256, message: t('staff.form.passwordLength') },
          ]}
        >
          <Input.Password maxLength={256} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('staff.reset.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('staff.reset.mismatch') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                value === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('staff.reset.mismatch'))),
            }),
          ]}
        >
          <Input.Password maxLength={256} autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
