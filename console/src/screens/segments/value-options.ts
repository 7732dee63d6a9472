import { useTranslation } from 'react-i18next';
import type { ValueOptions } from '../../components/condition-builder/comparison-line.tsx';
import { useLocalized } from '../../i18n/localized-text.ts';
import { STAGES } from './segment-types.ts';
import { useSegments } from './segments-queries.ts';

const STATUSES = ['active', 'frozen', 'blocked'] as const;

/** The known values of the fields that have them: a member's status, stage and segments, by name. */
export function useValueOptions(): ValueOptions {
  const { t } = useTranslation();
  const localized = useLocalized();
  const segments = useSegments('active');
  const ruleSegments = (segments.data?.data ?? []).filter((segment) => segment.kind === 'rule');
  return (field) => {
    switch (field) {
      case 'member.status':
        return STATUSES.map((status) => ({ value: status, label: t(`members.status.${status}`) }));
      case 'member.stage':
        return STAGES.map((stage) => ({ value: stage, label: t(`segments.stages.stage_${stage}`) }));
      case 'member.segments':
        return ruleSegments.map((segment) => ({ value: segment.id, label: localized(segment.name) }));
      default:
        return undefined;
    }
  };
}
