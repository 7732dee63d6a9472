import type { MemberSegments, Output } from '@jifen/sdk';

/** The segments API's shapes the screens name (the SDK's, generated from the OpenAPI document). */
export type {
  MemberSegments,
  Segment,
  SegmentMember,
  SegmentSettings,
} from '@jifen/sdk';

export type SegmentField = Output<'listSegmentFields'>['data'][number];
export type SegmentSize = Output<'listSegmentSizes'>['data'][number];
export type SegmentCheck = MemberSegments['segments'][number]['checks'][number];

/** Lifecycle stages, in the order a member is judged (a member is in exactly one); `stage_<stage>` as segments. */
export const STAGES = ['new', 'high_value', 'active', 'at_risk', 'dormant', 'churned'] as const;
