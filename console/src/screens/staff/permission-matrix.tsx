import { Checkbox, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Permission } from './staff-queries.ts';

/**
 * Every permission, grouped as an operator thinks of the work (a new permission in the SDK fails
 * the typecheck here until it has a group and its words in the catalogues).
 */
const GROUP_OF = {
  'members:read': 'members',
  'members:write': 'members',
  'tiers:assign': 'members',
  'segments:read': 'segments',
  'segments:write': 'segments',
  'program:read': 'program',
  'program:manage': 'program',
  'webhooks:read': 'program',
  'webhooks:manage': 'program',
  'ledger:read': 'ledger',
  'ledger:credit': 'ledger',
  'ledger:credit_batch': 'ledger',
  'ledger:debit': 'ledger',
  'ledger:adjust': 'ledger',
  'ledger:reverse': 'ledger',
  'ledger:transfer': 'ledger',
  'ledger:hold': 'ledger',
  'checkout:write': 'checkout',
  'checkout:manage': 'checkout',
  'rules:read': 'rules',
  'rules:write': 'rules',
  'events:read': 'rules',
  'events:write': 'rules',
  'imports:read': 'imports',
  'imports:write': 'imports',
  'rewards:read': 'rewards',
  'rewards:write': 'rewards',
  'redemptions:read': 'rewards',
  'redemptions:create': 'rewards',
  'redemptions:fulfil': 'rewards',
  'redemptions:cancel': 'rewards',
  'coupons:read': 'rewards',
  'coupons:use': 'rewards',
  'draws:play': 'rewards',
  'keys:read': 'security',
  'keys:manage': 'security',
  'staff:read': 'security',
  'staff:manage': 'security',
  'roles:manage': 'security',
  'approvals:read': 'security',
  'approvals:decide': 'security',
  'audit:read': 'security',
  'finance:read': 'ledger',
  'personal_data:export': 'personal',
  'personal_data:erase': 'personal',
} as const satisfies Record<Permission, string>;

type Group = (typeof GROUP_OF)[Permission];
export const PERMISSIONS = Object.keys(GROUP_OF) as Permission[];
const GROUPS: Group[] = [...new Set(Object.values(GROUP_OF))];

export function isPermission(name: string): name is Permission {
  return Object.hasOwn(GROUP_OF, name);
}

/**
 * The permission matrix: one block per group, a checkbox per permission with its plain-language
 * description, and a box per group to take or leave all of it. Read-only for a built-in role.
 * An antd form control (value / onChange).
 */
export function PermissionMatrix({
  value = [],
  onChange,
  readOnly = false,
}: {
  value?: readonly string[];
  onChange?: (next: Permission[]) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const chosen = new Set(value);
  const set = (names: readonly Permission[], on: boolean) => {
    const next = new Set(chosen);
    for (const name of names) {
      if (on) next.add(name);
      else next.delete(name);
    }
    onChange?.(PERMISSIONS.filter((name) => next.has(name)));
  };
  return (
    <div className="permission-matrix" data-testid="permission-matrix">
      <Typography.Text type="secondary">
        {t('staff.roles.selected', {
          count: PERMISSIONS.filter((name) => chosen.has(name)).length,
          total: PERMISSIONS.length,
        })}
      </Typography.Text>
      <div
        style={{
          display: 'grid',
          gridTemplateColumns: 'repeat(auto-fill, minmax(300px, 1fr))',
          gap: 12,
          marginTop: 8,
        }}
      >
        {GROUPS.map((group) => {
          const names = PERMISSIONS.filter((name) => GROUP_OF[name] === group);
          const held = names.filter((name) => chosen.has(name)).length;
          return (
            <fieldset
              key={group}
              data-testid={`group-${group}`}
              style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: '8px 12px', margin: 0 }}
            >
              <legend style={{ width: 'auto', fontSize: 14, marginBottom: 0, padding: '0 4px' }}>
                <Checkbox
                  checked={held === names.length}
                  indeterminate={held > 0 && held < names.length}
                  disabled={readOnly}
                  onChange={(event) => set(names, event.target.checked)}
                >
                  <strong>{t(`staff.groups.${group}`)}</strong>
                </Checkbox>
              </legend>
              {names.map((name) => (
                <div key={name} style={{ margin: '6px 0' }}>
                  <Checkbox
                    checked={chosen.has(name)}
                    disabled={readOnly}
                    onChange={(event) => set([name], event.target.checked)}
                    data-permission={name}
                  >
                    {t(`staff.permissions.${name}.label`)}
                  </Checkbox>
                  <div className="muted" style={{ fontSize: 12, paddingInlineStart: 24 }}>
                    {t(`staff.permissions.${name}.about`)}
                  </div>
                </div>
              ))}
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}
