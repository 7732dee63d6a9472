import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { JOURNAL_PAGE_SIZE } from '../../src/finance/journal-export.ts';
import { generateJournal } from '../support/generated-journal.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const ENTRIES = 60_000;
const PAGES = Math.ceil((ENTRIES + 1) / JOURNAL_PAGE_SIZE);

/**
 * A large export (60,000 entries, 30 pages) over a real socket: it arrives complete and in order, and the server reads the
 * journal only as fast as the client takes it (a paused client leaves most pages unread), so its
 * memory is a few pages whatever the export's size. Not timed: `npm run bench` measures speed.
 */
describe.each(ENGINES)('a large journal export streams (%s)', (engine) => {
  let api: TestApi;
  let origin = '';
  let pagesRead = 0;

  beforeAll(async () => {
    api = await openTestApi(engine);
    await generateJournal(api.db, api.programId, {
      members: 1000 + 1,
      entries: ENTRIES,
      start: '2026-01-01T00:00:00Z',
    });
    // Count the export's page statements as the route runs them (on the database the app was given).
    const query = api.db.query.bind(api.db);
    api.db.query = ((sql: string, params?: readonly unknown[]) => {
      if (sql.includes('order by coalesce(effective_at, created_at), id')) pagesRead += 1;
      return query(sql, params);
    }) as typeof api.db.query;
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    origin = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => api.close());

  async function settled(): Promise<number> {
    let last = -1;
    for (let stable = 0; stable < 6; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stable = pagesRead === last ? stable + 1 : 0;
      last = pagesRead;
    }
    return pagesRead;
  }

  test('a paused client holds the export back; once read, every entry arrives once, in order', async () => {
    pagesRead = 0;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(
          `${origin}/v1/finance/journal?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z&format=csv`,
          { headers: { authorization: `Bearer ${api.key}` } },
          resolve,
        )
        .on('error', reject);
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['transfer-encoding']).toBe('chunked');
    // Nothing read by the client yet: the server stops once the socket's buffers are full.
    const whilePaused = await settled();
    expect(whilePaused).toBeGreaterThan(0);
    expect(whilePaused).toBeLessThanOrEqual(PAGES / 2);

    let lines = 0;
    let previous = '';
    let rest = '';
    let inOrder = true;
    response.setEncoding('utf8');
    for await (const chunk of response) {
      const parts = (rest + chunk).split('\r\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines += 1;
        if (lines === 1) continue;
        const id = line.slice(1, line.indexOf('"', 1));
        if (id <= previous) inOrder = false;
        previous = id;
      }
    }
    expect(rest).toBe('');
    expect(lines).toBe(ENTRIES + 1);
    expect(inOrder).toBe(true);
    expect(pagesRead).toBe(PAGES);
  }, 120_000);

  test('the totals of the range tie to the members’ balances', async () => {
    const totals = await api.call(
      'GET',
      '/v1/finance/journal/totals?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z',
    );
    expect(totals.body.entries).toBe(ENTRIES);
    const [row] = await api.db.query<{ points: number }>(
      'select sum(available_points)::int8 as points from members where program_id = $1',
      [api.programId],
    );
    const available = totals.body.accounts.find(
      (account: { account: string }) => account.account === 'member:available',
    );
    expect(available.closing).toBe(Number(row!.points));
    expect(totals.body.units[0]).toMatchObject({ opening: 0, closing: 0 });
  });
});
