import type {} from '@fastify/cookie';
import type { FastifyReply } from 'fastify';
import type { NewSession } from '../staff/session-store.ts';

/**
 * The console's session cookies. `jifen_session` holds the session token: HttpOnly (page scripts
 * never see it), SameSite=Strict (no other site's page sends it), Path=/. `jifen_csrf` holds the
 * CSRF token and is readable by the page, which echoes it in the `X-CSRF-Token` header of every
 * write (double submit; the server also checks it against the session's own token). Both are
 * `Secure` unless the deployment serves plain HTTP on a LAN and says so:
 * JIFEN_INSECURE_COOKIES=1 (`buildApp({ secureCookies: false })`).
 */
export const SESSION_COOKIE = 'jifen_session';
export const CSRF_COOKIE = 'jifen_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Whether cookies are `Secure`: yes unless JIFEN_INSECURE_COOKIES is 1 or true. */
export function secureCookiesFrom(value: string | undefined): boolean {
  return !(value === '1' || value?.toLowerCase() === 'true');
}

export function setSessionCookies(reply: FastifyReply, session: NewSession, secure: boolean): void {
  const common = { path: '/', sameSite: 'strict' as const, secure, expires: session.expiresAt };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  if (session.csrfToken) reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  const common = { path: '/', sameSite: 'strict' as const, secure };
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { ...common, httpOnly: false });
}
