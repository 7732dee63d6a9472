import { DeleteOutlined } from '@ant-design/icons';
import { Button, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { localizedText } from '../../i18n/localized-text.ts';
import { type ComparisonDraft, freeKeyPrefix, operatorsFor, specOf, withField } from './condition-draft.ts';
import { type FieldSpec, isMoneyField, type Operator, type Scalar, valueShape } from './condition-types.ts';

/** Choices for a field's values, where there are known ones (`member.stage` → the stages). */
export type ValueOptions = (field: string) => { value: string; label: string }[] | undefined;

const WINDOWS = ['7d', '30d', '90d', '180d', '365d', 'all'] as const;

/** One comparison of the builder: field, window or key, comparison, value(s), and a remove button. */
export function ComparisonLine({
  draft,
  fields,
  valueOptions,
  problems,
  disabled,
  onChange,
  onRemove,
}: {
  draft: ComparisonDraft;
  fields: readonly FieldSpec[];
  valueOptions?: ValueOptions;
  problems: readonly { message: string }[];
  disabled?: boolean;
  onChange: (next: ComparisonDraft) => void;
  onRemove: () => void;
}) {
  const { t, i18n } = useTranslation();
  const spec = specOf(fields, draft.field);
  const listed = spec !== undefined || draft.field === undefined;
  const fieldOptions = [
    ...fields.map((field) => ({
      value: field.field,
      label: localizedText(field.description, i18n.language),
      search: `${field.field} ${field.description['zh-CN']} ${field.description.en}`.toLowerCase(),
    })),
    ...(listed
      ? []
      : [{ value: draft.field as string, label: draft.field as string, search: draft.field as string }]),
  ];
  const set = (patch: Partial<ComparisonDraft>) => onChange({ ...draft, ...patch });

  return (
    <div data-testid="condition-line">
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <Space wrap align="start" size={8} style={{ flex: 1 }}>
          <Select
            showSearch
            aria-label={t('conditionBuilder.field')}
            data-testid="condition-field"
            placeholder={t('conditionBuilder.fieldPlaceholder')}
            value={draft.field}
            disabled={disabled}
            style={{ width: 220 }}
            popupMatchSelectWidth={320}
            options={fieldOptions}
            filterOption={(input, option) => (option?.search ?? '').includes(input.toLowerCase())}
            optionRender={(option) => (
              <Space direction="vertical" size={0}>
                <span>{option.data.label}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {option.data.value}
                </Typography.Text>
              </Space>
            )}
            onChange={(field: string) => onChange(withField(draft, specOf(fields, field), field))}
          />
          {spec?.windowed && (
            <WindowPicker draft={draft} disabled={disabled} onChange={(window) => set({ window })} />
          )}
          {spec && freeKeyPrefix(spec) !== null && (
            <Input
              aria-label={t('conditionBuilder.freeKey')}
              placeholder={t('conditionBuilder.freeKeyPlaceholder')}
              value={draft.freeKey}
              disabled={disabled}
              style={{ width: 160 }}
              onChange={(event) => set({ freeKey: event.target.value.trim() })}
            />
          )}
          {draft.field !== undefined && (
            <Select<Operator>
              aria-label={t('conditionBuilder.operator')}
              data-testid="condition-op"
              value={draft.op}
              disabled={disabled}
              style={{ width: 150 }}
              virtual={false}
              options={operatorsFor(spec).map((op) => ({
                value: op,
                label: t(`conditionBuilder.ops.${op}`),
              }))}
              onChange={(op) => set({ op })}
            />
          )}
          {draft.field !== undefined && draft.op !== undefined && (
            <ValueInput
              draft={draft}
              spec={spec}
              options={valueOptions?.(draft.field)}
              disabled={disabled}
              onChange={set}
            />
          )}
        </Space>
        {!disabled && (
          <Button
            type="text"
            danger
            icon={<DeleteOutlined />}
            aria-label={t('conditionBuilder.remove')}
            title={t('conditionBuilder.remove')}
            onClick={onRemove}
            data-testid="condition-remove"
          />
        )}
      </div>
      {problems.map((problem) => (
        <div key={problem.message} className="ant-form-item-explain-error">
          {problem.message}
        </div>
      ))}
    </div>
  );
}

function WindowPicker({
  draft,
  disabled,
  onChange,
}: {
  draft: ComparisonDraft;
  disabled?: boolean;
  onChange: (window: string) => void;
}) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState(!(WINDOWS as readonly string[]).includes(draft.window));
  const days = /^(\d+)d$/.exec(draft.window)?.[1];
  return (
    <Space.Compact>
      <Select<string>
        aria-label={t('conditionBuilder.window')}
        data-testid="condition-window"
        value={custom ? 'custom' : draft.window}
        disabled={disabled}
        style={{ width: 120 }}
        options={[...WINDOWS, 'custom' as const].map((window) => ({
          value: window,
          label: t(`conditionBuilder.windows.${window}`),
        }))}
        onChange={(window) => {
          setCustom(window === 'custom');
          if (window !== 'custom') onChange(window);
        }}
      />
      {custom && (
        <InputNumber<number>
          aria-label={t('conditionBuilder.days')}
          data-testid="condition-days"
          min={1}
          max={3650}
          precision={0}
          value={days === undefined ? null : Number(days)}
          disabled={disabled}
          addonAfter={t('conditionBuilder.daysSuffix')}
          style={{ width: 140 }}
          onChange={(value) => onChange(value === null ? '' : `${value}d`)}
        />
      )}
    </Space.Compact>
  );
}

function ValueInput({
  draft,
  spec,
  options,
  disabled,
  onChange,
}: {
  draft: ComparisonDraft;
  spec: FieldSpec | undefined;
  options?: { value: string; label: string }[];
  disabled?: boolean;
  onChange: (patch: Partial<ComparisonDraft>) => void;
}) {
  const { t } = useTranslation();
  const op = draft.op as Operator;
  const money = spec?.type === 'number' && draft.field !== undefined && isMoneyField(draft.field);
  const one = (value: Scalar | undefined, set: (value: Scalar | undefined) => void, label: string) => {
    if (options && spec?.type !== 'number')
      return (
        <Select
          showSearch
          aria-label={label}
          data-testid="condition-value"
          value={value as string | undefined}
          disabled={disabled}
          style={{ width: 200 }}
          options={options}
          optionFilterProp="label"
          onChange={(next: string) => set(next)}
        />
      );
    if (spec?.type === 'number')
      return (
        <InputNumber<number>
          aria-label={label}
          data-testid="condition-value"
          value={typeof value === 'number' ? value : null}
          disabled={disabled}
          precision={money ? 2 : undefined}
          addonAfter={money ? t('conditionBuilder.yuan') : undefined}
          style={{ width: money ? 180 : 140 }}
          onChange={(next) => set(next ?? undefined)}
        />
      );
    return (
      <Input
        aria-label={label}
        data-testid="condition-value"
        value={value === undefined ? '' : String(value)}
        disabled={disabled}
        placeholder={spec?.type === 'date' ? t('conditionBuilder.datePlaceholder') : undefined}
        style={{ width: 170 }}
        onChange={(event) => set(event.target.value)}
      />
    );
  };

  switch (valueShape(op)) {
    case 'none':
      return null;
    case 'one':
      return one(draft.value, (value) => onChange({ value }), t('conditionBuilder.value'));
    case 'range':
      return (
        <Space size={4}>
          {one(
            draft.range[0],
            (low) => onChange({ range: [low, draft.range[1]] }),
            t('conditionBuilder.low'),
          )}
          <span>{t('conditionBuilder.and')}</span>
          {one(
            draft.range[1],
            (high) => onChange({ range: [draft.range[0], high] }),
            t('conditionBuilder.high'),
          )}
        </Space>
      );
    case 'list':
      return (
        <Select
          mode={options ? 'multiple' : 'tags'}
          aria-label={t('conditionBuilder.values')}
          data-testid="condition-values"
          placeholder={t('conditionBuilder.values')}
          value={draft.list.map(String)}
          disabled={disabled}
          open={options ? undefined : false}
          tokenSeparators={[',', '，']}
          suffixIcon={money ? t('conditionBuilder.yuan') : undefined}
          style={{ minWidth: 240 }}
          options={options}
          optionFilterProp="label"
          onChange={(values: string[]) => onChange({ list: values })}
        />
      );
  }
}
