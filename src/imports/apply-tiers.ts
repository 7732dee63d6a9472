import { JifenError } from '../shared/errors.ts';
import { assignTier } from '../tiers/member-tier.ts';
import { type ApplyChunk, emptyResult } from './apply-chunk.ts';

interface TierRow {
  memberId: string;
  tier: string;
  until: string;
  reason: string;
}

/** A chunk of current tiers: each a manual assignment until its date, audited in tier history. */
export const applyTiers: ApplyChunk = (context, rows, record) =>
  context.db.transaction(async (tx) => {
    const result = emptyResult();
    for (const row of rows) {
      const tier = row.payload as unknown as TierRow;
      try {
        await assignTier(
          tx,
          { programId: context.programId, now: context.now, source: context.source },
          tier.memberId,
          { tier: tier.tier, until: new Date(tier.until), reason: tier.reason },
        );
      } catch (error) {
        if (!(error instanceof JifenError)) throw error;
        result.errors.push({
          line: row.line,
          column:
            error.code === 'member_not_found' ? 'memberId' : error.code === 'tier_not_found' ? 'tier' : null,
          message:
            error.code === 'member_not_found'
              ? `member ${tier.memberId} does not exist: import the members first (jifen import members)`
              : `refused (${error.code}): ${error.detail}`,
        });
        continue;
      }
      result.applied.push({
        line: row.line,
        externalId: row.externalId,
        rowHash: row.rowHash,
        entryIds: [],
        memberCreated: false,
      });
    }
    await record(tx, result);
    return result;
  });
