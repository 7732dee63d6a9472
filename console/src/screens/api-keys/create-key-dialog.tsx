import type { ScopeName } from '@jifen/sdk';
import { Alert, Checkbox, Form, Input, InputNumber, Modal, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { FormError } from '../../components/form-error.tsx';
import { type NewApiKey, useCreateApiKey } from './api-keys-queries.ts';

/** Every scope a key may have, in the API's order (a new scope in the SDK fails the typecheck here). */
const SCOPE_ORDER = {
  '*': 0,
  'members:read': 1,
  'members:write': 2,
  'ledger:read': 3,
  'ledger:write': 4,
  'rules:read': 5,
  'rules:write': 6,
  'events:read': 7,
  'events:write': 8,
  'rewards:read': 9,
  'rewards:write': 10,
  'imports:read': 11,
  'imports:write': 12,
  'keys:manage': 13,
  'program:manage': 14,
  'staff:manage': 15,
  'approvals:decide': 16,
  'audit:read': 17,
  'finance:read': 18,
  personal_data: 19,
} satisfies Record<ScopeName, number>;
export const SCOPES = Object.keys(SCOPE_ORDER) as ScopeName[];

/** The API's limits (POST /v1/api-keys). */
const MAX_NAME = 100;
const MAX_RATE_LIMIT = 1_000_000;

interface Fields {
  name: string;
  scopes: ScopeName[];
  rateLimitPerMinute?: number | null;
  requiresApproval?: boolean;
}

/**
 * Create a key: validates as the API does, shows the API's field errors next to the fields (what
 * was typed stays), and then the secret, once.
 */
export function CreateKeyDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Fields>();
  const create = useCreateApiKey();
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  const close = () => {
    form.resetFields();
    create.reset();
    setFormError(null);
    setSecret(null);
    onClose();
  };

  const submit = (fields: Fields) => {
    setFormError(null);
    const body: NewApiKey = {
      name: fields.name,
      scopes: fields.scopes,
      ...(fields.rateLimitPerMinute ? { rateLimitPerMinute: fields.rateLimitPerMinute } : {}),
      ...(fields.requiresApproval ? { requiresApproval: true } : {}),
    };
    create.mutate(body, {
      onSuccess: (created) => setSecret(created.secret),
      onError: (error) => {
        showProblemOnForm(form, error);
        setFormError(problemMessage(t, error));
      },
    });
  };

  if (secret !== null) {
    return (
      <Modal
        open={open}
        title={t('apiKeys.secretTitle')}
        onCancel={close}
        onOk={close}
        okText={t('common.close')}
        cancelButtonProps={{ style: { display: 'none' } }}
        maskClosable={false}
      >
        <Alert type="warning" showIcon message={t('apiKeys.secretWarning')} style={{ marginBottom: 16 }} />
        <Typography.Paragraph
          className="secret"
          data-testid="new-key-secret"
          copyable={{ text: secret, tooltips: [t('common.copy'), t('common.copied')] }}
        >
          {secret}
        </Typography.Paragraph>
      </Modal>
    );
  }

  return (
    <Modal
      open={open}
      title={t('apiKeys.form.title')}
      okText={t('apiKeys.form.submit')}
      cancelText={t('common.cancel')}
      onCancel={close}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
      width={640}
    >
      <FormError message={formError} testId="form-error" />
      <Form<Fields>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ scopes: [], requiresApproval: false }}
        data-testid="create-key-form"
      >
        <Form.Item
          name="name"
          label={t('apiKeys.form.name')}
          rules={[
            { required: true, message: t('apiKeys.form.nameRequired') },
            { max: MAX_NAME, message: t('apiKeys.form.nameLength') },
          ]}
        >
          <Input placeholder={t('apiKeys.form.namePlaceholder')} maxLength={MAX_NAME} showCount />
        </Form.Item>
        <Form.Item
          name="scopes"
          label={t('apiKeys.form.scopes')}
          extra={t('apiKeys.form.scopesHelp')}
          rules={[{ required: true, type: 'array', min: 1, message: t('apiKeys.form.scopesRequired') }]}
        >
          <Checkbox.Group
            style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(180px, 1fr))', gap: 4 }}
            options={SCOPES.map((scope) => ({ value: scope, label: t(`apiKeys.scopeNames.${scope}`) }))}
          />
        </Form.Item>
        <Form.Item
          name="rateLimitPerMinute"
          label={t('apiKeys.form.rateLimit')}
          extra={t('apiKeys.form.rateLimitHelp')}
          rules={[
            { type: 'integer', min: 1, max: MAX_RATE_LIMIT, message: t('apiKeys.form.rateLimitRange') },
          ]}
        >
          <InputNumber min={1} max={MAX_RATE_LIMIT} precision={0} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item
          name="requiresApproval"
          label={t('apiKeys.form.requiresApproval')}
          extra={t('apiKeys.form.requiresApprovalHelp')}
          valuePropName="checked"
        >
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
