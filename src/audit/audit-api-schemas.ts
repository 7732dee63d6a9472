import { Type } from '@sinclair/typebox';
import { PageQuery, pageOf } from '../shared/api-schemas.ts';

/** Request and response shapes of the audit API; the OpenAPI document is generated from them. */

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:\\-]+$' });

export const AuditFilters = Type.Object({
  actor: Type.Optional(
    Type.String({ ...Name, description: 'The actor: a staff id (`stf_…`) or an API key id.' }),
  ),
  actorKind: Type.Optional(
    Type.Union([
      Type.Literal('staff'),
      Type.Literal('api_key'),
      Type.Literal('system'),
      Type.Literal('anonymous'),
    ]),
  ),
  action: Type.Optional(
    Type.String({
      ...Name,
      description: 'An action (`ledger.adjust`), or a prefix ending in `.` (`staff.`).',
    }),
  ),
  targetType: Type.Optional(Name),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after this instant.' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Before this instant.' })),
  outcome: Type.Optional(
    Type.Integer({ minimum: 100, maximum: 599, description: 'The HTTP status answered.' }),
  ),
});

export const AuditQuery = Type.Composite([PageQuery, AuditFilters], { additionalProperties: false });
export const AuditExportQuery = Type.Composite([AuditFilters], { additionalProperties: false });

export const AuditActor = Type.Object({
  kind: Type.Union([
    Type.Literal('staff'),
    Type.Literal('api_key'),
    Type.Literal('system'),
    Type.Literal('anonymous'),
  ]),
  id: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.String(), Type.Null()]),
});

export const AuditRecord = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer({
      description: 'Position in the log; the chain links each program’s records in this order.',
    }),
    at: Type.String({ format: 'date-time' }),
    actor: AuditActor,
    action: Type.String(),
    target: Type.Union([
      Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
      Type.Null(),
    ]),
    requestId: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.Integer({ description: 'The HTTP status the action was answered with.' }),
    summary: Type.Object(
      {},
      { additionalProperties: true, description: 'What changed, without personal data.' },
    ),
    personal: Type.Union(
      [Type.Object({}, { additionalProperties: true }), Type.Literal('erased'), Type.Null()],
      {
        description:
          'The personal part (address, user agent, member details), decrypted; "erased" once the subject’s key was destroyed.',
      },
    ),
    recordHash: Type.String({ description: 'SHA-256 of the record (hex).' }),
  },
  { title: 'AuditRecord' },
);

export const AuditRecordPage = pageOf(AuditRecord);

export const AuditChain = Type.Object(
  {
    programId: Type.String(),
    ok: Type.Boolean(),
    records: Type.Integer(),
    sealed: Type.Integer({ description: 'Seqs sealed into the chain (records and gaps).' }),
    gaps: Type.Integer({ description: 'Seqs taken by transactions that rolled back.' }),
    head: Type.Union([Type.Object({ seq: Type.Integer(), hash: Type.String() }), Type.Null()]),
    broken: Type.Union([
      Type.Object({
        seq: Type.Integer(),
        id: Type.Union([Type.String(), Type.Null()]),
        reason: Type.Union([
          Type.Literal('edited'),
          Type.Literal('missing'),
          Type.Literal('reordered'),
          Type.Literal('unsealed'),
          Type.Literal('seal_tampered'),
        ]),
        detail: Type.String(),
      }),
      Type.Null(),
    ]),
  },
  { title: 'AuditChain' },
);
