import { Select, type SelectProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useLocalized } from '../../i18n/localized-text.ts';
import { useSegments } from './segments-queries.ts';

/**
 * A select of the program's active segments (lifecycle stages first): by name in the console's
 * language, searchable by name or id. Its value is the segment's id.
 */
export function SegmentPicker({
  value,
  onChange,
  kind,
  ...props
}: {
  value?: string;
  onChange?: (segmentId: string | undefined) => void;
  /** Only stages, or only rule segments; all when left out. */
  kind?: 'rule' | 'stage';
} & Pick<SelectProps, 'style' | 'placeholder' | 'allowClear' | 'disabled' | 'aria-label' | 'id'>) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const segments = useSegments('active');
  const options = (segments.data?.data ?? [])
    .filter((segment) => kind === undefined || segment.kind === kind)
    .map((segment) => ({
      value: segment.id,
      label: localized(segment.name),
      search: `${segment.id} ${segment.name['zh-CN']} ${segment.name.en}`.toLowerCase(),
    }));
  return (
    <Select
      showSearch
      allowClear
      placeholder={t('segments.picker.placeholder')}
      loading={segments.isPending}
      notFoundContent={segments.isError ? t('segments.picker.failed') : undefined}
      data-testid="segment-picker"
      {...props}
      value={value}
      onChange={(next: string | undefined) => onChange?.(next)}
      options={options}
      filterOption={(input, option) => (option?.search ?? '').includes(input.toLowerCase())}
    />
  );
}
