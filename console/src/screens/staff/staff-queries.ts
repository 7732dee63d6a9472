import type { Input } from '@jifen/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';

/** Staff and roles through the SDK; a write refreshes both lists (a role's name shows on staff). */
const STAFF = ['staff'] as const;
const ROLES = ['roles'] as const;

export function useStaffList() {
  const jifen = useJifen();
  return useQuery({ queryKey: STAFF, queryFn: () => jifen.call('listStaff', {}) });
}

export function useRoles() {
  const jifen = useJifen();
  return useQuery({ queryKey: ROLES, queryFn: () => jifen.call('listRoles', {}) });
}

function useWrite<V, R>(run: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: STAFF });
      void queryClient.invalidateQueries({ queryKey: ROLES });
    },
  });
}

export type NewStaff = Input<'createStaff'>['body'];
export type StaffChange = Input<'updateStaff'>['body'];
export type RoleBody = Input<'createRole'>['body'];
export type Permission = RoleBody['permissions'][number];

export function useCreateStaff() {
  const jifen = useJifen();
  return useWrite((body: NewStaff) => jifen.call('createStaff', { body }));
}

export function useUpdateStaff() {
  const jifen = useJifen();
  return useWrite(({ staffId, body }: { staffId: string; body: StaffChange }) =>
    jifen.call('updateStaff', { params: { staffId }, body }),
  );
}

export function useResetPassword() {
  const jifen = useJifen();
  return useWrite(({ staffId, password }: { staffId: string; password: string }) =>
    jifen.call('resetStaffPassword', { params: { staffId }, body: { password } }),
  );
}

export function useSaveRole() {
  const jifen = useJifen();
  return useWrite(({ roleId, body }: { roleId: string | null; body: RoleBody }) =>
    roleId === null
      ? jifen.call('createRole', { body })
      : jifen.call('updateRole', { params: { roleId }, body }),
  );
}

export function useDeleteRole() {
  const jifen = useJifen();
  return useWrite((roleId: string) => jifen.call('deleteRole', { params: { roleId } }));
}
