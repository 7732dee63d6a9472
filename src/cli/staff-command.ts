import { systemClock } from '../shared/clock.ts';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../staff/password-hash.ts';
import { BUILT_IN_ROLES } from '../staff/permissions.ts';
import { addStaff, loginOrRefuse } from '../staff/staff-commands.ts';
import { findAccountByLogin, listStaff, setPassword } from '../staff/staff-store.ts';
import type { StaffView } from '../staff/staff-types.ts';
import { programFor, withDatabase } from './cli-database.ts';
import { DATABASE_FLAGS, parse, UsageError } from './options.ts';

/**
 * `jifen staff create|list|password`: the deployment operator's way in, for the first owner of a
 * program (who then adds the others over the API or the console) and for a forgotten password.
 * A password is asked for on the terminal, without echo, when `--password` is not given.
 */

const STAFF_FLAGS = {
  ...DATABASE_FLAGS,
  program: { type: 'string' },
  role: { type: 'string' },
  login: { type: 'string' },
  name: { type: 'string' },
  password: { type: 'string' },
  stores: { type: 'string' },
} as const;

function line(staff: StaffView): string {
  const stores = staff.storeIds.length > 0 ? staff.storeIds.join(',') : '-';
  return `${staff.id}\t${staff.login}\t${staff.name}\t${staff.role}\t${stores}\t${staff.status}\t${staff.lastLoginAt ?? 'never signed in'}`;
}

/** Reads a line from the terminal without echoing it. */
function askHidden(question: string): Promise<string> {
  const { stdin, stdout } = process;
  stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = () => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      stdout.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          done();
          resolve(value);
          return;
        }
        if (char === '\u0003' || char === '\u0004') {
          done();
          reject(new UsageError('cancelled'));
          return;
        }
        value = char === '\u007f' || char === '\b' ? value.slice(0, -1) : value + char;
      }
    };
    stdin.on('data', onData);
  });
}

/** The password from --password, or asked twice on a terminal; refused without either. */
async function passwordFrom(given: string | undefined): Promise<string> {
  let password = given;
  if (password === undefined) {
    if (!process.stdin.isTTY) {
      throw new UsageError(
        'no terminal to ask for the password on: pass --password (at least 10 characters)',
      );
    }
    password = await askHidden('Password: ');
    if ((await askHidden('Password again: ')) !== password) throw new UsageError('the two passwords differ');
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}

export async function staffCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, STAFF_FLAGS);
  const [action] = positionals;
  if (action === 'create') {
    if (!values.login) throw new UsageError('staff create needs --login EMAIL_OR_PHONE');
    if (!values.role)
      throw new UsageError(`staff create needs --role (${BUILT_IN_ROLES.join(', ')} or a custom role id)`);
    const login = loginOrRefuse(values.login, '--login');
    const storeIds = (values.stores ?? '')
      .split(',')
      .map((store) => store.trim())
      .filter((store) => store.length > 0);
    return withDatabase(values, async (db) => {
      const programId = await programFor(db, values.program);
      // A person already staff elsewhere keeps their own password.
      const existing = await findAccountByLogin(db, login);
      if (existing && values.password !== undefined) {
        throw new UsageError(`${login} already signs in with a password of their own: drop --password`);
      }
      const password = existing ? undefined : await passwordFrom(values.password);
      const staff = await addStaff(
        db,
        programId,
        { login, name: values.name ?? login, role: values.role!, storeIds, password },
        'all',
        systemClock.now(),
      );
      console.log(
        `created staff ${staff.id} (${staff.login}, ${staff.role}) in ${programId}; sign in with POST /v1/auth/login`,
      );
      return 0;
    });
  }
  if (action === 'list') {
    return withDatabase(values, async (db) => {
      const programId = await programFor(db, values.program);
      for (const staff of await listStaff(db, programId)) console.log(line(staff));
      return 0;
    });
  }
  if (action === 'password') {
    if (!values.login) throw new UsageError('staff password needs --login EMAIL_OR_PHONE');
    const login = loginOrRefuse(values.login, '--login');
    return withDatabase(values, async (db) => {
      const account = await findAccountByLogin(db, login);
      if (!account) throw new UsageError(`there is no staff login ${login}`);
      const password = await passwordFrom(values.password);
      await setPassword(db, account.id, await hashPassword(password), systemClock.now());
      console.log(`set a new password for ${login}; every session of theirs ended`);
      return 0;
    });
  }
  throw new UsageError('staff needs create, list or password');
}
