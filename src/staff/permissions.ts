import type { Scope } from '../keys/api-keys.ts';

/**
 * The permission matrix, in one table: every permission a route can need, the API-key scope that
 * grants it (so keys made before staff existed keep working: a key's scopes stand for every
 * permission they grant; `*` for all), and what each built-in role holds. docs/security.md shows
 * the same table; routes name their permission in `config.permission`.
 *
 * A permission ending in `:read` only reads, also when its route is a POST (previews, quotes,
 * back-tests): an archived program still answers those.
 */
export const PERMISSIONS = {
  'members:read': { scope: 'members:read', about: 'Look up members, their profile, tier and inbox' },
  'members:write': { scope: 'members:write', about: 'Create and change members, their ids and preferences' },
  'tiers:assign': { scope: 'members:write', about: "Assign a member's tier by hand" },
  'program:read': {
    scope: 'members:read',
    about: 'Read the program, tiers, notification settings and templates, the expiry calendar',
  },
  'program:manage': {
    scope: 'program:manage',
    about: 'Change the program, its tiers, notification settings and templates',
  },
  'webhooks:read': { scope: 'program:manage', about: 'Read webhook endpoints and their deliveries' },
  'webhooks:manage': { scope: 'program:manage', about: 'Add, change, remove and replay webhooks' },
  'ledger:read': {
    scope: 'ledger:read',
    about: "Read a member's lots and entries, holds, checkout settings, payments and quotes",
  },
  'ledger:credit': { scope: 'ledger:write', about: 'Credit points to a member' },
  'ledger:credit_batch': { scope: 'ledger:write', about: 'Credit points in batches' },
  'ledger:debit': { scope: 'ledger:write', about: 'Debit points; spend points to keep a tier' },
  'ledger:adjust': { scope: 'ledger:write', about: 'Adjust a balance by hand (+/-)' },
  'ledger:reverse': { scope: 'ledger:write', about: 'Reverse an entry' },
  'ledger:transfer': { scope: 'ledger:write', about: 'Transfer points between members' },
  'ledger:hold': { scope: 'ledger:write', about: 'Open, capture and void holds' },
  'checkout:write': {
    scope: 'ledger:write',
    about: 'Authorise, capture, void and refund points at checkout',
  },
  'checkout:manage': { scope: 'ledger:write', about: 'Change the checkout settings' },
  'rules:read': { scope: 'rules:read', about: 'Read rules; preview and back-test' },
  'rules:write': { scope: 'rules:write', about: 'Create, edit, publish and retire rules (campaigns)' },
  'segments:read': {
    scope: 'members:read',
    about: 'Read segments, their members, sizes and settings',
  },
  'segments:write': {
    scope: 'rules:write',
    about: 'Define, preview, change and archive segments; recompute; lifecycle settings',
  },
  'events:read': { scope: 'events:read', about: 'Read stored events' },
  'events:write': { scope: 'events:write', about: 'Send events' },
  'imports:read': { scope: 'imports:read', about: 'Read imports' },
  'imports:write': { scope: 'imports:write', about: 'Import files, commit and undo imports' },
  'rewards:read': { scope: 'rewards:read', about: 'Read the catalogue, coupon pools and draws' },
  'rewards:write': { scope: 'rewards:write', about: 'Edit the catalogue, coupon pools and draws' },
  'redemptions:read': { scope: 'rewards:read', about: 'Read redemptions and draw plays' },
  'redemptions:create': { scope: 'rewards:write', about: 'Redeem a reward for a member; pay its cash part' },
  'redemptions:fulfil': { scope: 'rewards:write', about: 'Ship and deliver redemptions' },
  'redemptions:cancel': { scope: 'rewards:write', about: 'Cancel redemptions (points and stock return)' },
  'coupons:read': { scope: 'rewards:read', about: 'Look up a coupon code' },
  'coupons:use': { scope: 'rewards:write', about: 'Accept a coupon code at a till' },
  'draws:play': { scope: 'rewards:write', about: 'Play a lucky draw for a member' },
  'keys:read': { scope: 'keys:manage', about: 'List API keys' },
  'keys:manage': { scope: 'keys:manage', about: 'Create and revoke API keys' },
  'staff:read': { scope: 'staff:manage', about: 'List staff and roles' },
  'staff:manage': {
    scope: 'staff:manage',
    about: 'Add staff, change their role, stores and status, reset their password',
  },
  'roles:manage': { scope: 'staff:manage', about: 'Create, change and delete custom roles' },
  'approvals:read': { scope: 'ledger:read', about: 'Read approval requests (maker–checker)' },
  'approvals:decide': {
    scope: 'approvals:decide',
    about: "Approve or reject others' requests that wait for a checker",
  },
  'audit:read': {
    scope: 'audit:read',
    about: 'Read, export (CSV) and verify the audit log',
  },
  'finance:read': {
    scope: 'finance:read',
    about: "Export the program's journal; read its totals and the trial balance",
  },
  'personal_data:export': {
    scope: 'personal_data',
    about: "Export everything held about a member (a data subject's access request)",
  },
  'personal_data:erase': {
    scope: 'personal_data',
    about: "Erase a member's personal data (points and journal stay)",
  },
} as const satisfies Record<string, { scope: Scope; about: string }>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(PERMISSIONS, name);
}

/** Reads only: an archived program still allows it. */
export function onlyReads(permission: Permission): boolean {
  return permission.endsWith(':read');
}

export const BUILT_IN_ROLES = [
  'owner',
  'admin',
  'operator',
  'customer_service',
  'finance',
  'auditor',
  'store_clerk',
] as const;
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

export function isBuiltInRole(role: string): role is BuiltInRole {
  return (BUILT_IN_ROLES as readonly string[]).includes(role);
}

const READS = PERMISSION_NAMES.filter(onlyReads);

/**
 * What each built-in role holds. Owners hold everything; admins everything but keys and staff
 * (they can still read staff); the others least privilege for their job.
 */
export const ROLE_PERMISSIONS: Record<BuiltInRole, readonly Permission[]> = {
  owner: PERMISSION_NAMES,
  admin: PERMISSION_NAMES.filter((name) => !['keys:manage', 'staff:manage', 'roles:manage'].includes(name)),
  operator: [
    'members:read',
    'program:read',
    'ledger:read',
    'rules:read',
    'rules:write',
    'segments:read',
    'segments:write',
    'events:read',
    'rewards:read',
    'rewards:write',
    'redemptions:read',
    'coupons:read',
    'tiers:assign',
    'approvals:read',
  ],
  customer_service: [
    'members:read',
    'segments:read',
    'members:write',
    'program:read',
    'ledger:read',
    'ledger:adjust',
    'events:read',
    'rewards:read',
    'redemptions:read',
    'redemptions:cancel',
    'coupons:read',
    'approvals:read',
  ],
  finance: [
    'members:read',
    'segments:read',
    'program:read',
    'ledger:read',
    'rules:read',
    'events:read',
    'imports:read',
    'rewards:read',
    'redemptions:read',
    'coupons:read',
    'webhooks:read',
    'approvals:read',
    'approvals:decide',
    'audit:read',
    'finance:read',
  ],
  auditor: [...READS],
  store_clerk: [
    'members:read',
    'program:read',
    'rewards:read',
    'coupons:read',
    'ledger:credit',
    'redemptions:create',
    'coupons:use',
  ],
};

/**
 * What a staff member's role holds: a built-in role's permissions, or a custom role's (as stored:
 * names no longer known are dropped).
 */
export function permissionsOfRoleName(
  role: string,
  customPermissions: readonly string[] | null | undefined,
): Permission[] {
  return isBuiltInRole(role) ? [...ROLE_PERMISSIONS[role]] : (customPermissions ?? []).filter(isPermission);
}

/** The permissions a key's scopes stand for (`*`: all of them). */
export function permissionsOfScopes(scopes: readonly string[]): Set<Permission> {
  if (scopes.includes('*')) return new Set(PERMISSION_NAMES);
  return new Set(PERMISSION_NAMES.filter((name) => scopes.includes(PERMISSIONS[name].scope)));
}

/** The permissions a scope grants. */
export function permissionsOfScope(scope: string): Permission[] {
  return PERMISSION_NAMES.filter((name) => PERMISSIONS[name].scope === scope);
}
