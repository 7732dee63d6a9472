import type { NegativeBalancePolicy, TransferLimits } from '../ledger/ledger-types.ts';
import type { ExpiryPolicy } from './expiry-policy.ts';

export interface Program {
  id: string;
  name: string;
  currency: string;
  /** `points` points are worth `amountMinor` minor units of `currency` (e.g. 100 points = 100 fen). */
  pointValue: { points: number; amountMinor: number };
  timezone: string;
  expiryPolicy: ExpiryPolicy;
  negativeBalance: NegativeBalancePolicy;
  restoredLotGraceDays: number;
  transferLimits: TransferLimits;
  holdTtlSeconds: number;
  /** Events for a member the program has not seen create the member (default true). */
  autoCreateMembers: boolean;
  createdAt: string;
  updatedAt: string;
  /** When the program was archived: its writes are refused from then on; null while it is live. */
  archivedAt: string | null;
}

export type ProgramSettingsPatch = Partial<
  Pick<
    Program,
    | 'name'
    | 'currency'
    | 'pointValue'
    | 'timezone'
    | 'expiryPolicy'
    | 'negativeBalance'
    | 'restoredLotGraceDays'
    | 'transferLimits'
    | 'holdTtlSeconds'
    | 'autoCreateMembers'
  >
>;
