import type { Approval, Input, Output } from '@jifen/sdk';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';

/**
 * The Members screen's data through the SDK: one hook per read and per write. A write refreshes
 * everything cached about the member (its balances, journal, lots, tier).
 */
export type MemberFilters = NonNullable<Input<'listMembers'>['query']>;

const PAGE = 20;

export function useMembers(filters: MemberFilters, cursor: string | undefined) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['members', 'list', filters, cursor ?? null],
    queryFn: () =>
      jifen.call('listMembers', { query: { ...filters, limit: PAGE, ...(cursor ? { cursor } : {}) } }),
    placeholderData: (previous) => previous,
  });
}

const memberKey = (memberId: string) => ['members', 'member', memberId] as const;

export function useMember(memberId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: memberKey(memberId),
    queryFn: () => jifen.call('getMember', { params: { memberId } }),
  });
}

export function useMemberTier(memberId: string, enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...memberKey(memberId), 'tier'],
    queryFn: () => jifen.call('getMemberTier', { params: { memberId } }),
    enabled,
    retry: false,
  });
}

export function useExpiryCalendar(memberId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...memberKey(memberId), 'expiry'],
    queryFn: () => jifen.call('getMemberExpiryCalendar', { params: { memberId } }),
  });
}

export function usePendingLots(memberId: string, enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...memberKey(memberId), 'lots', 'pending'],
    queryFn: () => jifen.call('listMemberLots', { params: { memberId }, query: { limit: 100 } }),
    enabled,
    select: (page) => page.data.filter((lot) => lot.status === 'pending'),
  });
}

export function useTierConfig(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['tiers', 'config'],
    queryFn: () => jifen.call('getTierConfig', {}),
    enabled,
    retry: false,
  });
}

export function useApprovalPolicy(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['approvalPolicy'],
    queryFn: () => jifen.call('getApprovalPolicy', {}),
    enabled,
    retry: false,
  });
}

/** The member's lists, each paged by cursor ("load more"). */
export type MemberPagedOp =
  | 'listMemberEntries'
  | 'listMemberLots'
  | 'listMemberTierHistory'
  | 'listMemberEvents'
  | 'listMemberRedemptions'
  | 'listMemberInbox';

export function useMemberPages<K extends MemberPagedOp>(
  operationId: K,
  memberId: string,
  query: Record<string, unknown> = {},
) {
  const jifen = useJifen();
  return useInfiniteQuery({
    queryKey: [...memberKey(memberId), operationId, query],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      jifen.call(operationId, {
        params: { memberId },
        query: { limit: PAGE, ...query, ...(pageParam ? { cursor: pageParam } : {}) },
      } as unknown as Input<K>) as Promise<Output<K>>,
    getNextPageParam: (page) => {
      const last = page as { hasMore: boolean; nextCursor: string | null };
      return last.hasMore && last.nextCursor ? last.nextCursor : undefined;
    },
  });
}

/** An answer held for a checker (202): the approval request, instead of the entries. */
export function isApproval(answer: unknown): answer is Approval {
  return typeof answer === 'object' && answer !== null && 'action' in answer && 'maker' in answer;
}

function useMemberWrite<T, R>(memberId: string, write: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: memberKey(memberId) }),
        queryClient.invalidateQueries({ queryKey: ['members', 'list'] }),
      ]),
  });
}

export type AdjustmentInput = Input<'createAdjustment'>['body'];

export function useAdjust(memberId: string) {
  const jifen = useJifen();
  return useMemberWrite(memberId, (body: AdjustmentInput) =>
    jifen.call('createAdjustment', { params: { memberId }, body }),
  );
}

export function useReverse(memberId: string) {
  const jifen = useJifen();
  return useMemberWrite(memberId, (input: { entryId: string; body: Input<'reverseEntry'>['body'] }) =>
    jifen.call('reverseEntry', { params: { entryId: input.entryId }, body: input.body }),
  );
}

export function useSetStatus(memberId: string) {
  const jifen = useJifen();
  return useMemberWrite(memberId, (status: 'active' | 'frozen' | 'blocked') =>
    jifen.call('upsertMember', { params: { memberId }, body: { status } }),
  );
}

export function useAssignTier(memberId: string) {
  const jifen = useJifen();
  return useMemberWrite(memberId, (body: Input<'assignMemberTier'>['body']) =>
    jifen.call('assignMemberTier', { params: { memberId }, body }),
  );
}

export function useErase(memberId: string) {
  const jifen = useJifen();
  return useMemberWrite(memberId, (forgetMemberId: boolean) =>
    jifen.call('eraseMemberPersonalData', { params: { memberId }, body: { forgetMemberId } }),
  );
}

export function useExportPersonalData(memberId: string) {
  const jifen = useJifen();
  return useMutation({
    mutationFn: () => jifen.call('exportMemberPersonalData', { params: { memberId } }),
  });
}
