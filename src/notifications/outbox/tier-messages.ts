import type { Reason } from '../../ledger/ledger-types.ts';
import { newId } from '../../shared/ids.ts';
import type { RecordedTierChanges } from '../../tiers/tier-change-hooks.ts';
import type { OutboxMessage } from '../message-types.ts';

/**
 * A `tier.changed` message for every recorded change that moved the member (an evaluation that
 * kept the tier is history, not news), with both tiers' names as the configuration that made the
 * change has them.
 */
export function tierChangedMessages(
  programId: string,
  recorded: RecordedTierChanges,
): OutboxMessage<'tier.changed'>[] {
  const { changes, current, now } = recorded;
  const nameOf = (code: string): Reason | null => {
    const tier = current.config.tiers.find((each) => each.code === code);
    return tier ? { zh: tier.name['zh-CN'], en: tier.name.en } : null;
  };
  return changes
    .filter((change) => change.fromTier !== change.toTier)
    .map((change) => ({
      id: newId('msg', now.getTime()),
      programId,
      memberId: change.memberId,
      memberKey: change.memberKey,
      type: 'tier.changed',
      data: {
        memberId: change.memberId,
        kind: change.kind,
        fromTier: change.fromTier,
        toTier: change.toTier,
        fromTierName: nameOf(change.fromTier),
        toTierName: nameOf(change.toTier),
        growthInWindow: change.growthInWindow,
        reason: change.reason,
        occurredAt: now.toISOString(),
      },
      createdAt: now,
    }));
}
