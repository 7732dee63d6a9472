import { checkEventAttributes, type EventInput } from '../events/event-input.ts';
import type { MemberProfileInput } from '../members/member-types.ts';
import type { ImportKind, StagedRow } from './import-types.ts';
import type { RowContext, RowFields } from './row-fields.ts';

/**
 * What each kind of file holds: its columns (named as the API's fields; docs/imports.md lists them)
 * and how a row becomes a staged row. A row's problems are all reported, each with its column.
 */
export interface KindSpec {
  columns: readonly { name: string; required: boolean }[];
  /** The row's own id column: unique within a file, and the key that makes a re-import skip it. */
  idColumn: string;
  stage(fields: RowFields, line: number, context: KindContext): StagedRow | null;
}

export interface KindContext extends RowContext {
  /** The program's tier codes (a tiers file is checked against them). */
  tierCodes: readonly string[];
}

const MEMBER_ID = /^[A-Za-z0-9_.:@+-]+$/;
const MEMBER_ID_HINT = 'must be the member’s id: letters, digits and _ . : @ + - (at most 128)';

const members: KindSpec = {
  idColumn: 'memberId',
  columns: [
    { name: 'memberId', required: true },
    { name: 'status', required: false },
    { name: 'birthday', required: false },
    { name: 'joinedAt', required: false },
    { name: 'channel', required: false },
    { name: 'store', required: false },
    { name: 'tags', required: false },
    { name: 'attributes', required: false },
  ],
  stage(fields, line) {
    const memberId = fields.text('memberId', {
      required: true,
      maxLength: 128,
      pattern: MEMBER_ID,
      hint: MEMBER_ID_HINT,
    });
    const profile: MemberProfileInput = {};
    const status = fields.oneOf('status', ['active', 'frozen', 'blocked'] as const);
    if (status) profile.status = status;
    const birthday = fields.calendarDate('birthday');
    if (birthday) profile.birthday = birthday;
    const joinedAt = fields.instant('joinedAt', { notFuture: true });
    if (joinedAt) profile.joinedAt = joinedAt.toISOString();
    const channel = fields.text('channel', { maxLength: 100 });
    if (channel) profile.channel = channel;
    const store = fields.text('store', { maxLength: 100 });
    if (store) profile.store = store;
    const tags = fields.list('tags', { maxItems: 100, maxLength: 64 });
    if (tags) profile.tags = tags;
    const attributes = fields.object('attributes');
    if (attributes) profile.attributes = attributes;
    if (fields.problems.length > 0 || memberId === undefined) return null;
    return { line, externalId: memberId, sortAt: null, payload: { memberId, profile } };
  },
};

const balances: KindSpec = {
  idColumn: 'importId',
  columns: [
    { name: 'importId', required: true },
    { name: 'memberId', required: true },
    { name: 'points', required: true },
    { name: 'earnedAt', required: true },
    { name: 'expiresAt', required: false },
    { name: 'reason', required: false },
  ],
  stage(fields, line) {
    const importId = fields.text('importId', { required: true });
    const memberId = fields.text('memberId', {
      required: true,
      maxLength: 128,
      pattern: MEMBER_ID,
      hint: MEMBER_ID_HINT,
    });
    const points = fields.integer('points', { required: true, min: 1 });
    const earnedAt = fields.instant('earnedAt', { required: true, notFuture: true });
    const expiresAt = fields.instant('expiresAt');
    if (earnedAt && expiresAt && expiresAt.getTime() <= earnedAt.getTime())
      fields.problem(
        'expiresAt',
        `is not after earnedAt (${earnedAt.toISOString()}): points must be earned before they expire`,
      );
    const reason = fields.text('reason', { maxLength: 200 });
    if (fields.problems.length > 0 || !importId || !memberId || !points || !earnedAt) return null;
    return {
      line,
      externalId: importId,
      sortAt: earnedAt,
      payload: {
        memberId,
        points,
        earnedAt: earnedAt.toISOString(),
        expiresAt: expiresAt?.toISOString() ?? null,
        reason: reason ?? null,
      },
    };
  },
};

/** Columns an events file may use instead of writing them into `attributes`. */
const EVENT_ATTRIBUTE_COLUMNS = ['orderId', 'amountMinor', 'currency', 'channel', 'store'] as const;

const events: KindSpec = {
  idColumn: 'id',
  columns: [
    { name: 'id', required: true },
    { name: 'memberId', required: true },
    { name: 'type', required: true },
    { name: 'occurredAt', required: true },
    { name: 'attributes', required: false },
    ...EVENT_ATTRIBUTE_COLUMNS.map((name) => ({ name, required: false })),
  ],
  stage(fields, line) {
    const id = fields.text('id', { required: true });
    const memberId = fields.text('memberId', {
      required: true,
      maxLength: 128,
      pattern: MEMBER_ID,
      hint: MEMBER_ID_HINT,
    });
    const type = fields.text('type', {
      required: true,
      maxLength: 100,
      pattern: /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/,
      hint: 'must be an event type such as order.paid, order.refunded or your own store.visited',
    });
    const occurredAt = fields.instant('occurredAt', { required: true, notFuture: true });
    const attributes: Record<string, unknown> = { ...(fields.object('attributes') ?? {}) };
    const amountMinor = fields.integer('amountMinor', { min: 0, max: Number.MAX_SAFE_INTEGER });
    if (amountMinor !== undefined) attributes.amountMinor = amountMinor;
    for (const column of ['orderId', 'currency', 'channel', 'store'] as const) {
      const value = fields.text(column, { maxLength: 200 });
      if (value !== undefined) attributes[column] = value;
    }
    if (fields.problems.length > 0 || !id || !memberId || !type || !occurredAt) return null;
    const event: EventInput = { id, type, memberId, occurredAt: occurredAt.toISOString(), attributes };
    for (const error of checkEventAttributes(event, '')) {
      const attribute = error.field.replace(/^\/attributes\/?/, '').split('/')[0] ?? '';
      const column = (EVENT_ATTRIBUTE_COLUMNS as readonly string[]).includes(attribute)
        ? attribute
        : 'attributes';
      fields.problem(column, `${attribute ? `${attribute} ` : ''}${error.message}`);
    }
    if (fields.problems.length > 0) return null;
    return { line, externalId: id, sortAt: occurredAt, payload: { event } };
  },
};

const tiers: KindSpec = {
  idColumn: 'memberId',
  columns: [
    { name: 'memberId', required: true },
    { name: 'tier', required: true },
    { name: 'until', required: true },
    { name: 'reason', required: false },
  ],
  stage(fields, line, context) {
    const memberId = fields.text('memberId', {
      required: true,
      maxLength: 128,
      pattern: MEMBER_ID,
      hint: MEMBER_ID_HINT,
    });
    const tier = fields.text('tier', { required: true, maxLength: 64 });
    if (tier !== undefined && !context.tierCodes.includes(tier)) {
      fields.problem(
        'tier',
        context.tierCodes.length === 0
          ? 'cannot be assigned: the program has no tiers yet (PUT /v1/tiers first)'
          : `is not a tier of the program: use one of ${context.tierCodes.join(', ')}`,
      );
    }
    const until = fields.instant('until', { required: true });
    if (until && until.getTime() <= context.now.getTime())
      fields.problem('until', 'is not in the future: a manual tier lasts until a later date');
    const reason = fields.text('reason', { maxLength: 200 });
    if (fields.problems.length > 0 || !memberId || !tier || !until) return null;
    return {
      line,
      externalId: memberId,
      sortAt: null,
      payload: { memberId, tier, until: until.toISOString(), reason: reason ?? 'imported' },
    };
  },
};

export const KINDS: Record<ImportKind, KindSpec> = { members, balances, events, tiers };
