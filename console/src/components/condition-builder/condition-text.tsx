import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format.ts';
import { localizedText } from '../../i18n/localized-text.ts';
import type { ValueOptions } from './comparison-line.tsx';
import { freeKeyPrefix, parseFieldPath } from './condition-draft.ts';
import {
  type Condition,
  type FieldSpec,
  isMoneyField,
  type Operator,
  type Scalar,
} from './condition-types.ts';

/**
 * A condition in plain words, as a nested list ("All of these hold: orders in the last 30 days is
 * at least 3; tags contains vip"): how a saved segment is shown, never as JSON.
 */
export function ConditionText({
  condition,
  fields,
  valueOptions,
}: {
  condition: Condition;
  fields: readonly FieldSpec[];
  valueOptions?: ValueOptions;
}) {
  const { t, i18n } = useTranslation();
  const words = useConditionWords(fields, valueOptions);
  const node = (part: Condition, key: string): React.ReactNode => {
    if ('all' in part || 'any' in part || 'not' in part) {
      const [mode, children] =
        'all' in part
          ? (['all', part.all] as const)
          : 'any' in part
            ? (['any', part.any] as const)
            : 'all' in part.not
              ? (['notAll', part.not.all] as const)
              : 'any' in part.not
                ? (['none', part.not.any] as const)
                : (['none', [part.not]] as const);
      return (
        <li key={key}>
          {t(`conditionBuilder.modes.${mode}`)}
          {i18n.language === 'en' ? ':' : '：'}
          <ul style={{ margin: '4px 0', paddingInlineStart: 20 }}>
            {children.map((child, index) => node(child, `${key}.${index}`))}
          </ul>
        </li>
      );
    }
    return (
      <li key={key} data-testid="condition-text-line">
        {words.comparison(part.field, part.op, part.value)}
      </li>
    );
  };
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="condition-text">
      {node(condition, 'c')}
    </ul>
  );
}

/** Words for a field, an operator and a value, in the console's language (also for the "why" of a membership). */
export function useConditionWords(fields: readonly FieldSpec[], valueOptions?: ValueOptions) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const field = (path: string) => fieldWords(t, language, path, fields);
  const value = (path: string, shown: unknown, op?: string) =>
    valueWords(t, language, path, shown, op, fields, valueOptions);
  return {
    field,
    value,
    op: (op: string) => t(`conditionBuilder.ops.${op}` as 'conditionBuilder.ops.eq', { defaultValue: op }),
    comparison: (path: string, op: Operator | string, shown: unknown) =>
      [
        field(path),
        t(`conditionBuilder.ops.${op}` as 'conditionBuilder.ops.eq', { defaultValue: op }),
        op === 'exists' || op === 'not_exists' ? '' : value(path, shown, op),
      ]
        .filter(Boolean)
        .join(' '),
  };
}

function fieldWords(t: TFunction, language: string, path: string, fields: readonly FieldSpec[]): string {
  const { spec, window, freeKey } = parseFieldPath(path, fields);
  if (!spec) return path;
  const name = localizedText(spec.description, language);
  if (freeKeyPrefix(spec) !== null) return `${name}「${freeKey}」`;
  if (!spec.windowed) return name;
  const days = /^(\d+)d$/.exec(window)?.[1];
  const span =
    window === 'all'
      ? t('conditionBuilder.windows.all')
      : t('conditionBuilder.lastDays', { days: Number(days) });
  return language === 'en' ? `${name} (${span})` : `${name}（${span}）`;
}

function valueWords(
  t: TFunction,
  language: string,
  path: string,
  shown: unknown,
  op: string | undefined,
  fields: readonly FieldSpec[],
  valueOptions?: ValueOptions,
): string {
  const { spec } = parseFieldPath(path, fields);
  const options = valueOptions?.(spec?.field ?? path);
  const one = (value: unknown): string => {
    if (typeof value === 'number') {
      if (spec?.type === 'number' && isMoneyField(path))
        return t('conditionBuilder.yuanAmount', {
          amount: new Intl.NumberFormat(language, { minimumFractionDigits: 2 }).format(value / 100),
        });
      return formatNumber(value);
    }
    if (typeof value === 'string')
      return options?.find((option) => option.value === value)?.label ?? `“${value}”`;
    if (value === null || value === undefined) return t('conditionBuilder.none');
    return String(value);
  };
  if (Array.isArray(shown)) {
    const values = shown as Scalar[];
    return op === 'between' && values.length === 2
      ? `${one(values[0])} ${t('conditionBuilder.and')} ${one(values[1])}`
      : values.map(one).join(language === 'en' ? ', ' : '、');
  }
  return one(shown);
}
