/**
 * What one audit record says: who did what to what, when, with what outcome. `summary` holds what
 * changed without personal data; `personal` (the address, user agent and member details) is only
 * ever stored as ciphertext under `subject`'s key (subject-keys.ts).
 */
export type ActorKind = 'staff' | 'api_key' | 'system' | 'anonymous';

export interface AuditActor {
  kind: ActorKind;
  /** The staff member's id, the API key's id; null for the system or an anonymous sign-in. */
  id: string | null;
  /** The staff member's role (a built-in role's name or a custom role's id); null for keys. */
  role: string | null;
}

export interface AuditEntry {
  /** The program whose chain the record joins (`deployment` for what belongs to none). */
  programId: string;
  actor: AuditActor;
  /** A stable dotted name: `ledger.adjust`, `rule.publish`, `staff.login_failed`. */
  action: string;
  targetType: string | null;
  targetId: string | null;
  requestId: string | null;
  /** The HTTP status the action was answered with. */
  outcome: number;
  summary: Record<string, unknown>;
  /** Encrypted before it is stored; null when there is none. */
  personal: Record<string, unknown> | null;
  /** Whose key encrypts `personal` (e.g. `staff:stf_...`, `member:42`, `login:<sha256>`). */
  subject: string | null;
}

/** The chain of what belongs to no program: failed sign-ins of unknown logins, and gaps. */
export const DEPLOYMENT_CHAIN = 'deployment';

/** What the API shows of a record (personal part decrypted, or "erased"). */
export interface AuditRecordView {
  id: string;
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  target: { type: string; id: string | null } | null;
  requestId: string | null;
  outcome: number;
  summary: Record<string, unknown>;
  personal: Record<string, unknown> | 'erased' | null;
  recordHash: string;
}
