import type { Input } from '@jifen/sdk';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useJifen } from '../../api/jifen.tsx';

/**
 * The API keys screen's data: one hook per read and per write, through the SDK. A write refreshes
 * the list it changed. (The pattern every screen's `<area>-queries.ts` follows.)
 */
const KEYS = ['apiKeys'] as const;

export function useApiKeys() {
  const jifen = useJifen();
  return useQuery({ queryKey: KEYS, queryFn: () => jifen.call('listApiKeys', {}) });
}

export type NewApiKey = Input<'createApiKey'>['body'];

export function useCreateApiKey() {
  const jifen = useJifen();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewApiKey) => jifen.call('createApiKey', { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}

export function useRevokeApiKey() {
  const jifen = useJifen();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => jifen.call('revokeApiKey', { params: { keyId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: KEYS }),
  });
}
