import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sealLegacyShippingAddresses } from '../../src/rewards/redemption-store.ts';
import { sealLegacyPlaintext } from '../../src/vault/legacy-plaintext.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { fundedMember, liveReward, MUG, redeem } from './reward-kit.ts';

/**
 * A shipped reward's address (name, phone, address) is personal data (issue 17): the redemption
 * row holds it sealed by the vault, and so does the answer kept for an Idempotency-Key replay; the
 * API shows it as given, and a replay answers the same. Addresses stored in plain text before the
 * vault are sealed at start.
 */
const ADDRESS = {
  name: '赵秘密',
  phone: '13912345678',
  lines: ['杭州市西湖区保密路 42 号'],
  postalCode: '310000',
};
const PLAIN = [ADDRESS.name, ADDRESS.phone, '保密路', '310000'];

describe.each(ENGINES)('shipping addresses in the vault (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api?.close());

  const storedAddress = async (id: string) => {
    const [row] = await api.db.query<{ kind: string | null; text: string | null }>(
      `select jsonb_typeof(shipping_address) as kind, shipping_address::text as text
         from redemptions where program_id = $1 and id = $2`,
      [api.programId, id],
    );
    return row!;
  };
  const keptAnswer = async (key: string) => {
    const [row] = await api.db.query<{ response: unknown }>(
      'select response from idempotency_keys where program_id = $1 and key = $2',
      [api.programId, key],
    );
    return JSON.stringify(row!.response);
  };

  test('the row and the kept answers hold the address sealed; the API and replays show it as given', async () => {
    const memberId = await fundedMember(api, [1000]);
    const mug = await liveReward(api, MUG);
    const body = { memberId, rewardId: mug.id, shippingAddress: ADDRESS };
    const created = await redeem(api, body, 'ship-sealed-1');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.shippingAddress).toEqual(ADDRESS);
    const id = created.body.id as string;

    const row = await storedAddress(id);
    expect(row.kind).toBe('string');
    expect(row.text).toMatch(/^"enc:v1:/);
    for (const plain of PLAIN) expect(row.text).not.toContain(plain);

    expect((await api.call('GET', `/v1/redemptions/${id}`)).body.shippingAddress).toEqual(ADDRESS);
    const listed = await api.call('GET', `/v1/redemptions?memberId=${memberId}`);
    expect(listed.body.data.map((r: { shippingAddress: unknown }) => r.shippingAddress)).toEqual([ADDRESS]);

    const kept = await keptAnswer('ship-sealed-1');
    expect(kept).toContain('enc:v1:');
    for (const plain of PLAIN) expect(kept).not.toContain(plain);
    const replay = await redeem(api, body, 'ship-sealed-1');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(created.body);

    // The lifecycle's answers show the address too: kept sealed the same way.
    const shipment = { carrier: '顺丰速运', trackingNumber: 'SF0000000042' };
    const headers = { 'idempotency-key': 'ship-sealed-2' };
    const shipped = await api.call('POST', `/v1/redemptions/${id}/ship`, shipment, headers);
    expect(shipped.status, JSON.stringify(shipped.body)).toBe(200);
    expect(shipped.body.shippingAddress).toEqual(ADDRESS);
    const keptShip = await keptAnswer('ship-sealed-2');
    for (const plain of PLAIN) expect(keptShip).not.toContain(plain);
    const shippedAgain = await api.call('POST', `/v1/redemptions/${id}/ship`, shipment, headers);
    expect(shippedAgain.headers['idempotent-replayed']).toBe('true');
    expect(shippedAgain.body).toEqual(shipped.body);

    const [all] = await api.db.query<{ text: string }>(
      `select coalesce(string_agg(response::text, ' '), '') as text from idempotency_keys where program_id = $1`,
      [api.programId],
    );
    for (const plain of PLAIN) expect(all!.text).not.toContain(plain);
  });

  test('a plain address stored before the vault is read as it is, then sealed at start, and still reads', async () => {
    const memberId = await fundedMember(api, [1000]);
    const mug = await liveReward(api, MUG);
    const created = await redeem(api, { memberId, rewardId: mug.id, shippingAddress: ADDRESS });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const legacy = { name: '钱旧址', phone: '13700001111', lines: ['北京市旧路 7 号'] };
    await api.db.query(
      'update redemptions set shipping_address = $3::jsonb where program_id = $1 and id = $2',
      [api.programId, id, JSON.stringify(legacy)],
    );
    expect((await storedAddress(id)).kind).toBe('object');
    expect((await api.call('GET', `/v1/redemptions/${id}`)).body.shippingAddress).toEqual(legacy);

    expect(await sealLegacyShippingAddresses(api.db)).toBe(1);
    const row = await storedAddress(id);
    expect(row.kind).toBe('string');
    expect(row.text).toMatch(/^"enc:v1:/);
    for (const plain of [legacy.name, legacy.phone, '旧路']) expect(row.text).not.toContain(plain);
    expect((await api.call('GET', `/v1/redemptions/${id}`)).body.shippingAddress).toEqual(legacy);

    // Nothing is left: a second run seals nothing and changes nothing.
    expect(await sealLegacyShippingAddresses(api.db)).toBe(0);
    expect(await storedAddress(id)).toEqual(row);
  });

  test('more than one batch is sealed, and serve runs the sealer (it is registered)', async () => {
    const memberId = await fundedMember(api, [1000]);
    const mug = await liveReward(api, MUG);
    const created = await redeem(api, { memberId, rewardId: mug.id, shippingAddress: ADDRESS });
    expect(created.status).toBe(201);
    await api.db.query(
      `insert into redemptions (program_id, id, member_key, reward_id, reward_type, reward_name_zh, reward_name_en,
         quantity, points_per_unit, points_total, status, spend_entry_id, usage_periods, details,
         shipping_address, created_at, updated_at)
       select program_id, id || '_' || n, member_key, reward_id, reward_type, reward_name_zh, reward_name_en,
         quantity, points_per_unit, points_total, status, spend_entry_id, usage_periods, details,
         jsonb_build_object('name', '孙' || n, 'phone', '1360000' || lpad(n::text, 4, '0'), 'lines', jsonb_build_array('路 ' || n)),
         created_at, updated_at
         from redemptions, generate_series(1, 501) as n
        where program_id = $1 and id = $2`,
      [api.programId, created.body.id],
    );
    const done = await sealLegacyPlaintext(api.db);
    expect(done).toContainEqual({ name: 'redemptions.shipping_address', sealed: 501 });
    const [plain] = await api.db.query<{ count: number }>(
      `select count(*)::int as count from redemptions where jsonb_typeof(shipping_address) = 'object'`,
    );
    expect(plain!.count).toBe(0);
    const copy = await api.call('GET', `/v1/redemptions/${created.body.id}_501`);
    expect(copy.body.shippingAddress).toEqual({ name: '孙501', phone: '13600000501', lines: ['路 501'] });
    expect(await sealLegacyShippingAddresses(api.db)).toBe(0);
  });
});
