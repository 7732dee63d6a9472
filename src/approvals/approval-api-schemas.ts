import { Type } from '@sinclair/typebox';
import { MemberId, PageQuery } from '../shared/api-schemas.ts';

/** Request and response shapes of maker–checker: the policy, approval requests, decisions, staff notices. */

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

// Spelled out (a mapped array loses its literal types in the routes' reply types);
// test/approvals checks them against APPROVABLE_ACTIONS.
export const ApprovalActionName = Type.Union(
  [
    Type.Literal('credit'),
    Type.Literal('debit'),
    Type.Literal('adjustment'),
    Type.Literal('reversal'),
    Type.Literal('transfer'),
    Type.Literal('tier_assignment'),
    Type.Literal('credit_batch'),
    Type.Literal('import_commit'),
    Type.Literal('import_undo'),
  ],
  { description: 'What the request would do when approved.' },
);

export const ApprovalStatusName = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('executing'),
    Type.Literal('approved'),
    Type.Literal('rejected'),
    Type.Literal('cancelled'),
    Type.Literal('failed'),
    Type.Literal('expired'),
  ],
  {
    description:
      '`pending` waits for a checker; `approved`: executed (its answer in `result`); `failed`: approved but refused when it ran (the problem in `result`; nothing changed); `executing`: a bulk action running; `rejected`, `cancelled` (by the maker), `expired` (not decided in time).',
  },
);

const ActorKind = Type.Union([Type.Literal('staff'), Type.Literal('api_key')]);

export const Approval = Type.Object(
  {
    id: Type.String(),
    action: ApprovalActionName,
    status: ApprovalStatusName,
    summary: Type.String({ description: 'What it would do, in one line.' }),
    points: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Points it moves (the sum of a batch); null for tier assignments and imports.',
    }),
    memberId: Type.Union([Type.String(), Type.Null()]),
    target: Type.Union([Type.String(), Type.Null()], {
      description: 'The member, entry or import it is about.',
    }),
    request: Type.Object({}, { additionalProperties: true, description: 'The input it executes.' }),
    maker: Type.Object({
      kind: ActorKind,
      id: Type.String(),
      store: Type.Union([Type.String(), Type.Null()]),
    }),
    createdAt: DateTime,
    expiresAt: DateTime,
    checker: Type.Union([Type.Object({ kind: ActorKind, id: Type.String() }), Type.Null()]),
    decidedAt: NullableDateTime,
    comment: Type.Union([Type.String(), Type.Null()]),
    result: Type.Union([Type.Object({ status: Type.Integer(), body: Type.Unknown() }), Type.Null()], {
      description: 'The answer the executed request gave (a problem when it failed).',
    }),
  },
  { description: 'A points action held for a second person (maker–checker).' },
);

export const ApprovalPolicyBody = Type.Object(
  {
    pointsAbove: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }), Type.Null()], {
      description:
        'Credits, debits, adjustments, reversals and transfers moving more points than this wait for a checker; null: none do.',
    }),
    bulk: Type.Boolean({ description: 'Credit batches and import commits and undos wait for a checker.' }),
    tierAssignments: Type.Boolean({ description: 'Manual tier assignments wait for a checker.' }),
    expiresAfterHours: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 8760,
        default: 72,
        description: 'Requests expire undecided after this.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ApprovalPolicyView = Type.Object({
  pointsAbove: Type.Union([Type.Integer(), Type.Null()]),
  bulk: Type.Boolean(),
  tierAssignments: Type.Boolean(),
  expiresAfterHours: Type.Integer(),
  updatedAt: NullableDateTime,
});

export const ApprovalParams = Type.Object({ approvalId: Type.String({ minLength: 1, maxLength: 64 }) });

export const ApprovalListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    status: Type.Optional(ApprovalStatusName),
    action: Type.Optional(ApprovalActionName),
    makerId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    memberId: Type.Optional(MemberId),
  }),
]);

export const ApproveBody = Type.Object(
  { comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  { additionalProperties: false },
);

export const RejectBody = Type.Object(
  { comment: Type.String({ minLength: 1, maxLength: 1000, description: 'Why: the maker reads it.' }) },
  { additionalProperties: false },
);

export const StaffNotice = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('approval_requested'), Type.Literal('approval_decided')]),
  approvalId: Type.Union([Type.String(), Type.Null()]),
  text: Type.String(),
  createdAt: DateTime,
  readAt: NullableDateTime,
});

export const NoticeQuery = Type.Composite([
  PageQuery,
  Type.Object({ unread: Type.Optional(Type.Boolean({ description: 'Only notices not yet read.' })) }),
]);

export const NoticesRead = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
        maxItems: 500,
        description: 'The notices to mark read; absent: all of them.',
      }),
    ),
  },
  { additionalProperties: false },
);
