import type { Queryable } from '../../db/database.ts';
import { reasonView } from '../../ledger/ledger-views.ts';
import { JifenError } from '../../shared/errors.ts';
import { newId } from '../../shared/ids.ts';
import { throwFieldErrors, windowDateErrors, windowOrderErrors } from '../field-errors.ts';
import { getDraw, insertDraw, updateDraw } from './draw-store.ts';
import type { Draw, DrawCreate, DrawPatch, DrawStatus } from './draw-types.ts';

/** Creating and editing draws. The prize table is fixed at creation: published odds never change. */

const fromText = (text: { 'zh-CN': string; en: string }) => ({ zh: text['zh-CN'], en: text.en });
const dateOrNull = (value: string | null | undefined) => (value ? new Date(value) : null);

const NEXT_STATUSES: Record<DrawStatus, readonly DrawStatus[]> = {
  draft: ['live', 'retired'],
  live: ['paused', 'retired'],
  paused: ['live', 'retired'],
  retired: [],
};

export function assertDrawTransition(from: DrawStatus, to: DrawStatus): void {
  if (from === to && from !== 'retired') return;
  if (!NEXT_STATUSES[from].includes(to)) {
    throw new JifenError('draw_state', {
      detail:
        from === 'retired'
          ? 'The draw is retired and cannot be changed.'
          : `A ${from} draw cannot become ${to}.`,
      extensions: { drawStatus: from, requestedStatus: to },
    });
  }
}

function assertFields(input: DrawCreate | DrawPatch, draw: Draw): void {
  const errors = windowDateErrors(input);
  const prizes = 'prizes' in input ? input.prizes : [];
  prizes.forEach((prize, index) => {
    if (prize.kind === 'points' && prize.points === undefined)
      errors.push({ field: `body/prizes/${index}/points`, message: 'a points prize needs points' });
    if (prize.kind === 'item' && prize.points !== undefined)
      errors.push({ field: `body/prizes/${index}/points`, message: 'only points prizes have points' });
  });
  errors.push(...windowOrderErrors(draw, errors));
  throwFieldErrors(errors);
}

export async function createDraw(tx: Queryable, programId: string, input: DrawCreate, now: Date) {
  const draw: Draw = {
    id: newId('drw', now.getTime()),
    status: 'draft',
    name: fromText(input.name),
    costPoints: input.costPoints,
    perMemberPerDay: input.perMemberPerDay ?? null,
    availableFrom: dateOrNull(input.availableFrom),
    availableUntil: dateOrNull(input.availableUntil),
    consolation: {
      name: fromText(input.consolation.name),
      weight: input.consolation.weight,
      points: input.consolation.points ?? 0,
    },
    prizes: input.prizes.map((prize, position) => ({
      id: newId('prz', now.getTime()),
      position,
      name: fromText(prize.name),
      weight: prize.weight,
      stock: prize.stock ?? null,
      awarded: 0,
      kind: prize.kind,
      points: prize.points ?? null,
    })),
    createdAt: now,
    updatedAt: now,
  };
  assertFields(input, draw);
  await insertDraw(tx, programId, draw);
  return draw;
}

export async function patchDraw(
  tx: Queryable,
  programId: string,
  drawId: string,
  patch: DrawPatch,
  now: Date,
) {
  const current = await getDraw(tx, programId, drawId, { lock: 'draw' });
  assertDrawTransition(current.status, patch.status ?? current.status);
  const draw: Draw = {
    ...current,
    status: patch.status ?? current.status,
    name: patch.name ? fromText(patch.name) : current.name,
    costPoints: patch.costPoints ?? current.costPoints,
    perMemberPerDay: patch.perMemberPerDay === undefined ? current.perMemberPerDay : patch.perMemberPerDay,
    availableFrom:
      patch.availableFrom === undefined ? current.availableFrom : dateOrNull(patch.availableFrom),
    availableUntil:
      patch.availableUntil === undefined ? current.availableUntil : dateOrNull(patch.availableUntil),
    updatedAt: now,
  };
  assertFields(patch, draw);
  await updateDraw(tx, programId, draw);
  return draw;
}

export function drawView(draw: Draw) {
  const total = draw.prizes.reduce((sum, prize) => sum + prize.weight, draw.consolation.weight);
  return {
    id: draw.id,
    status: draw.status,
    name: reasonView(draw.name),
    costPoints: draw.costPoints,
    perMemberPerDay: draw.perMemberPerDay,
    availableFrom: draw.availableFrom?.toISOString() ?? null,
    availableUntil: draw.availableUntil?.toISOString() ?? null,
    totalWeight: total,
    prizes: draw.prizes.map((prize) => ({
      id: prize.id,
      name: reasonView(prize.name),
      weight: prize.weight,
      probability: prize.weight / total,
      kind: prize.kind,
      points: prize.points,
      stock: prize.stock,
      awarded: prize.awarded,
    })),
    consolation: {
      name: reasonView(draw.consolation.name),
      weight: draw.consolation.weight,
      probability: draw.consolation.weight / total,
      points: draw.consolation.points,
    },
    createdAt: draw.createdAt.toISOString(),
    updatedAt: draw.updatedAt.toISOString(),
  };
}
