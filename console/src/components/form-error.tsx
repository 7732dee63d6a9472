import { Alert } from 'antd';

/** A form's error that belongs to no one field (the API's problem, what it did not pin on a field); nothing without one. */
export function FormError({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return <Alert type="error" showIcon message={message} style={{ marginBottom: 16 }} data-testid={testId} />;
}
