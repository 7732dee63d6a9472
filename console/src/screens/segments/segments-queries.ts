import type { Jifen, OperationId } from '@jifen/sdk';
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useJifen } from '../../api/jifen.tsx';
import type { Condition } from '../../components/condition-builder/condition-types.ts';
import type {
  MemberSegments,
  Segment,
  SegmentField,
  SegmentMember,
  SegmentSettings,
  SegmentSize,
} from './segment-types.ts';

/**
 * The Segments screen's data through the SDK: one hook per read and per write. A write refreshes
 * every segment cached (sizes and memberships move together) and the member lists filtered by one.
 */
function call<T>(jifen: Jifen, operationId: string, input: object): Promise<T> {
  return jifen.call(operationId as OperationId, input as never) as Promise<T>;
}

const SEGMENTS = ['segments'] as const;
const PAGE = 50;

export function useSegments(status: 'active' | 'archived' = 'active', enabled = true) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'list', status],
    queryFn: () => call<{ data: Segment[] }>(jifen, 'listSegments', { query: { status } }),
    enabled,
  });
}

export function useSegment(segmentId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'segment', segmentId],
    queryFn: () => call<Segment>(jifen, 'getSegment', { params: { segmentId } }),
  });
}

export function useSegmentFields(enabled = true) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'fields'],
    queryFn: () => call<{ data: SegmentField[] }>(jifen, 'listSegmentFields', {}),
    select: (answer) => answer.data,
    staleTime: Number.POSITIVE_INFINITY,
    enabled,
  });
}

export function useSegmentMembers(segmentId: string) {
  const jifen = useJifen();
  return useInfiniteQuery({
    queryKey: [...SEGMENTS, 'segment', segmentId, 'members'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call<{ data: SegmentMember[]; nextCursor: string | null }>(jifen, 'listSegmentMembers', {
        params: { segmentId },
        query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useSegmentSizes(segmentId: string, from: string, to: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'segment', segmentId, 'sizes', from, to],
    queryFn: () =>
      call<{ data: SegmentSize[] }>(jifen, 'listSegmentSizes', {
        params: { segmentId },
        query: { from, to },
      }),
    select: (answer) => answer.data,
  });
}

/** How many members a draft condition would hold now: asked again half a second after it stops changing. */
export function useSegmentPreview(condition: Condition | null) {
  const jifen = useJifen();
  const json = condition === null ? null : JSON.stringify(condition);
  const [settled, setSettled] = useState(json);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(json), 500);
    return () => clearTimeout(timer);
  }, [json]);
  return useQuery({
    queryKey: [...SEGMENTS, 'preview', settled],
    queryFn: () =>
      call<{ size: number; sample: { memberId: string }[] }>(jifen, 'previewSegment', {
        body: { condition: JSON.parse(settled as string) },
      }),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export interface SegmentBody {
  id?: string;
  name: { 'zh-CN': string; en: string };
  description?: string | null;
  condition: Condition;
}

function useSegmentWrite<T, R>(write: (input: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: write,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: SEGMENTS }),
        queryClient.invalidateQueries({ queryKey: ['members'] }),
      ]),
  });
}

/** Defines a segment (with its id), or changes one (without). */
export function useSaveSegment(segmentId: string | null) {
  const jifen = useJifen();
  return useSegmentWrite((body: SegmentBody) =>
    segmentId === null
      ? call<Segment>(jifen, 'createSegment', { body })
      : call<Segment>(jifen, 'updateSegment', { params: { segmentId }, body }),
  );
}

export function useArchiveSegment() {
  const jifen = useJifen();
  return useSegmentWrite((segmentId: string) =>
    call<void>(jifen, 'archiveSegment', { params: { segmentId } }),
  );
}

export function useRecomputeSegments() {
  const jifen = useJifen();
  return useSegmentWrite(() =>
    call<{ computedAt: string; members: number; segments: { id: string; size: number }[] }>(
      jifen,
      'recomputeSegments',
      {},
    ),
  );
}

export function useSegmentSettings(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'settings'],
    queryFn: () => call<SegmentSettings>(jifen, 'getSegmentSettings', {}),
    enabled,
  });
}

export function useSaveSegmentSettings() {
  const jifen = useJifen();
  return useSegmentWrite((body: SegmentSettings) =>
    call<SegmentSettings>(jifen, 'replaceSegmentSettings', { body }),
  );
}

/** The segment's members as CSV text (member_id,since). */
export function useExportSegmentMembers() {
  const jifen = useJifen();
  return useMutation({
    mutationFn: (segmentId: string) => call<string>(jifen, 'exportSegmentMembers', { params: { segmentId } }),
  });
}

/** A member's stage, RFM scores and segments, with why they are in each. */
export function useMemberSegments(memberId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['members', 'member', memberId, 'segments'],
    queryFn: () => call<MemberSegments>(jifen, 'getMemberSegments', { params: { memberId } }),
  });
}
