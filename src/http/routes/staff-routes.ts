import { IdempotencyHeaders, pageOf, problemResponses } from '../../shared/api-schemas.ts';
import { wholeList } from '../../shared/pages.ts';
import { permissionsOf } from '../../staff/principal.ts';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../staff/role-store.ts';
import {
  NewRoleBody,
  NewStaffBody,
  PasswordResetBody,
  Role,
  RoleParams,
  RolePatchBody,
  StaffMember,
  StaffParams,
  StaffPatchBody,
} from '../../staff/staff-api-schemas.ts';
import { addStaff, changeStaff, resetStaffPassword } from '../../staff/staff-commands.ts';
import { getStaff, listStaff } from '../../staff/staff-store.ts';
import { principalOf } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';

/** Staff of the program and its custom roles (owners by default: `staff:manage`, `roles:manage`). */
export function staffRoutes(app: TypedApp, deps: RouteDeps): void {
  app.get(
    '/v1/staff',
    {
      config: { permission: 'staff:read' },
      schema: {
        tags: ['staff'],
        summary: "The program's staff: login, role, stores, status, second factor, last sign-in",
        response: { 200: pageOf(StaffMember), ...problemResponses },
      },
    },
    async (request) => wholeList(await listStaff(deps.db, principalOf(request).programId)),
  );

  app.post(
    '/v1/staff',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags: ['staff'],
        summary:
          'Add a staff member (a new login needs a password; a person already staff elsewhere keeps theirs)',
        headers: IdempotencyHeaders,
        body: NewStaffBody,
        response: { 201: StaffMember, ...problemResponses },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const staff = await addStaff(
        deps.db,
        principal.programId,
        request.body,
        permissionsOf(principal),
        deps.clock.now(),
      );
      return reply.code(201).send(staff);
    },
  );

  app.get(
    '/v1/staff/:staffId',
    {
      config: { permission: 'staff:read' },
      schema: {
        tags: ['staff'],
        summary: 'One staff member',
        params: StaffParams,
        response: { 200: StaffMember, ...problemResponses },
      },
    },
    async (request) => getStaff(deps.db, principalOf(request).programId, request.params.staffId),
  );

  app.patch(
    '/v1/staff/:staffId',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags: ['staff'],
        summary:
          'Change a staff member: name, role, stores, status (a change of role, stores or status ends their sessions at once)',
        params: StaffParams,
        headers: IdempotencyHeaders,
        body: StaffPatchBody,
        response: { 200: StaffMember, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return changeStaff(
        deps.db,
        principal.programId,
        request.params.staffId,
        request.body,
        permissionsOf(principal),
        deps.clock.now(),
      );
    },
  );

  app.post(
    '/v1/staff/:staffId/password-reset',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags: ['staff'],
        summary: "Set a staff member's password (they forgot theirs); their sessions end",
        params: StaffParams,
        headers: IdempotencyHeaders,
        body: PasswordResetBody,
        response: { 200: StaffMember, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return resetStaffPassword(
        deps.db,
        principal.programId,
        request.params.staffId,
        request.body.password,
        permissionsOf(principal),
        deps.clock.now(),
      );
    },
  );

  app.get(
    '/v1/roles',
    {
      config: { permission: 'staff:read' },
      schema: {
        tags: ['staff'],
        summary: 'The built-in roles and the custom ones, each with its permissions',
        response: { 200: pageOf(Role), ...problemResponses },
      },
    },
    async (request) => wholeList(await listRoles(deps.db, principalOf(request).programId)),
  );

  app.post(
    '/v1/roles',
    {
      config: { permission: 'roles:manage' },
      schema: {
        tags: ['staff'],
        summary: 'Create a custom role: a named set of permissions',
        headers: IdempotencyHeaders,
        body: NewRoleBody,
        response: { 201: Role, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await createRole(
            deps.db,
            principalOf(request).programId,
            request.body,
            deps.clock.now(),
            permissionsOf(principalOf(request)),
          ),
        ),
  );

  app.get(
    '/v1/roles/:roleId',
    {
      config: { permission: 'staff:read' },
      schema: {
        tags: ['staff'],
        summary: 'One role and its permissions',
        params: RoleParams,
        response: { 200: Role, ...problemResponses },
      },
    },
    async (request) => getRole(deps.db, principalOf(request).programId, request.params.roleId),
  );

  app.patch(
    '/v1/roles/:roleId',
    {
      config: { permission: 'roles:manage' },
      schema: {
        tags: ['staff'],
        summary: "Rename a custom role or change its permissions (its staff's sessions follow at once)",
        params: RoleParams,
        headers: IdempotencyHeaders,
        body: RolePatchBody,
        response: { 200: Role, ...problemResponses },
      },
    },
    async (request) =>
      updateRole(
        deps.db,
        principalOf(request).programId,
        request.params.roleId,
        request.body,
        deps.clock.now(),
        permissionsOf(principalOf(request)),
      ),
  );

  app.delete(
    '/v1/roles/:roleId',
    {
      config: { permission: 'roles:manage' },
      schema: {
        tags: ['staff'],
        summary: 'Delete a custom role no staff member holds',
        params: RoleParams,
        headers: IdempotencyHeaders,
        response: { 200: Role, ...problemResponses },
      },
    },
    async (request) =>
      deleteRole(
        deps.db,
        principalOf(request).programId,
        request.params.roleId,
        permissionsOf(principalOf(request)),
      ),
  );
}
