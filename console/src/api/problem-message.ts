import { JifenError } from '@jifen/sdk';
import type { TFunction } from 'i18next';

/**
 * A failure in the console's language: the error code's message from the catalogue (errors.*)
 * when it has one, else the API's own detail.
 */
export function problemMessage(t: TFunction, error: unknown): string {
  if (error instanceof JifenError) {
    const detail = error.message;
    return t(`errors.${error.code}` as 'errors.unknown', {
      defaultValue: t('errors.unknown', { detail }),
      detail,
    });
  }
  if (error instanceof TypeError) return t('errors.network');
  return t('errors.unknown', { detail: error instanceof Error ? error.message : String(error) });
}

/** The codes that mean "this session is over" (expired, ended elsewhere, or never was). */
const SESSION_ENDED = new Set(['unauthenticated', 'session_expired', 'session_revoked']);

export function isSessionEnded(error: unknown): boolean {
  return error instanceof JifenError && error.status === 401 && SESSION_ENDED.has(error.code);
}
