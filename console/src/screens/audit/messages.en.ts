import type { MessagesLike } from '../../i18n/messages-like.ts';
import type { auditErrorsZhCN, auditZhCN } from './messages.zh-CN.ts';

/** The Audit log screen's messages in English: the same keys as messages.zh-CN.ts. */
export const auditEn: MessagesLike<typeof auditZhCN> = {
  title: 'Audit log',
  intro:
    'Who did what, when and from where. Each record is chained and sealed in order, so any edit or deletion shows when verified.',
  filters: {
    actor: 'Actor',
    actorPlaceholder: 'Staff or key id',
    action: 'Action',
    targetType: 'Target type',
    targetId: 'Target id',
    dates: 'Dates',
    from: 'From',
    to: 'To',
    outcome: 'Outcome',
    search: 'Search',
    reset: 'Reset',
    any: 'Any',
  },
  outcomes: {
    success: 'succeeded',
    failure: 'failed',
  },
  columns: {
    at: 'When',
    actor: 'Who',
    action: 'What',
    target: 'Target',
    outcome: 'Outcome',
    from: 'From',
    summary: 'Summary',
  },
  actorKind: {
    staff: 'Staff',
    api_key: 'API key',
    system: 'System',
    anonymous: 'Anonymous',
  },
  erased: 'Personal data erased',
  hidden: '—',
  details: {
    seq: 'Seq',
    requestId: 'Request id',
    recordHash: 'Record hash',
    summary: 'Summary (no personal data)',
    personal: 'Personal part',
  },
  empty: 'No audit records match',
  emptyHint: 'Widen the dates or clear the filters.',
  prev: 'Previous',
  next: 'Next',
  verify: 'Verify the chain',
  verifyOk:
    'The audit chain is intact: {{records}} records, {{sealed}} seqs sealed ({{gaps}} of them gaps left by rollbacks), head #{{seq}}.',
  verifyOkEmpty: 'The audit chain is intact: no records yet.',
  verifyBroken: 'The audit chain breaks at #{{seq}} ({{reason}}): {{detail}}',
  brokenReason: {
    edited: 'a record was edited',
    missing: 'a record is missing',
    reordered: 'records were reordered',
    unsealed: 'a record is not sealed',
    seal_tampered: 'a seal was tampered with',
  },
  export: 'Export CSV',
  exported: 'Exported {{file}} (the export is itself recorded)',
  actions: {
    approval: {
      approved: 'Approval approved',
      rejected: 'Approval rejected',
      cancelled: 'Approval withdrawn',
      policy_replaced: 'Approval policy changed',
    },
    audit: {
      exported: 'Audit log exported',
    },
    ledger: {
      adjust: 'Points adjusted',
      reverse: 'Entry reversed',
    },
    member: {
      upserted: 'Member created/changed',
      erased: 'Member personal data erased',
      personal_data_exported: 'Member personal data exported',
      id_changed: 'Member id changed',
    },
    key: {
      created: 'API key created',
      revoked: 'API key revoked',
    },
    staff: {
      created: 'Staff added',
      changed: 'Staff changed',
      login: 'Staff signed in',
      logout: 'Staff signed out',
      password_reset: 'Staff password reset',
      password_changed: 'Password changed',
    },
    role: {
      created: 'Role created',
      changed: 'Role changed',
      deleted: 'Role deleted',
    },
    program: {
      changed: 'Program changed',
    },
    rule: {
      published: 'Rule published',
    },
    tier: {
      assigned: 'Tier assigned',
    },
  },
};

export const auditErrorsEn: MessagesLike<typeof auditErrorsZhCN> = {};
