import type { Input } from '@jifen/sdk';
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
import type { SegmentSettings } from './segment-types.ts';

/**
 * The Segments screen's data through the SDK: one hook per read and per write. A write refreshes
 * every segment cached (sizes and memberships move together) and the member lists filtered by one.
 */
const SEGMENTS = ['segments'] as const;
const PAGE = 50;

export function useSegments(status: 'active' | 'archived' = 'active', enabled = true) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'list', status],
    queryFn: () => jifen.call('listSegments', { query: { status } }),
    enabled,
  });
}

export function useSegment(segmentId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'segment', segmentId],
    queryFn: () => jifen.call('getSegment', { params: { segmentId } }),
  });
}

export function useSegmentFields(enabled = true) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'fields'],
    queryFn: () => jifen.call('listSegmentFields', {}),
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
      jifen.call('listSegmentMembers', {
        params: { segmentId },
        query: { limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) },
      }),
    getNextPageParam: (page) => (page.hasMore && page.nextCursor ? page.nextCursor : undefined),
  });
}

/**
 * A segment's size on each day a computation ran since `from` (YYYY-MM-DD), up to today: no `to`,
 * as the days are the program's (its timezone), which may be ahead of the browser's.
 */
export function useSegmentSizes(segmentId: string, from: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'segment', segmentId, 'sizes', from],
    queryFn: () => jifen.call('listSegmentSizes', { params: { segmentId }, query: { from } }),
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
      jifen.call('previewSegment', {
        body: { condition: JSON.parse(settled as string) },
      }),
    enabled: settled !== null,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** A new segment (with its id) or a change to one (without). */
export type SegmentBody = Omit<Input<'createSegment'>['body'], 'id'> & { id?: string };

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
      ? jifen.call('createSegment', { body: { ...body, id: body.id ?? '' } })
      : jifen.call('updateSegment', {
          params: { segmentId },
          body: { name: body.name, description: body.description, condition: body.condition },
        }),
  );
}

export function useArchiveSegment() {
  const jifen = useJifen();
  return useSegmentWrite((segmentId: string) => jifen.call('archiveSegment', { params: { segmentId } }));
}

export function useRecomputeSegments() {
  const jifen = useJifen();
  return useSegmentWrite(() => jifen.call('recomputeSegments', {}));
}

export function useSegmentSettings(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: [...SEGMENTS, 'settings'],
    queryFn: () => jifen.call('getSegmentSettings', {}),
    enabled,
  });
}

export function useSaveSegmentSettings() {
  const jifen = useJifen();
  return useSegmentWrite((body: SegmentSettings) => jifen.call('replaceSegmentSettings', { body }));
}

/** The segment's members as CSV text (member_id,since). */
export function useExportSegmentMembers() {
  const jifen = useJifen();
  return useMutation({
    mutationFn: (segmentId: string) => jifen.call('exportSegmentMembers', { params: { segmentId } }),
  });
}

/** A member's stage, RFM scores and segments, with why they are in each. */
export function useMemberSegments(memberId: string) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['members', 'member', memberId, 'segments'],
    queryFn: () => jifen.call('getMemberSegments', { params: { memberId } }),
  });
}
