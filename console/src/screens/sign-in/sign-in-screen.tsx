import { JifenError } from '@jifen/sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useJifen } from '../../api/jifen.tsx';
import { showProblemOnForm } from '../../api/problem-fields.ts';
import { problemMessage } from '../../api/problem-message.ts';
import type { ProgramOption } from '../../api/programs.ts';
import { safeNext, startSession } from '../../api/session.tsx';
import { AuthPage } from '../../components/auth-page.tsx';
import { FormError } from '../../components/form-error.tsx';
import { LoginField } from '../../components/login-field.tsx';

interface SignInFields {
  login: string;
  password: string;
  totp?: string;
  programId?: string;
}

/**
 * Sign-in: login and password; the 6-digit code when the API says the login has a second factor
 * (totp_required); the program when the person is staff of several (choose_program). Then back to
 * the page that sent here (`?next=`), or the start.
 */
export default function SignInScreen() {
  const { t } = useTranslation();
  const jifen = useJifen();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [form] = Form.useForm<SignInFields>();
  const [needsTotp, setNeedsTotp] = useState(false);
  const [programs, setPrograms] = useState<ProgramOption[]>([]);
  const [formError, setFormError] = useState<string | null>(null);

  const signIn = useMutation({
    mutationFn: (fields: SignInFields) =>
      jifen.call('login', {
        body: {
          login: fields.login,
          password: fields.password,
          mode: 'cookie',
          ...(fields.totp ? { totp: fields.totp } : {}),
          ...(fields.programId ? { programId: fields.programId } : {}),
        },
      }),
    meta: { outsideSession: true },
    onMutate: () => setFormError(null),
    onSuccess: (answer) => {
      if (answer.status === 'choose_program') {
        setPrograms(answer.programs);
        return;
      }
      startSession(queryClient, answer.session);
      navigate(safeNext(params.get('next')), { replace: true });
    },
    onError: (error) => {
      if (error instanceof JifenError && error.code === 'totp_required') {
        setNeedsTotp(true);
        return;
      }
      showProblemOnForm(form, error);
      setFormError(problemMessage(t, error));
    },
  });

  return (
    <AuthPage title={t('signIn.title')} footer={<Link to="/first-run">{t('signIn.firstRun')}</Link>}>
      {params.get('ended') === '1' && (
        <Alert
          type="warning"
          showIcon
          message={t('signIn.expired')}
          style={{ marginBottom: 16 }}
          data-testid="session-ended"
        />
      )}
      <FormError message={formError} testId="sign-in-error" />
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(fields) => signIn.mutate(fields)}>
        <LoginField label={t('signIn.login')} placeholder={t('signIn.loginPlaceholder')} autoFocus />
        <Form.Item
          name="password"
          label={t('signIn.password')}
          rules={[{ required: true, message: t('signIn.passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {needsTotp && (
          <Form.Item
            name="totp"
            label={t('signIn.totp')}
            extra={t('signIn.totpHelp')}
            rules={[{ required: true, pattern: /^[0-9]{6}$/, message: t('signIn.totpInvalid') }]}
          >
            <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} autoFocus />
          </Form.Item>
        )}
        {programs.length > 0 && (
          <Form.Item
            name="programId"
            label={t('signIn.program')}
            extra={t('signIn.programHelp')}
            rules={[{ required: true, message: t('signIn.programRequired') }]}
          >
            <Select
              options={programs.map((program) => ({
                value: program.programId,
                label: `${program.programName} (${program.role})`,
              }))}
            />
          </Form.Item>
        )}
        <Button type="primary" htmlType="submit" block loading={signIn.isPending}>
          {t('signIn.submit')}
        </Button>
      </Form>
    </AuthPage>
  );
}
