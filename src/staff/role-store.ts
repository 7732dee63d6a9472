import type { Queryable } from '../db/database.ts';
import { JifenError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { BUILT_IN_ROLES, isBuiltInRole, type Permission, ROLE_PERMISSIONS } from './permissions.ts';
import { staffWithRole } from './staff-store.ts';
import type { RoleView } from './staff-types.ts';

/** Custom roles (a named set of permissions per program) beside the built-in ones. */

interface RoleRow {
  id: string;
  name: string;
  permissions: string[];
  created_at: Date;
  updated_at: Date;
}

function toView(row: RoleRow): RoleView {
  return {
    id: row.id,
    name: row.name,
    builtIn: false,
    permissions: row.permissions,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function builtInView(role: (typeof BUILT_IN_ROLES)[number]): RoleView {
  return {
    id: role,
    name: role,
    builtIn: true,
    permissions: [...ROLE_PERMISSIONS[role]],
    createdAt: null,
    updatedAt: null,
  };
}

function roleNotFound(roleId: string): JifenError {
  return new JifenError('role_not_found', {
    detail: `There is no role "${roleId}" in this program (built-in: ${BUILT_IN_ROLES.join(', ')}).`,
    extensions: { roleId },
  });
}

export async function listRoles(db: Queryable, programId: string): Promise<RoleView[]> {
  const rows = await db.query<RoleRow>('select * from staff_roles where program_id = $1 order by id', [
    programId,
  ]);
  return [...BUILT_IN_ROLES.map(builtInView), ...rows.map(toView)];
}

export async function getRole(db: Queryable, programId: string, roleId: string): Promise<RoleView> {
  if (isBuiltInRole(roleId)) return builtInView(roleId);
  const [row] = await db.query<RoleRow>('select * from staff_roles where program_id = $1 and id = $2', [
    programId,
    roleId,
  ]);
  if (!row) throw roleNotFound(roleId);
  return toView(row);
}

/** The permissions of a role of the program (404 role_not_found for one it does not have). */
export async function permissionsOfRole(
  db: Queryable,
  programId: string,
  roleId: string,
): Promise<Permission[]> {
  return (await getRole(db, programId, roleId)).permissions as Permission[];
}

function nameTaken(name: string): JifenError {
  return new JifenError('role_exists', {
    detail: `The program already has a role named "${name}".`,
    extensions: { name },
  });
}

/**
 * What an actor may put into a role, or change or delete a role holding: only permissions they
 * hold themselves. A role's permissions are read on every request of its staff, so without this a
 * narrow role given to someone could be widened afterwards beyond what its editor holds.
 */
function requireHeld(
  actor: ReadonlySet<Permission> | 'all',
  permissions: readonly Permission[],
  what: string,
): void {
  if (actor === 'all') return;
  const missing = permissions.find((permission) => !actor.has(permission));
  if (missing) {
    throw new JifenError('permission_denied', {
      detail: `You cannot ${what}: it holds "${missing}", which you do not.`,
      extensions: { requiredPermission: missing },
    });
  }
}

export async function createRole(
  db: Queryable,
  programId: string,
  input: { name: string; permissions: readonly Permission[] },
  now: Date,
  actor: ReadonlySet<Permission> | 'all',
): Promise<RoleView> {
  if (isBuiltInRole(input.name)) throw nameTaken(input.name);
  requireHeld(actor, input.permissions, `make the role "${input.name}"`);
  const [row] = await db.query<RoleRow>(
    `insert into staff_roles (program_id, id, name, permissions, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $5) on conflict (program_id, name) do nothing returning *`,
    [programId, newId('rol'), input.name, [...input.permissions], now.toISOString()],
  );
  if (!row) throw nameTaken(input.name);
  return toView(row);
}

function builtInIsFixed(roleId: string): JifenError {
  return new JifenError('role_built_in', {
    detail: `"${roleId}" is a built-in role: it cannot be changed or deleted (make a custom role instead).`,
    extensions: { roleId },
  });
}

/**
 * Changes a custom role. Its staff's sessions read the role's permissions on every request, so
 * the change applies to them at once.
 */
export async function updateRole(
  db: Queryable,
  programId: string,
  roleId: string,
  patch: { name?: string; permissions?: readonly Permission[] },
  now: Date,
  actor: ReadonlySet<Permission> | 'all',
): Promise<RoleView> {
  if (isBuiltInRole(roleId)) throw builtInIsFixed(roleId);
  if (patch.name !== undefined && isBuiltInRole(patch.name)) throw nameTaken(patch.name);
  const role = await getRole(db, programId, roleId);
  requireHeld(actor, role.permissions as Permission[], `change the role "${roleId}"`);
  requireHeld(actor, patch.permissions ?? [], `give the role "${roleId}" these permissions`);
  const clash = patch.name
    ? await db.query('select 1 from staff_roles where program_id = $1 and name = $2 and id <> $3', [
        programId,
        patch.name,
        roleId,
      ])
    : [];
  if (clash.length > 0) throw nameTaken(patch.name!);
  const [row] = await db.query<RoleRow>(
    `update staff_roles set name = coalesce($3, name), permissions = coalesce($4, permissions), updated_at = $5
      where program_id = $1 and id = $2 returning *`,
    [
      programId,
      roleId,
      patch.name ?? null,
      patch.permissions ? [...patch.permissions] : null,
      now.toISOString(),
    ],
  );
  return toView(row!);
}

/** Deletes a custom role no staff member holds; answers the role as it was. */
export async function deleteRole(
  db: Queryable,
  programId: string,
  roleId: string,
  actor: ReadonlySet<Permission> | 'all',
): Promise<RoleView> {
  if (isBuiltInRole(roleId)) throw builtInIsFixed(roleId);
  const role = await getRole(db, programId, roleId);
  requireHeld(actor, role.permissions as Permission[], `delete the role "${roleId}"`);
  const holders = await staffWithRole(db, programId, roleId);
  if (holders > 0) {
    throw new JifenError('role_in_use', {
      detail: `${holders} staff member(s) hold the role "${roleId}": give them another role first.`,
      extensions: { roleId, staffCount: holders },
    });
  }
  await db.query('delete from staff_roles where program_id = $1 and id = $2', [programId, roleId]);
  return role;
}
