import { describe, expect, test } from 'vitest';
import { newMemberKey } from '../../members/member-key.ts';
import { JifenError } from '../../shared/errors.ts';
import { LedgerDraft } from '../ledger-draft.ts';
import type { MemberAccount, ProgramLedgerSettings } from '../ledger-types.ts';
import { decideCredit } from './credit.ts';

const settings: ProgramLedgerSettings = {
  programId: 'prg_test',
  timezone: 'Asia/Shanghai',
  expiryPolicy: { kind: 'never' },
  negativeBalance: 'cap_at_zero',
  restoredLotGraceDays: 30,
  transferLimits: {},
  holdTtlSeconds: 900,
};
const context = {
  programId: 'prg_test',
  now: new Date('2026-03-01T00:00:00Z'),
  source: { kind: 'api' as const },
};

function draftWith(balances: Partial<MemberAccount['balances']>): LedgerDraft {
  const account: MemberAccount = {
    memberId: 'm',
    memberKey: newMemberKey(),
    status: 'active',
    balances: { available: 0, pending: 0, held: 0, debt: 0, growth: 0, ...balances },
  };
  return new LedgerDraft(settings, context.now, [account]);
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof JifenError ? error.code : 'not a JifenError';
  }
}

describe('decideCredit refuses before it changes anything', () => {
  const reason = { zh: 'x', en: 'x' };

  test.each([
    {
      name: 'points past 2^53 - 1',
      balances: { available: Number.MAX_SAFE_INTEGER - 5 },
      points: 10,
      growth: 0,
    },
    {
      name: 'held points count too',
      balances: { available: 10, held: Number.MAX_SAFE_INTEGER - 15 },
      points: 10,
      growth: 0,
    },
    { name: 'growth past 2^53 - 1', balances: { growth: Number.MAX_SAFE_INTEGER - 1 }, points: 1, growth: 2 },
  ])('$name → balance_limit_exceeded, draft untouched', ({ balances, points, growth }) => {
    const draft = draftWith(balances);
    const code = codeOf(() => decideCredit(draft, { memberId: 'm', points, growth, reason }, context));
    expect(code).toBe('balance_limit_exceeded');
    expect(draft.entries).toEqual([]);
    expect(draft.createdLotIds.size).toBe(0);
    expect(draft.account('m').balances).toMatchObject(balances);
  });

  test('right at the limit is fine', () => {
    const draft = draftWith({ available: Number.MAX_SAFE_INTEGER - 10 });
    decideCredit(draft, { memberId: 'm', points: 10, reason }, context);
    expect(draft.account('m').balances.available).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('an unrepresentable explicit expiry → validation_failed, draft untouched', () => {
    const draft = draftWith({});
    const code = codeOf(() =>
      decideCredit(
        draft,
        { memberId: 'm', points: 1, reason, expiresAt: new Date('2026-12-31T23:59:60Z') },
        context,
      ),
    );
    expect(code).toBe('validation_failed');
    expect(draft.entries).toEqual([]);
  });
});
