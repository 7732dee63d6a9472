import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pruneDryRuns } from '../../src/imports/prune-dry-runs.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { commit, dryRun } from './import-kit.ts';

const file = (ids: string[]) => `memberId\n${ids.join('\n')}\n`;
const DAY_MS = 86_400_000;

describe.each(ENGINES)('dry runs left uncommitted are removed after a week (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
  });
  afterAll(async () => api?.close());

  const staged = async (importId: string) =>
    (
      await api.db.query<{ n: number }>(
        'select count(*)::int as n from import_rows where program_id = $1 and import_id = $2',
        [api.programId, importId],
      )
    )[0]!.n;

  test('an old dry run goes with its staged rows; a recent one and a committed one stay', async () => {
    const old = await dryRun(api, 'members', file(['p-1', 'p-2', 'p-3']));
    const done = await dryRun(api, 'members', file(['p-4']));
    await commit(api, done.id);
    api.clock.advance(8 * DAY_MS);
    const recent = await dryRun(api, 'members', file(['p-5']));
    expect(await staged(old.id)).toBe(3);

    const removed = await pruneDryRuns(api.db, new Date(api.clock.now().getTime() - 7 * DAY_MS), 1);
    expect(removed).toBe(1);
    expect(await staged(old.id)).toBe(0);
    expect((await api.call('GET', `/v1/imports/${old.id}`)).status).toBe(404);
    const commitOld = await api.call('POST', `/v1/imports/${old.id}/commit`, {});
    expect(commitOld.status).toBe(404);
    expect(commitOld.body.code).toBe('import_not_found');
    expect((await api.call('GET', `/v1/imports/${recent.id}`)).body.state).toBe('dry_run');
    expect((await api.call('GET', `/v1/imports/${done.id}`)).body.state).toBe('committed');
    expect((await api.call('GET', '/v1/members/p-4')).status).toBe(200);
    expect(await pruneDryRuns(api.db, new Date(api.clock.now().getTime() - 7 * DAY_MS))).toBe(0);
  });
});
