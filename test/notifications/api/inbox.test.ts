import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cursorKey, encodeCursor } from '../../../src/shared/pages.ts';
import { openTestApi, type TestApi } from '../../support/test-api.ts';
import { ENGINES } from '../../support/test-database.ts';
import { createMember, newProgram, type ProgramClient, seedInbox, withKey } from './notification-api-kit.ts';

/**
 * The member's inbox: newest first, unread only, paged; the unread badge; marking one or all read
 * (idempotently); unknown members and messages; and another program seeing nothing of it.
 */
describe.each(ENGINES)('member inbox (%s)', (engine) => {
  let api: TestApi;
  let program: ProgramClient;
  let ids: { first: string; readEarlier: string; third: string; latest: string; friends: string };
  const inbox = (memberId: string, query = '') =>
    program.call('GET', `/v1/members/${memberId}/inbox${query}`);
  const unread = async (client: ProgramClient, memberId: string) =>
    (await client.call('GET', `/v1/members/${memberId}/inbox/unread-count`)).body.unread;

  beforeAll(async () => {
    api = await openTestApi(engine);
    program = await newProgram(api);
    await createMember(program, 'ann');
    await createMember(program, 'bob');
    await createMember(program, 'nobody-writes');
    const seed = (memberId: string, subject: string, createdAt: string, readAt: string | null = null) =>
      seedInbox(api.db, program.programId, memberId, { subject, createdAt, readAt });
    ids = {
      first: await seed('ann', 'first', '2026-02-01T00:00:00.000Z'),
      readEarlier: await seed('ann', 'read earlier', '2026-02-02T00:00:00.000Z', '2026-02-02T01:00:00.000Z'),
      third: await seed('ann', 'third', '2026-02-03T00:00:00.000Z'),
      latest: await seed('ann', 'latest', '2026-02-04T00:00:00.000Z'),
      friends: await seed('bob', "bob's", '2026-02-05T00:00:00.000Z'),
    };
  });
  afterAll(async () => api.close());

  test('lists newest first, with what was read and when', async () => {
    const listed = await inbox('ann');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual([
      ids.latest,
      ids.third,
      ids.readEarlier,
      ids.first,
    ]);
    expect(listed.body.data[2]).toEqual({
      id: ids.readEarlier,
      type: 'points.earned',
      subject: 'read earlier',
      body: 'read earlier (body)',
      category: 'transactional',
      createdAt: '2026-02-02T00:00:00.000Z',
      readAt: '2026-02-02T01:00:00.000Z',
    });
    expect(listed.body.nextCursor).toBeNull();
    expect((await inbox('nobody-writes')).body).toEqual({ data: [], nextCursor: null, hasMore: false });
  });

  test('unread=true leaves out what was read; pages follow the cursor', async () => {
    const unreadOnly = await inbox('ann', '?unread=true');
    expect(unreadOnly.body.data.map((m: { id: string }) => m.id)).toEqual([ids.latest, ids.third, ids.first]);
    const page1 = await inbox('ann', '?limit=2');
    expect(page1.body.data.map((m: { id: string }) => m.id)).toEqual([ids.latest, ids.third]);
    expect(cursorKey(page1.body.nextCursor)).toBe(ids.third);
    const page2 = await inbox('ann', `?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((m: { id: string }) => m.id)).toEqual([ids.readEarlier, ids.first]);
    expect(page2.body.nextCursor).toBeNull();
    const unreadPage = await inbox('ann', `?unread=true&limit=1&cursor=${encodeCursor(ids.latest)}`);
    expect(unreadPage.body.data.map((m: { id: string }) => m.id)).toEqual([ids.third]);
    expect((await inbox('ann', '?unread=maybe')).status).toBe(400);
  });

  test('read, unread count and read-all', async () => {
    const client = await newProgram(api);
    await createMember(client, 'cat');
    await createMember(client, 'dan');
    const seed = (memberId: string, subject: string, createdAt: string) =>
      seedInbox(api.db, client.programId, memberId, { subject, createdAt });
    const one = await seed('cat', 'one', '2026-02-01T00:00:00.000Z');
    await seed('cat', 'two', '2026-02-02T00:00:00.000Z');
    await seed('cat', 'three', '2026-02-03T00:00:00.000Z');
    const dans = await seed('dan', 'dan', '2026-02-03T00:00:00.000Z');
    expect(await unread(client, 'cat')).toBe(3);

    const readAt = api.clock.now().toISOString();
    const read = await client.call('POST', `/v1/members/cat/inbox/${one}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: one, readAt });
    expect(await unread(client, 'cat')).toBe(2);
    api.clock.advance(60_000);
    const again = await client.call('POST', `/v1/members/cat/inbox/${one}/read`);
    expect(again.status).toBe(200);
    expect(again.body.readAt).toBe(readAt);
    expect(await unread(client, 'cat')).toBe(2);

    const all = await client.call('POST', '/v1/members/cat/inbox/read-all');
    expect(all.body).toEqual({ marked: 2 });
    expect(await unread(client, 'cat')).toBe(0);
    const listed = (await client.call('GET', '/v1/members/cat/inbox')).body.data;
    expect(listed.map((m: { readAt: string }) => m.readAt)).toEqual([
      api.clock.now().toISOString(),
      api.clock.now().toISOString(),
      readAt,
    ]);
    expect((await client.call('POST', '/v1/members/cat/inbox/read-all')).body).toEqual({ marked: 0 });
    // Another member's inbox is untouched, and their message is not cat's.
    expect(await unread(client, 'dan')).toBe(1);
    const notCats = await client.call('POST', `/v1/members/cat/inbox/${dans}/read`);
    expect(notCats.status).toBe(404);
    expect(notCats.body).toMatchObject({ code: 'inbox_message_not_found', memberId: 'cat', messageId: dans });
    expect(await unread(client, 'dan')).toBe(1);
  });

  test.each([
    ['GET', ''],
    ['GET', '/unread-count'],
    ['POST', '/read-all'],
    ['POST', '/msg_nothere/read'],
  ] as const)('%s inbox%s of an unknown member is 404 member_not_found', async (method, suffix) => {
    const answer = await program.call(method, `/v1/members/ghost/inbox${suffix}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: 'member_not_found', memberId: 'ghost' });
  });

  test('an unknown message is 404 inbox_message_not_found', async () => {
    const answer = await program.call('POST', '/v1/members/ann/inbox/msg_nothere/read');
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('inbox_message_not_found');
  });

  test("another program's key sees nothing of this inbox, even for a member with the same id", async () => {
    const other = await newProgram(api);
    expect((await other.call('GET', '/v1/members/ann/inbox')).body.code).toBe('member_not_found');
    expect((await other.call('POST', '/v1/members/ann/inbox/read-all')).body.code).toBe('member_not_found');
    await createMember(other, 'ann');
    expect((await other.call('GET', '/v1/members/ann/inbox')).body).toEqual({
      data: [],
      nextCursor: null,
      hasMore: false,
    });
    expect(await unread(other, 'ann')).toBe(0);
    const read = await other.call('POST', `/v1/members/ann/inbox/${ids.latest}/read`);
    expect(read.status).toBe(404);
    expect(read.body.code).toBe('inbox_message_not_found');
    expect((await other.call('POST', '/v1/members/ann/inbox/read-all')).body).toEqual({ marked: 0 });
    expect(await unread(program, 'ann')).toBe(3);
  });

  test('reading needs members:read, marking read needs members:write', async () => {
    const reader = await withKey(api, program.programId, ['members:read']);
    expect((await reader.call('GET', '/v1/members/ann/inbox')).status).toBe(200);
    expect((await reader.call('GET', '/v1/members/ann/inbox/unread-count')).status).toBe(200);
    const refused = await reader.call('POST', '/v1/members/ann/inbox/read-all');
    expect(refused.status).toBe(403);
    expect(refused.body.requiredScope).toBe('members:write');
    const ledgerOnly = await withKey(api, program.programId, ['ledger:read']);
    expect((await ledgerOnly.call('GET', '/v1/members/ann/inbox')).status).toBe(403);
    expect(await unread(program, 'ann')).toBe(3);
  });
});
