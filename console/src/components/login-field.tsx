import { Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';

/** A staff login (an email or a name, 3 to 254 characters, as the API takes it): sign-in's and first run's. */
export function LoginField({
  label,
  placeholder,
  autoFocus,
}: {
  label: string;
  placeholder: string;
  autoFocus?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Form.Item
      name="login"
      label={label}
      rules={[
        { required: true, message: t('signIn.loginRequired') },
        { min: 3, max: 254, message: t('signIn.loginLength') },
      ]}
    >
      <Input autoComplete="username" placeholder={placeholder} autoFocus={autoFocus} />
    </Form.Item>
  );
}
