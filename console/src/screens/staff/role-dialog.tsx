import { Alert, Form, Input, Modal, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { FormError } from '../../components/form-error.tsx';
import { isPermission, PermissionMatrix } from './permission-matrix.tsx';
import { type RoleRow, useRoleName } from './roles.ts';
import { type Permission, useSaveRole } from './staff-queries.ts';

interface Fields {
  name: string;
  permissions: Permission[];
}

/**
 * A role's permissions: a built-in role read-only; a custom role's name and permission matrix
 * edited (or a new role's). The API's field errors land next to the fields; nothing typed is lost.
 */
export function RoleDialog({
  open,
  role,
  canManage,
  onClose,
  onSaved,
}: {
  open: boolean;
  role: RoleRow | null;
  canManage: boolean;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Fields>();
  const save = useSaveRole();
  const roleName = useRoleName();
  const [formError, setFormError] = useState<string | null>(null);
  const readOnly = !canManage || (role?.builtIn ?? false);

  useEffect(() => {
    if (open) {
      setFormError(null);
      form.setFieldsValue({
        name: role?.builtIn ? '' : (role?.name ?? ''),
        permissions: (role?.permissions ?? []).filter(isPermission),
      });
    }
  }, [open, role, form]);

  const close = () => {
    setFormError(null);
    onClose();
  };

  const title = !role
    ? t('staff.roles.createTitle')
    : readOnly
      ? t('staff.roles.viewTitle', { name: roleName(role.id, [role]) })
      : t('staff.roles.editTitle', { name: role.name });

  return (
    <Modal
      open={open}
      title={title}
      width={1000}
      okText={t('staff.roles.save')}
      cancelText={readOnly ? t('common.close') : t('common.cancel')}
      okButtonProps={readOnly ? { style: { display: 'none' } } : {}}
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      forceRender
    >
      {role?.builtIn && (
        <Alert type="info" showIcon message={t('staff.roles.builtInNote')} style={{ marginBottom: 16 }} />
      )}
      <FormError message={formError} testId="form-error" />
      <Form<Fields>
        form={form}
        name="role"
        layout="vertical"
        data-testid="role-form"
        onFinish={(fields) => {
          setFormError(null);
          save.mutate(
            { roleId: role?.id ?? null, body: { name: fields.name.trim(), permissions: fields.permissions } },
            {
              onSuccess: (saved) => {
                onSaved(saved.name);
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
        {!readOnly && (
          <Form.Item
            name="name"
            label={t('staff.roles.name')}
            rules={[
              { required: true, whitespace: true, message: t('staff.roles.nameRequired') },
              { max: 64, message: t('staff.roles.nameLength') },
            ]}
          >
            <Input maxLength={64} placeholder={t('staff.roles.namePlaceholder')} style={{ maxWidth: 360 }} />
          </Form.Item>
        )}
        <Form.Item
          name="permissions"
          label={t('staff.roles.matrix')}
          extra={
            readOnly ? undefined : (
              <Typography.Text type="secondary">{t('staff.roles.matrixHelp')}</Typography.Text>
            )
          }
          rules={[{ required: true, type: 'array', min: 1, message: t('staff.roles.matrixRequired') }]}
        >
          <PermissionMatrix readOnly={readOnly} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
