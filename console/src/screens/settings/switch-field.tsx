import { Form, Switch } from 'antd';
import type { SettingsFields } from './settings-model.ts';

/** An on/off setting: its form field holding a switch. */
export function SwitchField({
  name,
  label,
  extra,
}: {
  name: keyof SettingsFields;
  label: string;
  extra?: string;
}) {
  return (
    <Form.Item name={name} label={label} extra={extra} valuePropName="checked">
      <Switch />
    </Form.Item>
  );
}
