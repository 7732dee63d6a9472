import type { FastifyReply } from 'fastify';
import { problemResponses } from '../../shared/api-schemas.ts';
import { JifenError } from '../../shared/errors.ts';
import { permissionsOf } from '../../staff/principal.ts';
import type { NewSession } from '../../staff/session-store.ts';
import { revokeSession } from '../../staff/session-store.ts';
import { refreshSession, signIn, switchProgram } from '../../staff/sign-in.ts';
import {
  LoginBody,
  PasswordChangeBody,
  PasswordChanged,
  ProgramChoice,
  SessionEnded,
  SignedIn,
  SwitchBody,
  TotpCodeBody,
  TotpEnrolment,
  TotpState,
  WhoAmI,
} from '../../staff/staff-api-schemas.ts';
import {
  changeOwnPassword,
  confirmTotp,
  describeSession,
  disableTotp,
  enrolTotp,
} from '../../staff/staff-commands.ts';
import { principalOf, staffPrincipalOfRequest } from '../auth.ts';
import type { RouteDeps, TypedApp } from '../route-deps.ts';
import { clearSessionCookies, setSessionCookies } from '../session-cookies.ts';
import { recordRefusedSignIn, recordSignIn } from '../sign-in-audit.ts';

/**
 * Sign-in and the session itself. These routes keep no Idempotency-Key answers: they hand out
 * secrets (a replay would show a token twice) and each is safe to send again.
 */
export function authRoutes(app: TypedApp, deps: RouteDeps): void {
  const staffOnly = { config: { session: 'staff' as const } };

  async function signedIn(reply: FastifyReply, session: NewSession) {
    if (session.csrfToken) setSessionCookies(reply, session, deps.secureCookies);
    reply.code(201);
    return {
      status: 'signed_in' as const,
      session: await describeSession(deps.db, session.id),
      token: session.csrfToken ? null : session.token,
      csrfToken: session.csrfToken,
    };
  }

  app.post(
    '/v1/auth/login',
    {
      config: {
        rateLimit: {
          max: deps.loginAttemptsPerMinute,
          timeWindow: 60_000,
          keyGenerator: (request) => `login:${request.ip}`,
        },
      },
      schema: {
        tags: ['auth'],
        summary:
          'Sign in as staff: a session in one program (cookie for the console, or a bearer token); several programs answer the list to choose from',
        security: [],
        body: LoginBody,
        response: { 200: ProgramChoice, 201: SignedIn, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const now = deps.clock.now();
      let outcome: Awaited<ReturnType<typeof signIn>>;
      try {
        outcome = await signIn(
          deps.db,
          {
            login: body.login,
            password: body.password,
            programId: body.programId,
            totp: body.totp,
            mode: body.mode ?? 'cookie',
          },
          now,
        );
      } catch (error) {
        if (error instanceof JifenError) await recordRefusedSignIn(deps.db, request, body.login, error, now);
        throw error;
      }
      if (outcome.kind === 'choose_program') {
        return reply.code(200).send({
          status: 'choose_program' as const,
          programs: outcome.programs.map(({ programId, programName, role }) => ({
            programId,
            programName,
            role,
          })),
        });
      }
      await recordSignIn(deps.db, request, outcome.membership, now);
      return signedIn(reply, outcome.session);
    },
  );

  app.get(
    '/v1/auth/session',
    {
      config: { session: 'any' },
      schema: {
        tags: ['auth'],
        summary:
          'Who am I: the staff member, role, permissions, stores and program of the session (or the API key)',
        response: { 200: WhoAmI, ...problemResponses },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      return {
        kind: principal.kind,
        programId: principal.programId,
        permissions: [...permissionsOf(principal)],
        session: principal.kind === 'staff' ? await describeSession(deps.db, principal.sessionId) : null,
        apiKeyId: principal.kind === 'api_key' ? principal.keyId : null,
      };
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary:
          'A new session token (the old one stops working); the idle time restarts, the absolute end stays',
        response: { 201: SignedIn, ...problemResponses },
      },
    },
    async (request, reply) =>
      signedIn(reply, await refreshSession(deps.db, staffPrincipalOfRequest(request), deps.clock.now())),
  );

  app.post(
    '/v1/auth/switch',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary: 'Move the session to another program the person is staff of (the old session ends)',
        body: SwitchBody,
        response: { 201: SignedIn, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { session } = await switchProgram(
        deps.db,
        staffPrincipalOfRequest(request),
        request.body.programId,
        deps.clock.now(),
      );
      return signedIn(reply, session);
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary: 'End the session (its token and cookies stop working at once)',
        response: { 200: SessionEnded, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { sessionId } = staffPrincipalOfRequest(request);
      const now = deps.clock.now();
      await revokeSession(deps.db, sessionId, now);
      clearSessionCookies(reply, deps.secureCookies);
      return { sessionId, endedAt: now.toISOString() };
    },
  );

  app.post(
    '/v1/auth/password',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary: 'Change your own password; your other sessions end',
        body: PasswordChangeBody,
        response: { 200: PasswordChanged, ...problemResponses },
      },
    },
    async (request) => {
      const now = deps.clock.now();
      await changeOwnPassword(deps.db, staffPrincipalOfRequest(request), request.body, now);
      return { changedAt: now.toISOString(), otherSessionsEnded: true };
    },
  );

  app.post(
    '/v1/auth/totp',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary:
          'Start enrolling a second factor (TOTP): the secret for an authenticator app; confirm it with a code',
        response: { 201: TotpEnrolment, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await enrolTotp(deps.db, staffPrincipalOfRequest(request))),
  );

  app.post(
    '/v1/auth/totp/confirm',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary: 'Confirm the second factor with a code from the app: from now on sign-in asks for one',
        body: TotpCodeBody,
        response: { 200: TotpState, ...problemResponses },
      },
    },
    async (request) => {
      await confirmTotp(deps.db, staffPrincipalOfRequest(request), request.body.totp, deps.clock.now());
      return { totpEnabled: true };
    },
  );

  app.post(
    '/v1/auth/totp/disable',
    {
      ...staffOnly,
      schema: {
        tags: ['auth'],
        summary: 'Turn the second factor off (needs a current code)',
        body: TotpCodeBody,
        response: { 200: TotpState, ...problemResponses },
      },
    },
    async (request) => {
      await disableTotp(deps.db, staffPrincipalOfRequest(request), request.body.totp, deps.clock.now());
      return { totpEnabled: false };
    },
  );
}
