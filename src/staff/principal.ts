import type { ApiKeyPrincipal } from '../keys/api-keys.ts';
import { JifenError } from '../shared/errors.ts';
import { type Permission, permissionsOfScopes } from './permissions.ts';

/** Who a staff session acts as: the staff member, their role's permissions and their stores. */
export interface StaffPrincipal {
  kind: 'staff';
  programId: string;
  staffId: string;
  accountId: string;
  sessionId: string;
  /** A built-in role's name or a custom role's id. */
  role: string;
  permissions: ReadonlySet<Permission>;
  /** The stores the staff member is bound to; every write they make is stamped with one. Empty: not bound. */
  storeIds: readonly string[];
  /** How the session travels: a cookie (needs the CSRF header on writes) or a bearer token. */
  via: 'cookie' | 'token';
  rateLimitPerMinute: null;
}

/**
 * Who a request acts as: an API key (an integration, or the deployment's admin key) or a staff
 * member's session. Routes check the same permissions for both; what higher layers record of the
 * actor (entries' sources, later the audit log) comes from `actorOf`.
 */
export type Principal = ApiKeyPrincipal | StaffPrincipal;

const keyPermissions = new WeakMap<readonly string[], Set<Permission>>();

export function permissionsOf(principal: Principal): ReadonlySet<Permission> {
  if (principal.kind === 'staff') return principal.permissions;
  let found = keyPermissions.get(principal.scopes);
  if (!found) {
    found = permissionsOfScopes(principal.scopes);
    keyPermissions.set(principal.scopes, found);
  }
  return found;
}

export function holds(principal: Principal, permission: Permission): boolean {
  return permissionsOf(principal).has(permission);
}

/** The id the actor is known by: the key's id or the staff member's id. */
export function actorIdOf(principal: Principal): string {
  return principal.kind === 'staff' ? principal.staffId : principal.keyId;
}

/** What an entry's source records of who caused it. */
export function actorOf(principal: Principal): { apiKeyId: string } | { staffId: string } {
  return principal.kind === 'staff' ? { staffId: principal.staffId } : { apiKeyId: principal.keyId };
}

/**
 * The store a write is made at. A store-bound staff member (a store clerk) always writes at one
 * of their stores: the one they name, or their only store when they name none; another store is
 * refused. Everyone else writes at the store they name, if any.
 */
export function storeOfWrite(principal: Principal, requested: string | undefined): string | undefined {
  if (principal.kind !== 'staff' || principal.storeIds.length === 0) return requested;
  if (requested === undefined) {
    if (principal.storeIds.length === 1) return principal.storeIds[0];
    throw new JifenError('store_required', {
      detail: `You work at several stores (${principal.storeIds.join(', ')}): name the store this is at in "store".`,
      extensions: { storeIds: principal.storeIds },
    });
  }
  if (!principal.storeIds.includes(requested)) {
    throw new JifenError('store_mismatch', {
      detail: `You may act only at your own stores (${principal.storeIds.join(', ')}), not at "${requested}".`,
      extensions: { store: requested, storeIds: principal.storeIds },
    });
  }
  return requested;
}

/** `{ store }` for an entry's source when the write is at a store (see `storeOfWrite`), else nothing. */
export function storeField(principal: Principal, requested: string | undefined): { store?: string } {
  const store = storeOfWrite(principal, requested);
  return store === undefined ? {} : { store };
}
