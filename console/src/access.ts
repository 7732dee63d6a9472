/**
 * Who may see what: each screen of the console and the permission(s) it needs (all of them), and
 * the permissions behind its actions. The menu shows only the screens the signed-in role may see,
 * and a screen's route answers 403 to the others. The API enforces the same permissions
 * (src/staff/permissions.ts); this table only keeps the console from offering what would be refused.
 */
export const ACCESS = {
  members: {
    see: ['members:read'],
    actions: {
      adjust: 'ledger:adjust',
      reverse: 'ledger:reverse',
      setStatus: 'members:write',
      assignTier: 'tiers:assign',
      exportData: 'personal_data:export',
      eraseData: 'personal_data:erase',
      readLedger: 'ledger:read',
      readEvents: 'events:read',
      readRedemptions: 'redemptions:read',
      readProgram: 'program:read',
      readSegments: 'segments:read',
    },
  },
  segments: { see: ['segments:read'], actions: { manage: 'segments:write' } },
  approvals: {
    see: ['approvals:read'],
    actions: { decide: 'approvals:decide', readPolicy: 'program:read', policy: 'program:manage' },
  },
  staff: { see: ['staff:read'], actions: { manage: 'staff:manage', roles: 'roles:manage' } },
  audit: { see: ['audit:read'], actions: {} },
  apiKeys: { see: ['keys:read'], actions: { manage: 'keys:manage' } },
  settings: { see: ['program:read'], actions: { manage: 'program:manage' } },
} as const satisfies Record<string, { see: readonly string[]; actions: Record<string, string> }>;

export type ScreenId = keyof typeof ACCESS;
export type ActionOf<S extends ScreenId> = keyof (typeof ACCESS)[S]['actions'];

export function canSee(permissions: ReadonlySet<string>, screen: ScreenId): boolean {
  return ACCESS[screen].see.every((permission) => permissions.has(permission));
}

export function canDo<S extends ScreenId>(
  permissions: ReadonlySet<string>,
  screen: S,
  action: ActionOf<S>,
): boolean {
  const actions = ACCESS[screen].actions as Record<ActionOf<S>, string>;
  return permissions.has(actions[action]);
}
