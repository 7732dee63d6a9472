import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appendAudit } from '../../src/audit/append-audit.ts';
import { SUBJECT_KEY_FIELD, sealLegacySubjectKeys, subjectKeys } from '../../src/audit/subject-keys.ts';
import { openBytes } from '../../src/vault/field-cipher.ts';
import { sealLegacyPlaintext } from '../../src/vault/legacy-plaintext.ts';
import { addStaffMember, login, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { auditRecords, reason } from './audit-kit.ts';

/**
 * The subject keys that encrypt the personal part of audit records are stored sealed by the vault
 * (issue 17), so a copy of the database without the master key opens no personal part; keys stored
 * raw before the vault are sealed at start, and what they encrypted still opens.
 */
describe.each(ENGINES)('audit subject keys in the vault (%s)', (engine) => {
  let api: TestApi;
  let service: Record<string, string>;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    await api.call('PUT', '/v1/members/m-1', {});
    const member = await addStaffMember(api, { role: 'customer_service' });
    service = { ...(await tokenHeaders(api, member.loginUsed)), 'user-agent': 'vault-test/1.0' };
  });
  afterAll(async () => api?.close());

  const keyRows = () =>
    api.db.query<{ program_id: string; subject: string; key: Buffer | null }>(
      'select program_id, subject, key from audit_subject_keys order by program_id, subject',
    );
  const ENC = Buffer.from('enc:v1:');
  const isSealedKey = (key: Uint8Array) => Buffer.from(key).subarray(0, ENC.length).equals(ENC);

  test('keys made by audited requests are stored sealed, and the personal parts still open', async () => {
    const reply = await send(
      api,
      'POST',
      '/v1/members/m-1/adjustments',
      { points: 30, reason, operator: 'li' },
      service,
    );
    expect(reply.status).toBe(201);
    // A failed sign-in of an unknown login joins the deployment's chain, under its own key.
    const unknown = await login(api, {
      login: 'nobody@example.com',
      password: 'whatever it is',
      mode: 'token',
    });
    expect(unknown.status).toBe(401);

    const rows = await keyRows();
    expect(rows.filter((row) => row.program_id === api.programId).length).toBeGreaterThan(0);
    expect(rows.filter((row) => row.program_id === 'deployment').length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.key).not.toBeNull();
      expect(isSealedKey(row.key!), `${row.program_id} ${row.subject}`).toBe(true);
      expect(row.key!.length).not.toBe(32);
      // It opens to a 32-byte AES key under its own program's data key.
      expect(await openBytes(api.db, row.program_id, SUBJECT_KEY_FIELD, row.key!)).toHaveLength(32);
    }
    const deploymentKeys = await subjectKeys(
      api.db,
      'deployment',
      rows.filter((row) => row.program_id === 'deployment').map((row) => row.subject),
    );
    expect([...deploymentKeys.values()].every((key) => key.length === 32)).toBe(true);

    const [record] = await auditRecords(api, '&action=ledger.adjust');
    expect(record.personal).toMatchObject({ userAgent: 'vault-test/1.0', request: { points: 30 } });
  });

  test('the legacy sealer seals raw keys; records encrypted under them still open', async () => {
    const raw = randomBytes(32);
    const rawDeployment = randomBytes(32);
    await api.db.query(
      `insert into audit_subject_keys (program_id, subject, key, created_at)
       values ($1, 'staff:stf_legacy', $2, now()), ('deployment', 'login:legacy', $3, now())`,
      [api.programId, raw, rawDeployment],
    );
    await api.db.query(
      `insert into audit_subject_keys (program_id, subject, key, created_at, destroyed_at)
       values ($1, 'staff:stf_erased', null, now(), now())`,
      [api.programId],
    );
    // A record written before the vault: encrypted under the raw key (it opens as it is).
    await api.db.transaction((tx) =>
      appendAudit(
        tx,
        {
          programId: api.programId,
          actor: { kind: 'staff', id: 'stf_legacy', role: 'owner' },
          action: 'rule.published',
          targetType: 'rule',
          targetId: 'rul_legacy',
          requestId: null,
          outcome: 200,
          summary: {},
          personal: { ip: '10.0.0.17' },
          subject: 'staff:stf_legacy',
        },
        api.clock.now(),
      ),
    );
    const stored = async (programId: string, subject: string) =>
      (await keyRows()).find((row) => row.program_id === programId && row.subject === subject)!.key;
    expect(Buffer.from((await stored(api.programId, 'staff:stf_legacy'))!).equals(raw)).toBe(true);

    expect(await sealLegacySubjectKeys(api.db)).toBe(2);
    const sealed = (await stored(api.programId, 'staff:stf_legacy'))!;
    expect(isSealedKey(sealed)).toBe(true);
    expect(Buffer.from(sealed).includes(raw)).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from(raw.toString('base64')))).toBe(false);
    expect((await openBytes(api.db, api.programId, SUBJECT_KEY_FIELD, sealed)).equals(raw)).toBe(true);
    const sealedDeployment = (await stored('deployment', 'login:legacy'))!;
    expect(isSealedKey(sealedDeployment)).toBe(true);
    expect(
      (await openBytes(api.db, 'deployment', SUBJECT_KEY_FIELD, sealedDeployment)).equals(rawDeployment),
    ).toBe(true);
    // A destroyed key stays destroyed.
    expect(await stored(api.programId, 'staff:stf_erased')).toBeNull();

    const [record] = await auditRecords(api, '&targetId=rul_legacy');
    expect(record.personal).toEqual({ ip: '10.0.0.17' });

    // Nothing raw is left: a second run (and serve's, which runs every registered sealer) seals nothing.
    expect(await sealLegacySubjectKeys(api.db)).toBe(0);
    const done = await sealLegacyPlaintext(api.db);
    expect(done.find((entry) => entry.name === 'audit_subject_keys.key')).toBeUndefined();
    expect(await stored(api.programId, 'staff:stf_legacy')).toEqual(sealed);
  });

  test('serve runs the audit sealer (it is registered)', async () => {
    await api.db.query(
      `insert into audit_subject_keys (program_id, subject, key, created_at) values ($1, 'staff:stf_serve', $2, now())`,
      [api.programId, randomBytes(32)],
    );
    expect(await sealLegacyPlaintext(api.db)).toContainEqual({ name: 'audit_subject_keys.key', sealed: 1 });
  });
});
