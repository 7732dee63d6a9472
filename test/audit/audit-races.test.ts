import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appendAudit } from '../../src/audit/append-audit.ts';
import { sealAudit } from '../../src/audit/seal-audit.ts';
import { verifyAudit } from '../../src/audit/verify-audit.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { POSTGRES_URL } from '../support/test-database.ts';
import { reason } from './audit-kit.ts';

/**
 * The chain must not serialise writers, and the sealer must never skip a seq still inside a
 * transaction: both only mean something with real concurrency (PostgreSQL).
 */
describe.skipIf(!POSTGRES_URL)('audit records under concurrency (postgres)', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi('postgres', undefined, {
      maxConnections: 24,
      app: { rateLimits: { loginAttemptsPerMinute: 100_000 } },
    });
  });
  afterAll(async () => api?.close());

  test('8 staff adjusting at once: every record sealed into one unbroken chain', async () => {
    const staff = await Promise.all(
      Array.from({ length: 8 }, async (_, index) => {
        await api.call('PUT', `/v1/members/c-${index}`, {});
        const member = await addStaffMember(api, { role: 'customer_service' });
        return tokenHeaders(api, member.loginUsed);
      }),
    );
    const replies = await Promise.all(
      staff.flatMap((headers, index) =>
        Array.from({ length: 5 }, (_, round) =>
          send(
            api,
            'POST',
            `/v1/members/c-${index}/adjustments`,
            { points: 1 + round, reason, operator: 'cs' },
            headers,
          ),
        ),
      ),
    );
    expect(replies.map((reply) => reply.status)).toEqual(replies.map(() => 201));
    const reports = await verifyAudit(api.db, api.clock.now());
    expect(reports.map((report) => report.broken)).toEqual(reports.map(() => null));
    const chain = reports.find((report) => report.programId === api.programId)!;
    const adjustments = await api.db.query<{ count: string }>(
      `select count(*)::text as count from audit_records where action = 'ledger.adjust'`,
    );
    expect(Number(adjustments[0]!.count)).toBe(40);
    expect(chain.sealed).toBe(chain.records);
  });

  test('a record inside a long open transaction is not skipped: the sealer waits for it', async () => {
    await sealAudit(api.db, api.clock.now());
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let appended = (_seq: number) => {};
    const slowSeq = new Promise<number>((resolve) => {
      appended = resolve;
    });
    const slow = api.db.transaction(async (tx) => {
      const { id } = await appendAudit(
        tx,
        {
          programId: api.programId,
          actor: { kind: 'system', id: null, role: null },
          action: 'test.slow',
          targetType: null,
          targetId: null,
          requestId: null,
          outcome: 200,
          summary: {},
          personal: null,
          subject: null,
        },
        api.clock.now(),
      );
      const [row] = await tx.query<{ seq: string }>(
        `select seq::text as seq from audit_records where id = $1`,
        [id],
      );
      appended(Number(row!.seq));
      await released;
    });
    const seq = await slowSeq;
    // Later writes commit while the slow one is still open; the sealer runs several passes.
    for (let index = 0; index < 3; index++) {
      const reply = await api.call('POST', '/v1/members/c-0/adjustments', {
        points: 1,
        reason,
        operator: 'x',
      });
      expect(reply.status).toBe(201);
      await sealAudit(api.db, api.clock.now());
    }
    const [sealed] = await api.db.query<{ through: string }>(
      `select max(seq)::text as through from audit_seals`,
    );
    expect(Number(sealed!.through)).toBeLessThan(seq);
    expect(await api.db.query(`select 1 from audit_seals where gap`)).toHaveLength(0);
    release();
    await slow;
    const reports = await verifyAudit(api.db, api.clock.now());
    expect(reports.map((report) => report.broken)).toEqual(reports.map(() => null));
    const [slowSeal] = await api.db.query<{ gap: boolean }>(`select gap from audit_seals where seq = $1`, [
      seq,
    ]);
    expect(slowSeal).toEqual({ gap: false });
  });
});
