import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** The imports API: dry run, report, commit, undo, list, and every refusal as problem+json with its code. */

describe.each(ENGINES)('imports over HTTP (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine, '2026-03-01T02:00:00Z');
  });
  afterAll(async () => api?.close());

  const problem = (reply: { status: number; body: { code?: string }; headers: Record<string, unknown> }) => ({
    status: reply.status,
    code: reply.body.code,
    type: String(reply.headers['content-type']).split(';')[0],
  });

  test('a dry run answers its report; GET shows it; commit applies; the list pages it', async () => {
    const created = await api.call('POST', '/v1/imports', {
      kind: 'members',
      content: 'memberId,tags\nh-1,vip\nh-2,\nh 3,\n',
      fileName: 'members.csv',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'members',
      state: 'dry_run',
      counts: { read: 3, valid: 2, invalid: 1, applied: 0 },
      errors: [{ line: 4, column: 'memberId' }],
    });
    const id = created.body.id;
    expect((await api.call('GET', `/v1/imports/${id}`)).body).toEqual(created.body);
    const refused = await api.call('POST', `/v1/imports/${id}/commit`, {});
    expect(problem(refused)).toEqual({
      status: 409,
      code: 'import_has_errors',
      type: 'application/problem+json',
    });
    const started = await api.call('POST', `/v1/imports/${id}/commit`, { skipErrors: true });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'committing', progress: { done: 0, total: 2 } });
    await api.importCommits.idle();
    const committed = await api.call('GET', `/v1/imports/${id}`);
    expect(committed.body).toMatchObject({
      state: 'committed',
      counts: { applied: 2 },
      progress: { done: 2, total: 2 },
      failure: null,
    });
    expect((await api.call('GET', '/v1/members/h-1')).body.tags).toEqual(['vip']);
    const again = await api.call('POST', `/v1/imports/${id}/commit`, {});
    expect(problem(again)).toMatchObject({ status: 409, code: 'import_state_conflict' });

    const second = await api.call('POST', '/v1/imports', {
      kind: 'members',
      content: 'memberId,tags\nh-1,vip\n',
    });
    expect(second.body.counts.alreadyImported).toBe(1);
    const first = await api.call('GET', '/v1/imports?limit=1');
    expect(first.body).toMatchObject({ hasMore: true, data: [{ id: second.body.id }] });
    const next = await api.call('GET', `/v1/imports?limit=1&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ hasMore: false, nextCursor: null, data: [{ id }] });
  });

  test('JSON lines, and a GBK file in base64 with a mapping', async () => {
    const jsonl = await api.call('POST', '/v1/imports', {
      kind: 'members',
      format: 'jsonl',
      content: '{"memberId":"j-1","tags":["a"]}\n{"memberId":"j-2"}\n',
    });
    expect(jsonl.body.counts).toMatchObject({ read: 2, valid: 2 });
    const gbk = await api.call('POST', '/v1/imports', {
      kind: 'members',
      contentBase64: iconv.encode('会员号,渠道\ng-1,门店\n', 'gbk').toString('base64'),
      encoding: 'gbk',
      mapping: { 会员号: 'memberId', 渠道: 'channel' },
    });
    expect(gbk.status).toBe(201);
    expect(gbk.body.counts).toMatchObject({ valid: 1, invalid: 0 });
  });

  test('balances undone over HTTP; spent points refuse the undo', async () => {
    await api.call('PUT', '/v1/members/u-1', {});
    const created = await api.call('POST', '/v1/imports', {
      kind: 'balances',
      content: 'importId,memberId,points,earnedAt\nub-1,u-1,100,2026-02-01\n',
    });
    await api.call('POST', `/v1/imports/${created.body.id}/commit`, {});
    await api.importCommits.idle();
    await api.call('POST', '/v1/members/u-1/debits', { points: 30, reason: 'spent' });
    const refused = await api.call('POST', `/v1/imports/${created.body.id}/undo`);
    expect(problem(refused)).toEqual({
      status: 409,
      code: 'import_points_spent',
      type: 'application/problem+json',
    });
    expect(refused.body.members).toEqual(['u-1']);
  });

  test('refusals: unknown import, bad file, bad body, missing scope', async () => {
    expect(problem(await api.call('GET', '/v1/imports/imp_0000000000000000000000000'))).toMatchObject({
      status: 404,
      code: 'import_not_found',
    });
    expect(problem(await api.call('POST', '/v1/imports', { kind: 'members', content: '' }))).toMatchObject({
      status: 400,
      code: 'import_file_invalid',
    });
    expect(
      problem(
        await api.call('POST', '/v1/imports', { kind: 'members', content: 'a', contentBase64: 'YQ==' }),
      ),
    ).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(problem(await api.call('POST', '/v1/imports', { kind: 'points', content: 'a' }))).toMatchObject({
      status: 400,
      code: 'validation_failed',
    });
    const key = await api.call('POST', '/v1/api-keys', { name: 'reader', scopes: ['imports:read'] });
    const write = await api.app.inject({
      method: 'POST',
      url: '/v1/imports',
      headers: { authorization: `Bearer ${key.body.secret}` },
      payload: { kind: 'members', content: 'memberId\nz-1\n' },
    });
    expect(write.statusCode).toBe(403);
    expect(JSON.parse(write.body)).toMatchObject({
      code: 'insufficient_scope',
      requiredScope: 'imports:write',
    });
  });
});
