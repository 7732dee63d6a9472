import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';
import type { ApprovalPolicyBody, ApprovalPolicyView, ProgramPatch, ProgramView } from './settings-model.ts';

/** The settings screen's data, through the SDK: the program, its approval policy, the server's readiness. */
export const PROGRAM_KEY = ['program'] as const;
export const APPROVAL_POLICY_KEY = ['approvalPolicy'] as const;
const READINESS_KEY = ['readiness'] as const;

export function useProgram() {
  const jifen = useJifen();
  return useQuery({ queryKey: PROGRAM_KEY, queryFn: () => jifen.call('getCurrentProgram', {}) });
}

export function useApprovalPolicy() {
  const jifen = useJifen();
  return useQuery({ queryKey: APPROVAL_POLICY_KEY, queryFn: () => jifen.call('getApprovalPolicy', {}) });
}

/** The deployment facts the API tells anyone (GET /ready): the database engine and schema version. */
export function useReadiness() {
  const jifen = useJifen();
  return useQuery({ queryKey: READINESS_KEY, queryFn: () => jifen.call('getReadiness', {}), retry: false });
}

export function useUpdateProgram() {
  const jifen = useJifen();
  return useMutation({ mutationFn: (body: ProgramPatch) => jifen.call('updateCurrentProgram', { body }) });
}

export function useSetApprovalPolicy() {
  const jifen = useJifen();
  return useMutation({ mutationFn: (body: ApprovalPolicyBody) => jifen.call('setApprovalPolicy', { body }) });
}

/** Reads the saved settings back from the API (not from the answers of the writes). */
export function useRereadSettings() {
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: PROGRAM_KEY }),
      queryClient.invalidateQueries({ queryKey: APPROVAL_POLICY_KEY }),
    ]);
    return {
      program: queryClient.getQueryData<ProgramView>(PROGRAM_KEY),
      policy: queryClient.getQueryData<ApprovalPolicyView>(APPROVAL_POLICY_KEY),
    };
  };
}
