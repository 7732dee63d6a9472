import type { Reason } from '../ledger/ledger-types.ts';
import type { ReasonInputType } from '../shared/api-schemas.ts';

export function toReason(input: ReasonInputType): Reason {
  return typeof input === 'string' ? { zh: input, en: input } : { zh: input['zh-CN'], en: input.en };
}
