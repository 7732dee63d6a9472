import { afterEach, describe, expect, test } from 'vitest';
import { appendAudit } from '../../src/audit/append-audit.ts';
import { sealWhatWasWritten } from '../../src/audit/seal-audit.ts';
import { destroySubjectKey } from '../../src/audit/subject-keys.ts';
import { verifyAudit } from '../../src/audit/verify-audit.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { auditRecords, reason } from './audit-kit.ts';

/** A fresh program with `count` audited adjustments by the owner key (one record each), sealed. */
async function withRecords(engine: (typeof ENGINES)[number], count: number): Promise<TestApi> {
  const api = await openTestApi(engine);
  await api.call('PUT', '/v1/members/m-1', {});
  for (let index = 0; index < count - 1; index++) {
    const reply = await api.call('POST', '/v1/members/m-1/adjustments', {
      points: 1 + index,
      reason,
      operator: 'ops',
    });
    if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  }
  // Sealed before any tampering (a record deleted before its seal would be taken for a gap).
  const sealed = await sealWhatWasWritten(api.db, api.clock.now(), 10_000);
  if (sealed.sealedThrough < count) throw new Error(`sealed only through ${sealed.sealedThrough}`);
  return api;
}

async function tamper(api: TestApi, table: 'audit_records' | 'audit_seals', sql: string): Promise<void> {
  // As the superuser would: the append-only trigger off, the edit, the trigger back on.
  await api.db.exec(`alter table ${table} disable trigger ${table}_append_only`);
  await api.db.exec(sql);
  await api.db.exec(`alter table ${table} enable trigger ${table}_append_only`);
}

async function programChain(api: TestApi) {
  const reports = await verifyAudit(api.db, api.clock.now(), api.programId);
  return reports[0]!;
}

describe.each(ENGINES)('the audit chain (%s)', (engine) => {
  let api: TestApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  test('UPDATE, DELETE and TRUNCATE are refused by the table', async () => {
    api = await withRecords(engine, 2);
    await expect(api.db.query(`update audit_records set outcome = 200`)).rejects.toThrow(
      /append-only: UPDATE on audit_records/,
    );
    await expect(api.db.query(`delete from audit_records`)).rejects.toThrow(
      /append-only: DELETE on audit_records/,
    );
    await expect(api.db.exec(`truncate audit_records`)).rejects.toThrow(
      /append-only: TRUNCATE on audit_records/,
    );
    await expect(api.db.query(`delete from audit_seals`)).rejects.toThrow(
      /append-only: DELETE on audit_seals/,
    );
  });

  test('an untouched chain verifies: every record sealed, the head named', async () => {
    api = await withRecords(engine, 4);
    const chain = await programChain(api);
    expect(chain).toMatchObject({ programId: api.programId, records: 4, broken: null });
    expect(chain.sealed).toBe(4);
    expect(chain.head?.hash).toMatch(/^[0-9a-f]{64}$/);
    const answer = await api.call('GET', '/v1/audit/verify');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, records: 4, head: chain.head });
  });

  test('an edited record is named (seq, id, edited), by verify and by the API', async () => {
    api = await withRecords(engine, 4);
    const [, second] = await api.db.query<{ seq: string; id: string }>(
      `select seq::text as seq, id from audit_records where program_id = $1 order by seq`,
      [api.programId],
    );
    await tamper(api, 'audit_records', `update audit_records set outcome = 200 where id = '${second!.id}'`);
    const chain = await programChain(api);
    expect(chain.broken).toMatchObject({ seq: Number(second!.seq), id: second!.id, reason: 'edited' });
    const answer = await api.call('GET', '/v1/audit/verify');
    expect(answer.body).toMatchObject({ ok: false, broken: { id: second!.id, reason: 'edited' } });
  });

  test('an edit that also rewrites the stored hash is still caught by the seal', async () => {
    api = await withRecords(engine, 3);
    const [first] = await api.db.query<{ id: string }>(
      `select id from audit_records where program_id = $1 order by seq limit 1`,
      [api.programId],
    );
    // Whoever edits cannot recompute the seal chain without rewriting every later seal.
    await tamper(
      api,
      'audit_records',
      `update audit_records set record_hash = repeat('a', 64) where id = '${first!.id}'`,
    );
    expect((await programChain(api)).broken).toMatchObject({ id: first!.id, reason: 'edited' });
  });

  test('a deleted record is named as missing', async () => {
    api = await withRecords(engine, 4);
    const [, , third] = await api.db.query<{ seq: string; id: string }>(
      `select seq::text as seq, id from audit_records where program_id = $1 order by seq`,
      [api.programId],
    );
    await tamper(api, 'audit_records', `delete from audit_records where id = '${third!.id}'`);
    expect((await programChain(api)).broken).toMatchObject({ seq: Number(third!.seq), reason: 'missing' });
  });

  test('two records swapped are named as reordered', async () => {
    api = await withRecords(engine, 4);
    const rows = await api.db.query<{ seq: string; id: string }>(
      `select seq::text as seq, id from audit_records where program_id = $1 order by seq`,
      [api.programId],
    );
    const [a, b] = [rows[1]!, rows[2]!];
    await tamper(
      api,
      'audit_records',
      `update audit_records set seq = -1 where id = '${a.id}';
       update audit_records set seq = ${a.seq} where id = '${b.id}';
       update audit_records set seq = ${b.seq} where id = '${a.id}'`,
    );
    expect((await programChain(api)).broken).toMatchObject({
      seq: Number(a.seq),
      id: b.id,
      reason: 'reordered',
    });
  });

  test('a rewritten seal is named as seal_tampered', async () => {
    api = await withRecords(engine, 3);
    const [seal] = await api.db.query<{ seq: string }>(
      `select seq::text as seq from audit_seals where program_id = $1 order by seq limit 1`,
      [api.programId],
    );
    await tamper(
      api,
      'audit_seals',
      `update audit_seals set chain_hash = repeat('b', 64) where seq = ${seal!.seq}`,
    );
    expect((await programChain(api)).broken).toMatchObject({
      seq: Number(seal!.seq),
      reason: 'seal_tampered',
    });
  });

  test('a seq taken by a transaction that rolled back is sealed as a gap, not a break', async () => {
    api = await withRecords(engine, 2);
    const entry = {
      programId: api.programId,
      actor: { kind: 'system' as const, id: null, role: null },
      action: 'test.rolled_back',
      targetType: null,
      targetId: null,
      requestId: null,
      outcome: 200,
      summary: {},
      personal: null,
      subject: null,
    };
    await expect(
      api.db.transaction(async (tx) => {
        await appendAudit(tx, entry, api!.clock.now());
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const reply = await api.call('POST', '/v1/members/m-1/adjustments', {
      points: 5,
      reason,
      operator: 'ops',
    });
    expect(reply.status).toBe(201);
    const reports = await verifyAudit(api.db, api.clock.now());
    expect(reports.every((report) => report.broken === null)).toBe(true);
    const gaps = reports.reduce((sum, report) => sum + report.gaps, 0);
    expect(gaps).toBe(1);
    expect(reports.find((report) => report.programId === api!.programId)).toMatchObject({
      records: 3,
      sealed: 3,
    });
  });

  test("erasure destroys the subject's key: the personal part reads erased, the chain still verifies", async () => {
    api = await withRecords(engine, 3);
    const before = await auditRecords(api, '&targetId=m-1');
    expect(before[0].personal).toMatchObject({ userAgent: 'lightMyRequest' });
    await api.db.transaction((tx) => destroySubjectKey(tx, api!.programId, 'member:m-1', api!.clock.now()));
    const after = await auditRecords(api, '&targetId=m-1');
    expect(after.map((record) => record.personal)).toEqual(before.map(() => 'erased'));
    expect(after.map((record) => record.recordHash)).toEqual(before.map((record) => record.recordHash));
    expect((await programChain(api)).broken).toBeNull();
    // Later records about the erased subject keep no personal data either.
    await api.call('POST', '/v1/members/m-1/adjustments', { points: 9, reason, operator: 'ops' });
    const [latest] = await auditRecords(api, '&targetId=m-1');
    expect(latest.personal).toBeNull();
  });
});
