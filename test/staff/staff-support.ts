import { addStaff } from '../../src/staff/staff-commands.ts';
import type { StaffView } from '../../src/staff/staff-types.ts';
import type { TestApi } from '../support/test-api.ts';

export const PASSWORD = 'correct horse battery';

let counter = 0;

/** A staff member of the test program (made as the CLI makes the first owner: no actor to check). */
export async function addStaffMember(
  api: TestApi,
  input: { role: string; login?: string; storeIds?: string[]; password?: string; programId?: string },
): Promise<StaffView & { loginUsed: string }> {
  counter += 1;
  const login = input.login ?? `staff${counter}-${input.role}@example.com`;
  const staff = await addStaff(
    api.db,
    input.programId ?? api.programId,
    {
      login,
      name: `${input.role} ${counter}`,
      role: input.role,
      storeIds: input.storeIds,
      password: input.password ?? PASSWORD,
    },
    'all',
    api.clock.now(),
  );
  return { ...staff, loginUsed: login };
}

type Reply = Awaited<ReturnType<TestApi['call']>>;

export async function login(api: TestApi, body: Record<string, unknown>): Promise<Reply> {
  return send(api, 'POST', '/v1/auth/login', body, {});
}

/** Sends a request with exactly these headers (no API key unless given). */
export async function send(
  api: TestApi,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Reply> {
  const response = await api.app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: body as object }),
  });
  const text = response.body;
  return {
    status: response.statusCode,
    body: text.length > 0 && /json/.test(String(response.headers['content-type'])) ? JSON.parse(text) : text,
    headers: response.headers,
  };
}

/** Signs in for a bearer token and answers the headers that use it. */
export async function tokenHeaders(
  api: TestApi,
  loginName: string,
  password = PASSWORD,
): Promise<Record<string, string>> {
  const reply = await login(api, { login: loginName, password, mode: 'token' });
  if (reply.status !== 201) throw new Error(`sign-in failed: ${reply.status} ${JSON.stringify(reply.body)}`);
  return { authorization: `Bearer ${reply.body.token}` };
}

/** The cookies of a cookie sign-in, as a Cookie header, and the CSRF token. */
export function cookiesOf(reply: Reply): { cookie: string; csrf: string } {
  const setCookie = reply.headers['set-cookie'];
  const list = Array.isArray(setCookie) ? setCookie : [String(setCookie)];
  const pairs = list.map((item) => item.split(';')[0]!);
  const csrf = pairs.find((pair) => pair.startsWith('jifen_csrf='))!.slice('jifen_csrf='.length);
  return { cookie: pairs.join('; '), csrf };
}
