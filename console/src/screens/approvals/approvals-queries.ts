import type { Input } from '@jifen/sdk';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';

/** The Approvals screen's data through the SDK; a decision refreshes the queue and the notices. */
const APPROVALS = ['approvals'] as const;
const POLICY = ['approvalPolicy'] as const;
const NOTICES = ['staffNotices'] as const;

export type ApprovalQuery = NonNullable<Input<'listApprovals'>['query']>;

export function useApprovals(query: ApprovalQuery) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...APPROVALS, query],
    queryFn: () => jifen.call('listApprovals', { query }),
    placeholderData: keepPreviousData,
  });
}

/** The program's staff, to name makers and checkers (only for a role that may read staff). */
export function useStaffNames(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['staff'],
    queryFn: () => jifen.call('listStaff', {}),
    enabled,
    select: (page) => new Map(page.data.map((staff) => [staff.id, staff.name])),
  });
}

function useDecision<V, R>(run: (v: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: APPROVALS });
      void queryClient.invalidateQueries({ queryKey: NOTICES });
    },
  });
}

export function useApprove() {
  const jifen = useJifen();
  return useDecision(({ approvalId, comment }: { approvalId: string; comment?: string }) =>
    jifen.call('approveApproval', { params: { approvalId }, body: comment ? { comment } : {} }),
  );
}

export function useReject() {
  const jifen = useJifen();
  return useDecision(({ approvalId, comment }: { approvalId: string; comment: string }) =>
    jifen.call('rejectApproval', { params: { approvalId }, body: { comment } }),
  );
}

export function useCancel() {
  const jifen = useJifen();
  return useDecision((approvalId: string) => jifen.call('cancelApproval', { params: { approvalId } }));
}

export function useApprovalPolicy(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({ queryKey: POLICY, queryFn: () => jifen.call('getApprovalPolicy', {}), enabled });
}

export type PolicyBody = Input<'setApprovalPolicy'>['body'];

export function useSetApprovalPolicy() {
  const jifen = useJifen();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: PolicyBody) => jifen.call('setApprovalPolicy', { body }),
    onSuccess: (policy) => queryClient.setQueryData(POLICY, policy),
  });
}

export function useUnreadNotices() {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...NOTICES, 'unread'],
    queryFn: () => jifen.call('listStaffNotices', { query: { unread: true, limit: 5 } }),
    refetchInterval: 60_000,
  });
}

export function useMarkNoticesRead() {
  const jifen = useJifen();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => jifen.call('markStaffNoticesRead', { body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: NOTICES }),
  });
}
