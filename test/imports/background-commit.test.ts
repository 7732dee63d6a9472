import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ImportCommitRunner } from '../../src/imports/commit-runner.ts';
import { openOutboxData } from '../../src/notifications/outbox/outbox-sql.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { balancesOf, entriesOf, importFile } from './import-kit.ts';

/**
 * `POST /v1/imports/{id}/commit` answers 202 and the commit runs in the background, a chunk at a
 * time (one row a chunk here, and a hook before each chunk that the tests hold, so "mid-way" is a
 * state, not a timing). One runner at a time holds an import's lease; a commit whose runner died
 * is resumed after the last chunk done, each row credited once.
 */

const NOW = '2026-03-01T02:00:00Z';

/** A promise and its resolver. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe.each(ENGINES)('imports committed in the background (%s)', (engine) => {
  let api: TestApi;
  /** What the runner does before each chunk: the tests set it. */
  let beforeChunk: (chunk: number) => Promise<void>;
  let chunks = 0;
  beforeAll(async () => {
    api = await openTestApi(engine, NOW, {
      importCommits: { chunkRows: 1, beforeChunk: () => beforeChunk(++chunks) },
    });
    await importFile(api, 'members', 'memberId\nbg-1\nbg-2\nbg-3\nbg-4\n');
  });
  beforeEach(() => {
    chunks = 0;
    beforeChunk = async () => {};
  });
  afterAll(async () => api?.close());

  const balancesFile = (prefix: string, points: readonly number[]) =>
    [
      'importId,memberId,points,earnedAt',
      ...points.map((each, index) => `${prefix}-${index},bg-${index + 1},${each},2026-02-0${index + 1}`),
    ].join('\n');

  async function dryRun(file: string): Promise<string> {
    const created = await api.call('POST', '/v1/imports', { kind: 'balances', content: file });
    expect(created.status).toBe(201);
    return created.body.id;
  }

  const available = async () =>
    Promise.all(['bg-1', 'bg-2', 'bg-3'].map(async (id) => (await balancesOf(api, id)).available));

  test('202 at once; progress mid-way; then committed with the right balances', async () => {
    const before = await available();
    const id = await dryRun(balancesFile('p', [100, 20, 3]));
    const second = deferred();
    const gate = deferred();
    beforeChunk = async (chunk) => {
      if (chunk === 2) {
        second.resolve();
        await gate.promise;
      }
    };
    const started = await api.call('POST', `/v1/imports/${id}/commit`, {});
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'committing', progress: { done: 0, total: 3 } });

    await second.promise; // the first row applied, the second waits
    const midway = await api.call('GET', `/v1/imports/${id}`);
    expect(midway.body).toMatchObject({
      state: 'committing',
      progress: { done: 1, total: 3 },
      counts: { applied: 1 },
    });
    expect(await available()).toEqual([before[0]! + 100, before[1], before[2]]);

    gate.resolve();
    await api.importCommits.idle();
    const done = await api.call('GET', `/v1/imports/${id}`);
    expect(done.body).toMatchObject({
      state: 'committed',
      progress: { done: 3, total: 3 },
      counts: { applied: 3, skipped: 0 },
      points: 123,
      failure: null,
    });
    expect(await available()).toEqual([before[0]! + 100, before[1]! + 20, before[2]! + 3]);
  });

  test('a file with errors is refused at once without skipErrors (nothing applied), and commits with it', async () => {
    const id = await dryRun(
      'importId,memberId,points,earnedAt\ne-1,bg-4,5,2026-02-01\ne-2,bg-4,-1,2026-02-01\n',
    );
    const refused = await api.call('POST', `/v1/imports/${id}/commit`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('import_has_errors');
    expect(String(refused.headers['content-type'])).toMatch(/^application\/problem\+json/);
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'dry_run',
      counts: { applied: 0 },
    });
    const started = await api.call('POST', `/v1/imports/${id}/commit`, { skipErrors: true });
    expect(started.status).toBe(202);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committed',
      counts: { applied: 1, invalid: 1 },
    });
  });

  test('two commits at once: one runs, the other answers the import as it stands; each row credited once', async () => {
    const before = await available();
    const id = await dryRun(balancesFile('c', [7, 8, 9]));
    const first = deferred();
    const gate = deferred();
    beforeChunk = async (chunk) => {
      if (chunk === 1) {
        first.resolve();
        await gate.promise;
      }
    };
    const one = await api.call('POST', `/v1/imports/${id}/commit`, {});
    await first.promise;
    const two = await api.call('POST', `/v1/imports/${id}/commit`, { skipErrors: true });
    expect([one.status, two.status]).toEqual([202, 202]);
    expect(two.body).toMatchObject({ id, state: 'committing', progress: { done: 0, total: 3 } });
    gate.resolve();
    await api.importCommits.idle();
    expect(chunks).toBe(3); // one runner: a chunk per row, not two
    expect(await available()).toEqual([before[0]! + 7, before[1]! + 8, before[2]! + 9]);

    // Sent together, unheld: still one commit, each row once.
    const again = await dryRun(balancesFile('d', [1, 2, 3]));
    const replies = await Promise.all([
      api.call('POST', `/v1/imports/${again}/commit`, {}),
      api.call('POST', `/v1/imports/${again}/commit`, {}),
    ]);
    for (const reply of replies) expect([202, 409]).toContain(reply.status);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${again}`)).body).toMatchObject({
      state: 'committed',
      counts: { applied: 3, skipped: 0 },
      entriesMade: 3,
    });
    expect(await available()).toEqual([before[0]! + 8, before[1]! + 10, before[2]! + 12]);
    const committed = await api.db.query<{ data: unknown }>(
      `select data from outbox where program_id = $1 and type = 'import.committed'`,
      [api.programId],
    );
    const opened = await Promise.all(committed.map((row) => openOutboxData(api.db, api.programId, row.data)));
    expect(opened.filter((data) => data.importId === again)).toHaveLength(1);
  });

  test('undo of an import still committing answers 409 import_commit_running; once committed it undoes', async () => {
    const id = await dryRun(balancesFile('u', [11, 12]));
    const first = deferred();
    const gate = deferred();
    beforeChunk = async (chunk) => {
      if (chunk === 2) {
        first.resolve();
        await gate.promise;
      }
    };
    await api.call('POST', `/v1/imports/${id}/commit`, {});
    await first.promise;
    const refused = await api.call('POST', `/v1/imports/${id}/undo`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'import_commit_running', state: 'committing' });
    gate.resolve();
    await api.importCommits.idle();
    const undone = await api.call('POST', `/v1/imports/${id}/undo`);
    expect(undone.status).toBe(200);
    expect(undone.body.state).toBe('undone');
  });

  test('a commit whose runner died (stale lease) is resumed from its last chunk: each row credited once', async () => {
    const before = await available();
    const id = await dryRun(balancesFile('r', [1000, 200, 30]));
    // A runner that stops after two chunks, like a process killed mid-way...
    let runnerChunks = 0;
    const dying = new ImportCommitRunner(api.db, api.clock, {
      chunkRows: 1,
      beforeChunk: async () => {
        runnerChunks += 1;
        if (runnerChunks === 2) void dying.stop();
      },
    });
    await dying.start(api.programId, id, { skipErrors: false, source: { kind: 'operator', ref: 'test' } });
    await dying.idle();
    // ... whose lease was still held when it died.
    await api.db.query(
      `update imports set commit_runner = 'dead', commit_lease_until = $3 where program_id = $1 and id = $2`,
      [api.programId, id, new Date(api.clock.now().getTime() + 30_000).toISOString()],
    );
    const stopped = await api.call('GET', `/v1/imports/${id}`);
    expect(stopped.body).toMatchObject({ state: 'committing', progress: { done: 2, total: 3 } });

    // Its lease holds: nobody takes it over, and a commit request only answers where it stands.
    expect(await api.importCommits.resumeAbandoned()).toBe(0);
    const asked = await api.call('POST', `/v1/imports/${id}/commit`, {});
    expect(asked.status).toBe(202);
    expect(asked.body.progress).toEqual({ done: 2, total: 3 });

    api.clock.advance(31_000); // the lease expired: the runner is presumed dead
    chunks = 0;
    expect(await api.importCommits.resumeAbandoned()).toBe(1);
    await api.importCommits.idle();
    expect(chunks).toBe(1); // the last row only
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committed',
      progress: { done: 3, total: 3 },
      counts: { applied: 3, skipped: 0 },
      entriesMade: 3,
      points: 1230,
    });
    expect(await available()).toEqual([before[0]! + 1000, before[1]! + 200, before[2]! + 30]);
    const earned = (await entriesOf(api, 'bg-1')).filter((entry) => entry.points === 1000);
    expect(earned).toHaveLength(1);
  });

  test('a runner that lost its lease mid-chunk rolls the chunk back and stops; the new holder applies it once', async () => {
    const before = await available();
    const id = await dryRun(balancesFile('l', [500, 60, 7]));
    // While the second chunk is being applied, another process takes the commit over (this one
    // seemed dead to it).
    beforeChunk = async (chunk) => {
      if (chunk !== 2) return;
      await api.db.query(
        `update imports set commit_runner = 'other', commit_lease_until = $3 where program_id = $1 and id = $2`,
        [api.programId, id, new Date(api.clock.now().getTime() + 60_000).toISOString()],
      );
    };
    expect((await api.call('POST', `/v1/imports/${id}/commit`, {})).status).toBe(202);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committing',
      progress: { done: 1, total: 3 },
      counts: { applied: 1 },
      failure: null,
    });
    expect(await available()).toEqual([before[0]! + 500, before[1], before[2]]);

    beforeChunk = async () => {};
    api.clock.advance(61_000); // the other process died too
    expect(await api.importCommits.resumeAbandoned()).toBe(1);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committed',
      progress: { done: 3, total: 3 },
      counts: { applied: 3, skipped: 0 },
      entriesMade: 3,
    });
    expect(await available()).toEqual([before[0]! + 500, before[1]! + 60, before[2]! + 7]);
  });

  test('a commit stopped by shutdown is released at once and resumed by the next runner', async () => {
    const id = await dryRun(balancesFile('s', [4, 5, 6]));
    const stopping = new ImportCommitRunner(api.db, api.clock, {
      chunkRows: 1,
      beforeChunk: async () => {
        void stopping.stop();
      },
    });
    await stopping.start(api.programId, id, { skipErrors: false, source: { kind: 'operator', ref: 'test' } });
    await stopping.idle();
    const [row] = await api.db.query<{ commit_runner: string | null }>(
      'select commit_runner from imports where program_id = $1 and id = $2',
      [api.programId, id],
    );
    expect(row?.commit_runner).toBeNull();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committing',
      progress: { done: 1, total: 3 },
    });
    expect(await api.importCommits.resumeAbandoned()).toBe(1);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committed',
      counts: { applied: 3 },
    });
  });

  test('a problem in the background leaves the import failed with it; committing again resumes', async () => {
    const id = await dryRun(balancesFile('f', [40, 50]));
    beforeChunk = async (chunk) => {
      if (chunk === 2) throw new Error('connection lost');
    };
    expect((await api.call('POST', `/v1/imports/${id}/commit`, {})).status).toBe(202);
    await api.importCommits.idle();
    const failed = await api.call('GET', `/v1/imports/${id}`);
    expect(failed.body).toMatchObject({
      state: 'failed',
      progress: { done: 1, total: 2 },
      failure: { code: 'import_commit_failed' },
    });
    expect(failed.body.failure.detail).toMatch(/connection lost.*commit the import again/);
    expect((await api.call('POST', `/v1/imports/${id}/undo`)).body.code).toBe('import_state_conflict');

    beforeChunk = async () => {};
    expect(await api.importCommits.resumeAbandoned()).toBe(0); // failed waits for a person
    expect((await api.call('POST', `/v1/imports/${id}/commit`, {})).status).toBe(202);
    await api.importCommits.idle();
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      state: 'committed',
      progress: { done: 2, total: 2 },
      counts: { applied: 2 },
      failure: null,
    });
  });
});
