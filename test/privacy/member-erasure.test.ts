import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { verifyAudit } from '../../src/audit/verify-audit.ts';
import { memberKeyOf } from '../../src/members/member-store.ts';
import { DELIVERY_BODY, RECIPIENT } from '../../src/notifications/dispatch/fan-out.ts';
import { openOutboxData } from '../../src/notifications/outbox/outbox-sql.ts';
import { sealText } from '../../src/vault/field-cipher.ts';
import { verifyLedger } from '../../src/verify/verify-ledger.ts';
import { importFile } from '../imports/import-kit.ts';
import { ADDRESS, fundedMember, liveReward, MUG, redeem } from '../rewards/reward-kit.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

const reason = { 'zh-CN': '测试', en: 'Test' };

/** `POST /v1/members/{id}/erasure` (issue 17): personal data gone, the ledger whole. */
describe.each(ENGINES)('erasing a member’s personal data (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  async function memberWithEverything(memberId: string): Promise<void> {
    await api.call('PUT', `/v1/members/${memberId}`, {
      name: '张伟',
      nickname: '伟哥',
      birthday: '1985-02-14',
      attributes: { city: '北京' },
    });
    await api.call('PUT', `/v1/members/${memberId}/notification-preferences`, {
      email: 'zhang.wei@example.com',
      phone: '13612345678',
      marketingConsent: true,
    });
    expect((await api.call('POST', `/v1/members/${memberId}/credits`, { points: 500, reason })).status).toBe(
      201,
    );
    await api.call('POST', `/v1/members/${memberId}/debits`, { points: 120, reason });
    const event = await api.call('POST', '/v1/events', {
      id: `ev-${memberId}`,
      type: 'store.visit',
      memberId,
      attributes: { buyerPhone: '13612345678', note: '张伟 到店' },
    });
    expect(event.status, JSON.stringify(event.body)).toBe(201);
    const memberKey = await memberKeyOf(api.db, api.programId, memberId);
    await api.db.query(
      `insert into deliveries (program_id, id, message_id, channel, member_key, recipient, subject, body, status,
                               next_attempt_at, retry_until, created_at)
       values ($1, $2, $3, 'sms', $4, $5, null, $6, 'pending', now(), now() + interval '1 day', now())`,
      [
        api.programId,
        `dlv_${memberId}`,
        `msg_${memberId}`,
        memberKey,
        await sealText(api.db, api.programId, RECIPIENT, '13612345678'),
        await sealText(api.db, api.programId, DELIVERY_BODY, '您有 380 积分'),
      ],
    );
  }

  test('profile, contacts, consent, messages and audit details go; points, journal and verify stay', async () => {
    await memberWithEverything('e-1');
    const before = (await api.call('GET', '/v1/members/e-1')).body;
    const entriesBefore = (await api.call('GET', '/v1/members/e-1/entries')).body.data;

    const erased = await api.call('POST', '/v1/members/e-1/erasure', {});
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({
      memberId: 'e-1',
      memberIdForgotten: false,
      erasedAt: api.clock.now().toISOString(),
    });

    const after = (await api.call('GET', '/v1/members/e-1')).body;
    expect(after).toMatchObject({
      name: null,
      nickname: null,
      birthday: null,
      attributes: {},
      erasedAt: erased.body.erasedAt,
    });
    expect(after.balances).toEqual(before.balances);
    expect((await api.call('GET', '/v1/members/e-1/entries')).body.data).toEqual(entriesBefore);
    const preferences = (await api.call('GET', '/v1/members/e-1/notification-preferences')).body;
    expect(preferences).toMatchObject({ email: null, phone: null, marketingConsent: false });
    expect((await api.call('GET', '/v1/members?phone=13612345678')).body.data).toEqual([]);
    expect((await api.call('GET', '/v1/members/e-1/inbox')).body.data).toEqual([]);
    // The member's events stay, without what was sent with them.
    const [event] = (await api.call('GET', '/v1/members/e-1/events')).body.data;
    expect(event).toMatchObject({ id: 'ev-e-1', type: 'store.visit', attributes: {} });

    // The text not yet sent is not sent, and keeps nothing of what it said or to whom.
    const [delivery] = await api.db.query<Record<string, unknown>>(
      `select status, recipient, subject, body, last_error from deliveries where program_id = $1 and id = 'dlv_e-1'`,
      [api.programId],
    );
    expect(delivery).toMatchObject({ status: 'dead', recipient: null, subject: null, body: null });
    expect(String(delivery!.last_error)).toContain('erased');

    // The audit records about the member stay (the chain verifies) without their personal part.
    const audit = (await api.call('GET', '/v1/audit?targetType=member&targetId=e-1')).body.data;
    expect(audit.length).toBeGreaterThan(2);
    for (const record of audit) expect(record.personal === 'erased' || record.personal === null).toBe(true);
    expect(audit[0]).toMatchObject({ action: 'member.erased', outcome: 200 });
    const chains = await verifyAudit(api.db, api.clock.now(), api.programId);
    expect(chains.every((chain) => chain.broken === null)).toBe(true);
    expect((await verifyLedger(api.db)).violations).toEqual([]);

    // Nothing of it is left in the export.
    const exported = JSON.stringify((await api.call('GET', '/v1/members/e-1/personal-data')).body);
    for (const value of ['张伟', '伟哥', '1985-02-14', '北京', 'zhang.wei', '13612345678', '380 积分'])
      expect(exported).not.toContain(value);
  });

  test('with forgetMemberId the member goes on under a pseudonym, and the old id names nothing', async () => {
    await memberWithEverything('13700001111');
    const erased = await api.call('POST', '/v1/members/13700001111/erasure', { forgetMemberId: true });
    expect(erased.status).toBe(200);
    expect(erased.body.memberId).toMatch(/^erased-[0-9a-f]{16}$/);
    expect(erased.body.memberIdForgotten).toBe(true);
    expect((await api.call('GET', '/v1/members/13700001111')).status).toBe(404);
    const pseudonym = (await api.call('GET', `/v1/members/${erased.body.memberId}`)).body;
    expect(pseudonym.balances.available).toBe(380);
    // The erasure's own audit record names the pseudonym, not the phone number.
    const [record] = (await api.call('GET', '/v1/audit?action=member.erased')).body.data;
    expect(record.target.id).toBe(erased.body.memberId);
    expect(JSON.stringify(record)).not.toContain('13700001111');
  });

  test('the copies other areas keep go too: replayed answers, imported rows, message payloads', async () => {
    const phone = '13500002222';
    await importFile(
      api,
      'members',
      `memberId,birthday,attributes\n${phone},1990-03-08,"{""city"":""上海""}"\n`,
    );
    const profile = { name: '李娜', nickname: '娜娜' };
    const put = () =>
      api.call('PUT', `/v1/members/${phone}`, profile, { 'Idempotency-Key': 'k-erase-profile' });
    expect((await put()).status).toBe(200);
    expect((await api.call('POST', `/v1/members/${phone}/credits`, { points: 50, reason })).status).toBe(201);

    const erased = await api.call('POST', `/v1/members/${phone}/erasure`, { forgetMemberId: true });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    const pseudonym = erased.body.memberId as string;

    // A retry of the profile write is not done again, and shows nothing of the answer it had.
    const retried = await put();
    expect(retried.status).toBe(410);
    expect(retried.body).toMatchObject({ code: 'idempotency_answer_erased', erasedAt: erased.body.erasedAt });
    expect(JSON.stringify(retried.body)).not.toContain('李娜');
    expect((await api.call('GET', `/v1/members/${pseudonym}`)).body).toMatchObject({
      name: null,
      nickname: null,
    });

    // The imported row names the pseudonym, without the birthday and attributes it carried.
    const rows = await api.db.query<{ external_id: string; payload: Record<string, unknown> }>(
      `select external_id, payload from import_rows where program_id = $1 and external_id in ($2, $3)`,
      [api.programId, phone, pseudonym],
    );
    expect(rows).toEqual([{ external_id: pseudonym, payload: { memberId: pseudonym, profile: {} } }]);

    // The member's messages name the pseudonym (opened: they are sealed at rest).
    const messages = await api.db.query<{ data: unknown }>(
      'select o.data from outbox o where o.program_id = $1 and o.member_key = $2',
      [api.programId, await memberKeyOf(api.db, api.programId, pseudonym)],
    );
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      expect(await openOutboxData(api.db, api.programId, message.data)).toMatchObject({
        memberId: pseudonym,
      });
    }

    // Nothing of it is left in these tables in any form.
    for (const table of ['import_rows', 'import_applied', 'idempotency_keys', 'members']) {
      const [found] = await api.db.query<{ n: number }>(
        `select count(*)::int as n from ${table} t where program_id = $1 and t::text ~ $2`,
        [api.programId, `${phone}|1990-03-08|上海|李娜`],
      );
      expect(found?.n, table).toBe(0);
    }
    // The same file imported again makes a new member: the old id is linked to nothing.
    await importFile(api, 'members', `memberId,birthday\n${phone},1990-03-08\n`);
    expect((await api.call('GET', `/v1/members/${phone}`)).body.balances.available).toBe(0);
  });

  test('an answer kept under the id a member had before a change of id is erased with them too', async () => {
    const write = () =>
      api.call(
        'PUT',
        '/v1/members/e-old/notification-preferences',
        { phone: '13811112222' },
        {
          'Idempotency-Key': 'k-erase-renamed',
        },
      );
    await api.call('PUT', '/v1/members/e-old', {});
    expect((await write()).status).toBe(200);
    const renamed = await api.call('POST', '/v1/members/e-old/change-id', { newMemberId: 'e-new' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect((await api.call('POST', '/v1/members/e-new/erasure', {})).status).toBe(200);
    const retried = await write();
    expect(retried.status).toBe(410);
    expect(JSON.stringify(retried.body)).not.toContain('13811112222');
  });

  test('a second erasure is refused with when the first was; an unknown member is a 404', async () => {
    await fundedMember(api, [10]);
    await api.call('PUT', '/v1/members/e-twice', { name: 'Twice' });
    expect((await api.call('POST', '/v1/members/e-twice/erasure', {})).status).toBe(200);
    const again = await api.call('POST', '/v1/members/e-twice/erasure', {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'member_already_erased', erasedAt: expect.any(String) });
    const unknown = await api.call('POST', '/v1/members/nobody-here/erasure', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('member_not_found');
    const bad = await api.call('POST', '/v1/members/e-twice/erasure', { forgetMemberId: 'yes' });
    expect(bad.status).toBe(400);
  });

  test('refused while a redemption awaits shipment to the address, and nothing is erased', async () => {
    const memberId = await fundedMember(api, [5_000]);
    await api.call('PUT', `/v1/members/${memberId}`, { name: 'Waiting For Parcel' });
    const mug = await liveReward(api, MUG);
    const redemption = await redeem(api, { memberId, rewardId: mug.id, shippingAddress: ADDRESS });
    expect(redemption.status, JSON.stringify(redemption.body)).toBe(201);
    const refused = await api.call('POST', `/v1/members/${memberId}/erasure`, {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'erasure_blocked',
      redemptions: [{ id: redemption.body.id, status: 'awaiting_shipment' }],
    });
    expect((await api.call('GET', `/v1/members/${memberId}`)).body).toMatchObject({
      name: 'Waiting For Parcel',
      erasedAt: null,
    });
    // Shipped, it may go: the order stays, its address does not.
    await api.call('POST', `/v1/redemptions/${redemption.body.id}/ship`, {
      carrier: '顺丰速运',
      trackingNumber: 'SF0000000001',
    });
    expect((await api.call('POST', `/v1/members/${memberId}/erasure`, {})).status).toBe(200);
    const order = (await api.call('GET', `/v1/redemptions/${redemption.body.id}`)).body;
    expect(order).toMatchObject({ status: 'shipped', shippingAddress: null });
  });

  test('needs its own permission: owner and admin may; customer service may not', async () => {
    await api.call('PUT', '/v1/members/e-perm', { name: 'Perm' });
    const service = await addStaffMember(api, { role: 'customer_service' });
    const refused = await send(
      api,
      'POST',
      '/v1/members/e-perm/erasure',
      {},
      await tokenHeaders(api, service.loginUsed),
    );
    expect(refused.status).toBe(403);
    expect((await api.call('GET', '/v1/members/e-perm')).body.name).toBe('Perm');
  });
});
