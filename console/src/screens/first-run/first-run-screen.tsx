import { JifenError } from '@jifen/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { apiKeyClient, useJifen } from '../../api/jifen.tsx';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import { startSession } from '../../api/session.tsx';
import { AuthPage } from '../../components/auth-page.tsx';
import { FormError } from '../../components/form-error.tsx';
import { LoginField } from '../../components/login-field.tsx';

/** The API's rule for passwords (src/staff/password-hash.ts). */
const MIN_PASSWORD_LENGTH = 10;
const MAX_PASSWORD_LENGTH = 256;

interface FirstRunFields {
  ownerKey: string;
  name: string;
  login: string;
  password: string;
  confirm: string;
}

/**
 * The first owner of a fresh installation: proven by the owner API key `jifen serve` printed at
 * bootstrap (whoever merely opens the console gets nothing). Creates the staff account with that
 * key (POST /v1/staff, role owner), then signs in as it.
 */
export default function FirstRunScreen() {
  const { t } = useTranslation();
  const session = useJifen();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form] = Form.useForm<FirstRunFields>();
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation({
    mutationFn: async (fields: FirstRunFields) => {
      const owner = apiKeyClient(fields.ownerKey.trim());
      await owner.call('createStaff', {
        body: { login: fields.login, name: fields.name, role: 'owner', password: fields.password },
      });
      return session.call('login', {
        body: { login: fields.login, password: fields.password, mode: 'cookie' },
      });
    },
    meta: { outsideSession: true },
    onMutate: () => setFormError(null),
    onSuccess: (answer) => {
      if (answer.status !== 'signed_in') {
        // Staff of several programs already (an existing login added here): choose at sign-in.
        navigate('/sign-in', { replace: true });
        return;
      }
      startSession(queryClient, answer.session);
      navigate('/', { replace: true });
    },
    onError: (error) => {
      if (error instanceof JifenError && (error.status === 401 || error.status === 403)) {
        form.setFields([{ name: 'ownerKey', errors: [t('firstRun.badKey')] }]);
        return;
      }
      const rest = showProblemOnForm(form, error);
      if (rest.length > 0 || !(error instanceof JifenError && error.code === 'validation_failed')) {
        setFormError(problemMessage(t, error));
      }
    },
  });

  return (
    <AuthPage title={t('firstRun.title')} footer={<Link to="/sign-in">{t('firstRun.backToSignIn')}</Link>}>
      <Typography.Paragraph type="secondary">{t('firstRun.intro')}</Typography.Paragraph>
      <FormError message={formError} testId="first-run-error" />
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(fields) => create.mutate(fields)}>
        <Form.Item
          name="ownerKey"
          label={t('firstRun.ownerKey')}
          extra={t('firstRun.ownerKeyHelp')}
          rules={[{ required: true, whitespace: true, message: t('firstRun.ownerKeyRequired') }]}
        >
          <Input.Password autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('firstRun.name')}
          rules={[{ required: true, whitespace: true, max: 128, message: t('firstRun.nameRequired') }]}
        >
          <Input autoComplete="name" />
        </Form.Item>
        <LoginField label={t('firstRun.login')} placeholder={t('firstRun.loginPlaceholder')} />
        <Form.Item
          name="password"
          label={t('firstRun.password')}
          rules={[
            {
              required: true,
              min: MIN_PASSWORD_LENGTH,
              max: MAX_PASSWORD_LENGTH,
              message: t('firstRun.passwordRule', { min: MIN_PASSWORD_LENGTH }),
            },
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('firstRun.confirm')}
          dependencies={['password']}
          rules={[
            { required: true, message: t('firstRun.confirmMismatch') },
            ({ getFieldValue }) => ({
              validator: (_rule, value) =>
                value === getFieldValue('password')
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('firstRun.confirmMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={create.isPending}>
          {t('firstRun.submit')}
        </Button>
      </Form>
    </AuthPage>
  );
}
