import { Form, InputNumber, type FormRule as Rule } from 'antd';
import type { ReactNode } from 'react';
import type { SettingsFields } from './settings-model.ts';

/** The rule of a whole number between min and max (the API's limits), with the message that says so. */
export const integer = (min: number, max: number, message: string) => ({
  type: 'integer' as const,
  min,
  max,
  message,
});

/**
 * A whole-number setting (a count, a limit, a threshold): its form field with the range rule and, unless
 * `optional` (an empty field means "no limit"), a required rule with the same message.
 */
export function WholeNumberField({
  name,
  label,
  extra,
  min,
  max,
  rangeMessage,
  optional = false,
  extraRules = [],
  dependencies,
  placeholder,
  width,
  ariaLabel,
  noStyle,
}: {
  name: keyof SettingsFields;
  label?: ReactNode;
  extra?: ReactNode;
  min: number;
  max: number;
  rangeMessage: string;
  optional?: boolean;
  extraRules?: Rule[];
  dependencies?: (keyof SettingsFields)[];
  placeholder?: string;
  width: number | string;
  ariaLabel?: string;
  noStyle?: boolean;
}) {
  const required: Rule[] = optional ? [] : [{ required: true, message: rangeMessage }];
  return (
    <Form.Item
      name={name}
      label={label}
      extra={extra}
      noStyle={noStyle}
      dependencies={dependencies}
      rules={[...required, integer(min, max, rangeMessage), ...extraRules]}
    >
      <InputNumber
        min={min}
        max={max}
        precision={0}
        placeholder={placeholder}
        style={{ width }}
        aria-label={ariaLabel}
      />
    </Form.Item>
  );
}
