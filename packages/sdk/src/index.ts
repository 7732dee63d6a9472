export {
  type ApiKeyOptions,
  type CookieSessionOptions,
  CSRF_COOKIE,
  csrfTokenFromCookie,
  heldForApproval,
  type Input,
  Jifen,
  JifenError,
  type JifenOptions,
  type OperationId,
  type Output,
} from './client.ts';
export type * from './generated.ts';
export { OPERATIONS } from './generated.ts';
