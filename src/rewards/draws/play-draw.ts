import type { Queryable } from '../../db/database.ts';
import type { CommandContext, CommandResult } from '../../ledger/commands/command-context.ts';
import { decideCredit } from '../../ledger/commands/credit.ts';
import { decideDebit } from '../../ledger/commands/debit.ts';
import type { LedgerDraft } from '../../ledger/ledger-draft.ts';
import { loadDraft } from '../../ledger/ledger-store.ts';
import type { Entry, EntrySource, Reason } from '../../ledger/ledger-types.ts';
import { entryView } from '../../ledger/ledger-views.ts';
import type { MemberKey } from '../../members/member-key.ts';
import { localMoment } from '../../rules/rule-facts.ts';
import { JifenError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { awardPrize, getDraw } from './draw-store.ts';
import type { Draw, Play } from './draw-types.ts';
import { drawTicket, pickOutcome, totalWeight } from './pick-outcome.ts';
import { countPlaysOnDay, insertPlay, playView } from './play-store.ts';

export const drawReasons = {
  cost: (name: Reason): Reason => ({ zh: `抽奖 ${name.zh}`, en: `Lucky draw: ${name.en}` }),
  prize: (name: Reason): Reason => ({ zh: `抽奖奖品 ${name.zh}`, en: `Lucky draw prize: ${name.en}` }),
};

/** Why the draw cannot be played now: not live, or outside its window. */
export function assertPlayable(draw: Draw, now: Date): void {
  if (draw.status !== 'live') {
    throw new JifenError('draw_unavailable', {
      detail: `The draw is ${draw.status}, not live.`,
      extensions: { why: 'not_live', drawStatus: draw.status },
    });
  }
  if (
    (draw.availableFrom && now < draw.availableFrom) ||
    (draw.availableUntil && now >= draw.availableUntil)
  ) {
    throw new JifenError('draw_unavailable', {
      detail: 'The draw is outside its availability window.',
      extensions: {
        why: 'outside_window',
        availableFrom: draw.availableFrom?.toISOString() ?? null,
        availableUntil: draw.availableUntil?.toISOString() ?? null,
      },
    });
  }
}

/** The member's plays of the draw on the local day, read under the member's lock. */
export async function playsToday(
  tx: Queryable,
  programId: string,
  draw: Draw,
  memberKey: MemberKey,
  localDay: string,
) {
  return draw.perMemberPerDay === null ? 0 : countPlaysOnDay(tx, programId, draw.id, memberKey, localDay);
}

/**
 * `POST /v1/draws/:id/play`, in one transaction. Lock order: the member (with its lots), then the
 * draw's prize rows in id order, so plays of one draw queue on its prizes and stock never goes
 * below zero; the member lock serialises the member's balance and daily count.
 */
export async function playDraw(
  tx: Queryable,
  context: CommandContext,
  drawId: string,
  memberId: string,
  random: (total: number) => { random: number; ticket: number } = drawTicket,
): Promise<CommandResult> {
  const { programId, now } = context;
  const draft = await loadDraft(tx, { programId, memberIds: [memberId], lots: true }, now);
  const draw = await getDraw(tx, programId, drawId, { lock: 'prizes' });
  assertPlayable(draw, now);
  const localDay = localMoment(now, draft.settings.timezone).date;
  const played = await playsToday(tx, programId, draw, draft.keyOf(memberId), localDay);
  if (draw.perMemberPerDay !== null && played >= draw.perMemberPerDay) {
    throw new JifenError('draw_limit_reached', {
      detail: `The member played ${played} of ${draw.perMemberPerDay} times allowed on ${localDay}.`,
      extensions: { limit: draw.perMemberPerDay, used: played, localDay },
    });
  }
  const apiKeyId = context.source.apiKeyId;
  const source = { kind: 'redemption' as const, drawId, ...(apiKeyId ? { apiKeyId } : {}) };
  const { play, entries } = await playLockedDraw(
    tx,
    context,
    { draft, draw, memberId, localDay, source },
    random,
  );
  return { status: 201, body: { ...playView(play), entries: entries.map(entryView) }, draft };
}

export interface LockedPlay {
  draft: LedgerDraft;
  /** Read with its prize rows locked, after the member's lock; judged playable by the caller. */
  draw: Draw;
  memberId: string;
  localDay: string;
  /** The entries' source; the play's id is added to it. */
  source: EntrySource;
}

/**
 * One play, once the caller holds the locks and judged the play allowed: spend the cost, draw a
 * crypto-random ticket, give the prize (points through the ledger, stock down), keep the play.
 * Shared by the draw's own endpoint and the catalogue (a lucky_draw entry redeemed).
 */
export async function playLockedDraw(
  tx: Queryable,
  context: CommandContext,
  input: LockedPlay,
  random: (total: number) => { random: number; ticket: number } = drawTicket,
): Promise<{ play: Play; entries: Entry[] }> {
  const { programId, now } = context;
  const { draft, draw, memberId, localDay } = input;
  const playId = newId('ply', now.getTime());
  const source = { ...input.source, playId };
  const cost = decideDebit(
    draft,
    { memberId, points: draw.costPoints, reason: drawReasons.cost(draw.name) },
    { ...context, source },
  );

  const total = totalWeight(draw.prizes, draw.consolation.weight);
  const { random: randomValue, ticket } = random(total);
  const outcome = pickOutcome(draw.prizes, ticket);
  const prize = draw.prizes.find((candidate) => candidate.id === outcome.prizeId) ?? null;
  const given = prize
    ? { name: prize.name, kind: prize.kind, points: prize.points ?? 0 }
    : { name: draw.consolation.name, kind: 'consolation' as const, points: draw.consolation.points };
  let prizeEntry: Entry | null = null;
  if (given.points > 0) {
    [prizeEntry] = decideCredit(
      draft,
      { memberId, points: given.points, reason: drawReasons.prize(given.name) },
      { ...context, source },
    ) as [Entry];
  }
  if (prize) await awardPrize(tx, programId, prize.id);
  const play: Play = {
    id: playId,
    drawId: draw.id,
    memberId,
    memberKey: draft.keyOf(memberId),
    localDay,
    randomValue,
    totalWeight: total,
    ticket,
    drawnPrizeId: outcome.drawnPrizeId,
    prizeId: prize?.id ?? null,
    prizeName: given.name,
    prizeKind: given.kind,
    prizePoints: given.points,
    costPoints: draw.costPoints,
    costEntryId: cost.id,
    prizeEntryId: prizeEntry?.id ?? null,
    createdAt: now,
  };
  await insertPlay(tx, programId, play);
  return { play, entries: [cost, ...(prizeEntry ? [prizeEntry] : [])] };
}
