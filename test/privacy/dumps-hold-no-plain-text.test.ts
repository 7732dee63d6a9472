import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import {
  createTestPostgresDatabase,
  killAllChildren,
  runJifen,
  type ServerProcess,
  startServer,
  tempDataDir,
} from '../support/jifen-process.ts';
import { POSTGRES_URL } from '../support/test-database.ts';

/**
 * What leaves the database (issue 17): a `pg_dump` of a PostgreSQL database, and a `jifen backup`
 * of the embedded one, hold no member's phone number, e-mail address, name, nickname or birthday, and no
 * webhook secret, in plain text: only ciphertext.
 */
const KEY = 'jf_privacy_dump_owner_key_0123456789abcd';
const START_MS = 120_000;

afterAll(() => killAllChildren());

/** Personal data sent through the API of a running server; answers the values to look for. */
async function storePersonalData(server: ServerProcess): Promise<string[]> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(answer)).toBeLessThan(300);
    return answer;
  };
  await call('PUT', '/v1/members/dump-1', {
    name: '欧阳娜娜',
    nickname: 'Nana Ouyang',
    birthday: '1966-06-06',
  });
  await call('PUT', '/v1/members/dump-1/notification-preferences', {
    email: 'nana.ouyang@example.com',
    phone: '13712345678',
  });
  const endpoint = await call('POST', '/v1/webhooks', { url: 'https://hooks.example.com/dump' });
  return [
    '欧阳娜娜',
    'Nana Ouyang',
    '1966-06-06',
    'nana.ouyang@example.com',
    '13712345678',
    String(endpoint.secret),
  ];
}

function expectNoneIn(bytes: Buffer, values: readonly string[]): void {
  expect(bytes.includes(Buffer.from('enc:v1:')), 'the dump holds the ciphertext').toBe(true);
  expect(bytes.includes(Buffer.from('dump-1')), 'the dump holds the member').toBe(true);
  for (const value of values)
    expect(bytes.includes(Buffer.from(value)), `the dump holds ${value}`).toBe(false);
}

describe.runIf(POSTGRES_URL)('pg_dump of a PostgreSQL database', () => {
  test('holds no phone, e-mail, name, birthday or webhook secret in plain text', async () => {
    const database = await createTestPostgresDatabase();
    try {
      const server = await startServer(['--database-url', database.url], {
        env: { JIFEN_BOOTSTRAP_KEY: KEY },
        startTimeoutMs: START_MS,
      });
      const values = await storePersonalData(server);
      await server.stop();
      const dump = execFileSync('pg_dump', ['--no-owner', database.url], { maxBuffer: 256 * 1024 * 1024 });
      expectNoneIn(dump, values);
    } finally {
      await database.drop();
    }
  });
});

describe('jifen backup of the embedded database', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());

  test('holds no phone, e-mail, name, birthday or webhook secret in plain text', async () => {
    const server = await startServer(['--data', data.dir], {
      env: { JIFEN_BOOTSTRAP_KEY: KEY },
      startTimeoutMs: START_MS,
    });
    const values = await storePersonalData(server);
    await server.stop();
    const out = join(data.dir, 'backup.tar.gz');
    const backup = await runJifen(['backup', '--data', data.dir, '--out', out], { timeoutMs: 120_000 });
    expect(backup.code, backup.stderr).toBe(0);
    // A backup file is a line naming the format, a manifest line, then the data directory as a
    // gzipped tarball (src/ops/backup-file.ts).
    const file = readFileSync(out);
    const dataStart = file.indexOf(0x0a, file.indexOf(0x0a) + 1) + 1;
    expectNoneIn(gunzipSync(file.subarray(dataStart)), values);
  });
});
