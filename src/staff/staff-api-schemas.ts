import { Type } from '@sinclair/typebox';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password-hash.ts';
import { PERMISSION_NAMES } from './permissions.ts';

/** Request and response shapes of sign-in, sessions, staff and roles; the OpenAPI document is generated from them. */

const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const PermissionName = Type.Union(PERMISSION_NAMES.map((name) => Type.Literal(name)));

export const Password = Type.String({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
  description: `At least ${MIN_PASSWORD_LENGTH} characters.`,
});

export const LoginName = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'An e-mail address or a phone number (spaces, dashes and case do not matter).',
});

const TotpCode = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'The 6-digit code of the authenticator app.',
});

const SessionMode = Type.Union([Type.Literal('cookie'), Type.Literal('token')], {
  description:
    '`cookie` (default): the console; the session travels in an HTTP-only cookie and writes need `X-CSRF-Token`. `token`: scripts; the answer carries a bearer token.',
});

export const LoginBody = Type.Object(
  {
    login: LoginName,
    password: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }),
    programId: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Needed when the person is staff of several programs.',
      }),
    ),
    totp: Type.Optional(TotpCode),
    mode: Type.Optional(SessionMode),
  },
  { additionalProperties: false },
);

export const ProgramChoice = Type.Object(
  {
    status: Type.Literal('choose_program'),
    programs: Type.Array(
      Type.Object({ programId: Type.String(), programName: Type.String(), role: Type.String() }),
      { description: 'Send the sign-in again with one of these `programId`s.' },
    ),
  },
  { description: 'The person is staff of several programs: nothing was signed in yet.' },
);

export const SessionView = Type.Object({
  id: Type.String(),
  mode: SessionMode,
  programId: Type.String(),
  programName: Type.String(),
  staffId: Type.String(),
  name: Type.String(),
  login: Type.String(),
  role: Type.String(),
  permissions: Type.Array(Type.String()),
  storeIds: Type.Array(Type.String()),
  createdAt: DateTime,
  expiresAt: Type.String({ format: 'date-time', description: 'The absolute end: sign in again after it.' }),
  idleExpiresAt: Type.String({
    format: 'date-time',
    description: 'When the session ends without a further request (each request moves it).',
  }),
  programs: Type.Array(
    Type.Object({ programId: Type.String(), programName: Type.String(), role: Type.String() }),
    {
      description:
        'Every program the person is active staff of, this one included: `POST /v1/auth/switch` moves the session to another.',
    },
  ),
});

export const SignedIn = Type.Object({
  status: Type.Literal('signed_in'),
  session: SessionView,
  token: Type.Union([Type.String(), Type.Null()], {
    description:
      '`token` mode: the bearer token (`Authorization: Bearer jfs_...`), shown once. Null in cookie mode.',
  }),
  csrfToken: Type.Union([Type.String(), Type.Null()], {
    description:
      'Cookie mode: the value to send in `X-CSRF-Token` on every write (also the `jifen_csrf` cookie).',
  }),
});

export const WhoAmI = Type.Object({
  kind: Type.Union([Type.Literal('staff'), Type.Literal('api_key')]),
  programId: Type.String(),
  permissions: Type.Array(Type.String()),
  session: Type.Union([SessionView, Type.Null()], { description: 'The staff session; null for an API key.' }),
  apiKeyId: Type.Union([Type.String(), Type.Null()]),
});

export const SwitchBody = Type.Object(
  { programId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

export const PasswordChangeBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: MAX_PASSWORD_LENGTH }), newPassword: Password },
  { additionalProperties: false },
);

export const SessionEnded = Type.Object({ sessionId: Type.String(), endedAt: DateTime });

export const PasswordChanged = Type.Object({
  changedAt: DateTime,
  otherSessionsEnded: Type.Boolean({
    description: 'Every other session of the person ended; this one stays.',
  }),
});

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'Base32, for typing into an authenticator app.' }),
  otpauthUri: Type.String({ description: 'The same as an `otpauth://` URI, for a QR code.' }),
});

export const TotpCodeBody = Type.Object({ totp: TotpCode }, { additionalProperties: false });

export const TotpState = Type.Object({ totpEnabled: Type.Boolean() });

const StoreIds = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 100,
  uniqueItems: true,
  description:
    'The stores the staff member works at: their writes are stamped with one of them. Required for store_clerk.',
});

const RoleRef = Type.String({
  minLength: 1,
  maxLength: 64,
  description:
    'A built-in role (owner, admin, operator, customer_service, finance, auditor, store_clerk) or a custom role id.',
});

export const StaffMember = Type.Object({
  id: Type.String(),
  name: Type.String(),
  login: Type.String(),
  role: Type.String(),
  storeIds: Type.Array(Type.String()),
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  totpEnabled: Type.Boolean(),
  lastLoginAt: NullableDateTime,
  createdAt: DateTime,
  updatedAt: DateTime,
});

export const StaffParams = Type.Object({ staffId: Type.String({ minLength: 1, maxLength: 64 }) });

export const NewStaffBody = Type.Object(
  {
    login: LoginName,
    name: Type.String({ minLength: 1, maxLength: 128 }),
    role: RoleRef,
    storeIds: Type.Optional(StoreIds),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);

export const StaffPatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    role: Type.Optional(RoleRef),
    storeIds: Type.Optional(StoreIds),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordResetBody = Type.Object({ password: Password }, { additionalProperties: false });

export const Role = Type.Object({
  id: Type.String(),
  name: Type.String(),
  builtIn: Type.Boolean(),
  permissions: Type.Array(Type.String()),
  createdAt: NullableDateTime,
  updatedAt: NullableDateTime,
});

export const RoleParams = Type.Object({ roleId: Type.String({ minLength: 1, maxLength: 64 }) });

export const NewRoleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    permissions: Type.Array(PermissionName, { uniqueItems: true, maxItems: PERMISSION_NAMES.length }),
  },
  { additionalProperties: false },
);

export const RolePatchBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    permissions: Type.Optional(
      Type.Array(PermissionName, { uniqueItems: true, maxItems: PERMISSION_NAMES.length }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
