import { Form, Input, Modal, Select } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { FormError } from '../../components/form-error.tsx';
import { type StaffRow, useRoleOptions } from './roles.ts';
import { useCreateStaff, useUpdateStaff } from './staff-queries.ts';

interface Fields {
  name: string;
  login: string;
  role: string;
  storeIds: string[];
  password?: string;
}

/**
 * Add a staff member (login, name, role, stores, initial password) or change one (name, role,
 * stores). Validates as the API does; the API's field errors land next to the fields and what was
 * typed stays.
 */
export function StaffDialog({
  open,
  editing,
  onClose,
}: {
  open: boolean;
  editing: StaffRow | null;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Fields>();
  const create = useCreateStaff();
  const update = useUpdateStaff();
  const roleOptions = useRoleOptions();
  const [formError, setFormError] = useState<string | null>(null);
  const role = Form.useWatch('role', form);

  useEffect(() => {
    if (open) {
      setFormError(null);
      form.setFieldsValue(
        editing
          ? { name: editing.name, login: editing.login, role: editing.role, storeIds: editing.storeIds }
          : { name: '', login: '', role: undefined as unknown as string, storeIds: [], password: '' },
      );
    }
  }, [open, editing, form]);

  const close = () => {
    form.resetFields();
    setFormError(null);
    onClose();
  };
  const failed = (error: unknown) => {
    showProblemOnForm(form, error);
    setFormError(problemMessage(t, error));
  };

  const submit = (fields: Fields) => {
    setFormError(null);
    if (editing) {
      update.mutate(
        {
          staffId: editing.id,
          body: { name: fields.name, role: fields.role, storeIds: fields.storeIds ?? [] },
        },
        { onSuccess: close, onError: failed },
      );
    } else {
      create.mutate(
        {
          login: fields.login,
          name: fields.name,
          role: fields.role,
          ...(fields.storeIds?.length ? { storeIds: fields.storeIds } : {}),
          ...(fields.password ? { password: fields.password } : {}),
        },
        { onSuccess: close, onError: failed },
      );
    }
  };

  return (
    <Modal
      open={open}
      title={editing ? t('staff.form.editTitle', { name: editing.name }) : t('staff.form.createTitle')}
      okText={editing ? t('staff.form.submitEdit') : t('staff.form.submitCreate')}
      cancelText={t('common.cancel')}
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || update.isPending}
      forceRender
      width={560}
    >
      <FormError message={formError} testId="form-error" />
      <Form<Fields> form={form} name="staff" layout="vertical" onFinish={submit} data-testid="staff-form">
        <Form.Item
          name="name"
          label={t('staff.form.name')}
          rules={[
            { required: true, whitespace: true, message: t('staff.form.nameRequired') },
            { max: 128, message: t('staff.form.nameLength') },
          ]}
        >
          <Input maxLength={128} />
        </Form.Item>
        <Form.Item
          name="login"
          label={t('staff.form.login')}
          extra={editing ? undefined : t('staff.form.loginHelp')}
          rules={[
            { required: true, whitespace: true, message: t('staff.form.loginRequired') },
            { min: 3, max: 254, message: t('staff.form.loginLength') },
          ]}
        >
          <Input maxLength={254} disabled={editing !== null} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="role"
          label={t('staff.form.role')}
          extra={editing ? t('staff.form.roleChange') : undefined}
          rules={[{ required: true, message: t('staff.form.roleRequired') }]}
        >
          <Select options={roleOptions} data-testid="role-select" />
        </Form.Item>
        <Form.Item
          name="storeIds"
          label={t('staff.form.stores')}
          extra={t('staff.form.storesHelp')}
          rules={[
            {
              validator: (_, value: string[] | undefined) =>
                role === 'store_clerk' && !value?.length
                  ? Promise.reject(new Error(t('staff.form.storesRequired')))
                  : value?.some((store) => store.length > 100)
                    ? Promise.reject(new Error(t('staff.form.storeLength')))
                    : Promise.resolve(),
            },
          ]}
        >
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', ' ']} />
        </Form.Item>
        {!editing && (
          <Form.Item
            name="password"
            label={t('staff.form.password')}
            extra={t('staff.form.passwordHelp')}
            rules={[{ min: 10, max: 256, message: t('staff.form.passwordLength') }]}
          >
            <Input.Password maxLength={256} autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
