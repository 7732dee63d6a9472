import type { Input } from '@jifen/sdk';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';

/** The audit log through the SDK: a page of records, the chain's verification, the CSV export. */
export type AuditFilters = Omit<NonNullable<Input<'listAuditRecords'>['query']>, 'limit' | 'cursor'>;

export function useAuditRecords(filters: AuditFilters, cursor: string | undefined) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['audit', filters, cursor ?? null],
    queryFn: () =>
      jifen.call('listAuditRecords', { query: { ...filters, limit: 20, ...(cursor ? { cursor } : {}) } }),
    placeholderData: keepPreviousData,
  });
}

export function useVerifyAudit() {
  const jifen = useJifen();
  return useMutation({ mutationFn: () => jifen.call('verifyAuditLog', {}) });
}

export function useExportAudit() {
  const jifen = useJifen();
  return useMutation({
    mutationFn: (filters: AuditFilters) => jifen.call('exportAuditRecords', { query: filters }),
  });
}

/** Staff names by id, to say who acted (only for a role that may read staff). */
export function useStaffNames(enabled: boolean) {
  const jifen = useJifen();
  return useQuery({
    queryKey: ['staff'],
    queryFn: () => jifen.call('listStaff', {}),
    enabled,
    select: (page) => new Map(page.data.map((staff) => [staff.id, staff.name])),
  });
}
