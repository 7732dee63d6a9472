import type { Condition, FieldSpec } from '../../components/condition-builder/condition-types.ts';
import type { Localized } from '../../i18n/localized-text.ts';

/** The segments API's shapes, as the console reads them. */
export interface Segment {
  id: string;
  kind: 'rule' | 'stage';
  name: Localized;
  description: string | null;
  condition: Condition | null;
  status: 'active' | 'archived';
  size: number | null;
  computedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type SegmentField = FieldSpec;

export interface SegmentSettings {
  rfmWindowDays: number;
  stages: {
    newDays: number;
    activeDays: number;
    atRiskDays: number;
    churnedDays: number;
    highValueMinMonetary: number;
    highValueMinFrequency: number;
  };
  recomputeEveryMinutes: number;
}

export interface SegmentMember {
  memberId: string;
  since: string;
}

export interface SegmentSize {
  date: string;
  members: number;
}

export interface SegmentCheck {
  field: string;
  op: string;
  value?: unknown;
  actual?: unknown;
  ok: boolean;
}

export interface MemberSegments {
  stage: string | null;
  rfm: {
    recencyDays: number | null;
    orders: number;
    spendMinor: number;
    recency: number | null;
    frequency: number | null;
    monetary: number | null;
  } | null;
  computedAt: string | null;
  segments: { id: string; kind: 'rule' | 'stage'; name: Localized; since: string; checks: SegmentCheck[] }[];
}

/** Lifecycle stages, in the order a member is judged (a member is in exactly one). */
export const STAGE_IDS = [
  'stage_new',
  'stage_high_value',
  'stage_active',
  'stage_at_risk',
  'stage_dormant',
  'stage_churned',
] as const;
