import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memberKeyOf } from '../../src/members/member-store.ts';
import { createSmtpSender, type SmtpSender } from '../../src/notifications/channels/smtp-sender.ts';
import { sealLegacyDeliveryMessages } from '../../src/notifications/dispatch/fan-out.ts';
import { sealLegacyInbox } from '../../src/notifications/inbox/inbox-store.ts';
import { newId } from '../../src/shared/ids.ts';
import { sealLegacyPlaintext } from '../../src/vault/legacy-plaintext.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { readMime } from './channels/read-mime.ts';
import { startSmtpServer } from './channels/smtp-test-server.ts';
import { createMember, deliveriesOf, dispatch, remindedMember } from './notification-kit.ts';

/**
 * The messages Jifen keeps about members (issue 17): the rendered e-mail and SMS of a delivery and
 * the member's inbox are stored only sealed; the mail and the text actually sent, and the inbox
 * API, show them as rendered. Rows stored in plain text before are sealed once at start.
 */

interface StoredDelivery {
  id: string;
  channel: string;
  subject: string | null;
  body: string | null;
}

interface StoredInbox {
  id: string;
  subject: string;
  body: string;
}

describe.each(ENGINES)('messages sealed at rest (%s)', (engine) => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let email: SmtpSender;
  const smsLines: string[] = [];
  const pass = () => dispatch(api, { email, smsLines });
  const mailsTo = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));
  const storedDeliveries = (messageId: string) =>
    api.db.query<StoredDelivery>(
      `select id, channel, subject, body from deliveries where program_id = $1 and message_id = $2
        order by channel`,
      [api.programId, messageId],
    );
  const storedInbox = (messageId: string) =>
    api.db.query<StoredInbox>(
      'select id, subject, body from inbox_messages where program_id = $1 and id = $2',
      [api.programId, messageId],
    );
  const inboxApi = async (memberId: string) => {
    const reply = await api.call('GET', `/v1/members/${memberId}/inbox`);
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.data as { id: string; subject: string; body: string }[];
  };

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-06-01T02:00:00Z');
    smtp = await startSmtpServer();
    email = createSmtpSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Jifen <no-reply@shop.example>' });
    // Texts go at once whatever the hour.
    const settings = await api.call('PATCH', '/v1/notification-settings', { quietHours: null });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  });
  afterAll(async () => {
    email?.close();
    await smtp?.close();
    await api?.close();
  });

  test('deliveries and the inbox hold only ciphertext; the mail, the text and the inbox API show the message', async () => {
    const reminder = await remindedMember(api, 'sealed-1', 1200, {
      email: 'lin.wei@example.com',
      phone: '13800138000',
    });
    await pass();

    // What was sent is the rendered message.
    const mails = mailsTo('lin.wei@example.com');
    expect(mails).toHaveLength(1);
    const mail = readMime(mails[0]!.raw);
    expect(mail.header('subject')).toBe('您有 1,200 积分即将过期');
    expect(mail.text).toContain('您有 1,200 积分将于 2026-06-11 过期');
    const texts = smsLines.filter((line) => line.includes(reminder.id));
    expect(texts).toEqual([
      `sms to +86138****8000 [${reminder.id}]: 您有 1,200 积分将于 2026-06-11 过期,请及时使用。`,
    ]);

    // What is stored is not.
    const stored = await storedDeliveries(reminder.id);
    expect(stored.map((row) => row.channel)).toEqual(['email', 'sms']);
    const [mailRow, smsRow] = stored;
    expect(mailRow!.subject).toMatch(/^enc:v1:/);
    expect(mailRow!.body).toMatch(/^enc:v1:/);
    expect(smsRow!.body).toMatch(/^enc:v1:/);
    expect(smsRow!.subject).toBeNull();
    const [inboxRow] = await storedInbox(reminder.id);
    expect(inboxRow!.subject).toMatch(/^enc:v1:/);
    expect(inboxRow!.body).toMatch(/^enc:v1:/);
    const raw = JSON.stringify([stored, inboxRow]);
    for (const plain of ['1,200', '1200', '积分', '2026-06-11']) expect(raw).not.toContain(plain);

    // Opened, they are what was sent; the inbox API shows the member's message as rendered.
    const [openedMail, openedSms] = await deliveriesOf(api, { messageId: reminder.id });
    expect(openedMail).toMatchObject({
      channel: 'email',
      subject: '您有 1,200 积分即将过期',
      status: 'delivered',
    });
    expect(openedMail!.body).toBe(mail.text.trim());
    expect(openedSms).toMatchObject({ channel: 'sms', subject: null, status: 'delivered' });
    expect(texts[0]).toContain(`: ${openedSms!.body}`);
    const inbox = (await inboxApi('sealed-1')).find((message) => message.id === reminder.id);
    expect(inbox).toBeDefined();
    expect(inbox!.subject).not.toMatch(/^enc:v1:/);
    expect(inbox!.body).toContain('1,200');
    expect(inbox!.body).toContain('2026-06-11');
    // Marking it read answers it opened too.
    const read = await api.call('POST', `/v1/members/sealed-1/inbox/${reminder.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: reminder.id, subject: inbox!.subject, body: inbox!.body });
  });

  test('messages stored in plain text before the vault are sealed once, and still sent and shown', async () => {
    const reminder = await remindedMember(api, 'legacy-1', 30, {
      email: 'old@example.com',
      phone: '13900139000',
    });
    await pass();
    const before = smtp.received.length;
    // A message as a version before the vault stored it: its own outbox row (already fanned out),
    // deliveries due with the rendered text in plain, and an inbox message in plain; and a second
    // inbox message whose subject was sealed but whose body was not.
    const messageId = newId('msg', api.clock.now().getTime());
    const halfId = newId('msg', api.clock.now().getTime() + 1);
    await api.db.query(
      `insert into outbox (program_id, id, type, member_key, data, created_at, dispatched_at)
       select program_id, $3, type, member_key, data, created_at, created_at from outbox
        where program_id = $1 and id = $2`,
      [api.programId, reminder.id, messageId],
    );
    await api.db.query(
      `insert into deliveries (program_id, id, message_id, channel, member_key, recipient, subject, body, status,
                               next_attempt_at, retry_until, created_at)
       select program_id, $3 || channel, $4, channel, member_key, recipient,
              case when channel = 'email' then 'Old subject' end, 'Old body of ' || channel, 'pending',
              $5, $5::timestamptz + interval '1 day', $5
         from deliveries where program_id = $1 and message_id = $2`,
      [api.programId, reminder.id, 'dlv_legacy_', messageId, api.clock.now().toISOString()],
    );
    const memberKey = await memberKeyOf(api.db, api.programId, 'legacy-1');
    await api.db.query(
      `insert into inbox_messages (program_id, member_key, id, type, subject, body, category, created_at)
       values ($1, $2, $3, 'points.expiring', 'Old inbox subject', 'Old inbox body', 'transactional', $5),
              ($1, $2, $4, 'points.expiring',
               (select subject from inbox_messages where program_id = $1 and id = $6), 'Half body',
               'transactional', $5)`,
      [api.programId, memberKey, messageId, halfId, api.clock.now().toISOString(), reminder.id],
    );
    const [sealedSubject] = await storedInbox(reminder.id);
    const sealedBefore = await storedDeliveries(reminder.id);

    // Only the plain rows: two deliveries, two inbox messages (one only for its body).
    expect(await sealLegacyDeliveryMessages(api.db)).toBe(2);
    expect(await sealLegacyInbox(api.db)).toBe(2);
    const legacy = await storedDeliveries(messageId);
    expect(legacy.map((row) => row.channel)).toEqual(['email', 'sms']);
    expect(legacy[0]!.subject).toMatch(/^enc:v1:/);
    expect(legacy[1]!.subject).toBeNull();
    for (const row of legacy) expect(row.body).toMatch(/^enc:v1:/);
    const [legacyInbox] = await storedInbox(messageId);
    const [half] = await storedInbox(halfId);
    for (const row of [legacyInbox!, half!]) {
      expect(row.subject).toMatch(/^enc:v1:/);
      expect(row.body).toMatch(/^enc:v1:/);
    }
    // A value already sealed is left as it was.
    expect(half!.subject).toBe(sealedSubject!.subject);
    expect(JSON.stringify([legacy, legacyInbox, half])).not.toContain('Old');
    // The already sealed messages were not touched.
    expect(await storedDeliveries(reminder.id)).toEqual(sealedBefore);

    // Sent and shown as they were written.
    await pass();
    const mails = smtp.received.slice(before).filter((mail) => mail.to.includes('old@example.com'));
    expect(mails).toHaveLength(1);
    const mail = readMime(mails[0]!.raw);
    expect(mail.header('subject')).toBe('Old subject');
    expect(mail.text.trim()).toBe('Old body of email');
    expect(smsLines.filter((line) => line.includes(messageId))).toEqual([
      `sms to +86139****9000 [${messageId}]: Old body of sms`,
    ]);
    const inbox = await inboxApi('legacy-1');
    expect(inbox.find((message) => message.id === messageId)).toMatchObject({
      subject: 'Old inbox subject',
      body: 'Old inbox body',
    });
    const opened = inbox.find((message) => message.id === reminder.id)!;
    expect(inbox.find((message) => message.id === halfId)).toMatchObject({
      subject: opened.subject,
      body: 'Half body',
    });

    // A second start has nothing left to seal.
    expect(await sealLegacyDeliveryMessages(api.db)).toBe(0);
    expect(await sealLegacyInbox(api.db)).toBe(0);
  });

  test('serve seals them (both sealers are registered), batch after batch of 500 to the last row', async () => {
    await createMember(api, 'bulk-1');
    const memberKey = await memberKeyOf(api.db, api.programId, 'bulk-1');
    const at = api.clock.now().toISOString();
    await api.db.query(
      `insert into inbox_messages (program_id, member_key, id, type, subject, body, category, created_at)
       select $1, $2, 'msg_bulk_' || lpad(n::text, 4, '0'), 'points.earned', 'Bulk ' || n, 'Bulk body ' || n,
              'transactional', $3
         from generate_series(1, 501) as n`,
      [api.programId, memberKey, at],
    );
    await api.db.query(
      `insert into deliveries (program_id, id, message_id, channel, member_key, subject, body, status,
                               next_attempt_at, retry_until, created_at)
       select $1, 'dlv_bulk_' || lpad(n::text, 4, '0'), 'msg_bulk_' || lpad(n::text, 4, '0'), 'email', $2,
              'Bulk ' || n, 'Bulk body ' || n, 'dead', $3, $3, $3
         from generate_series(1, 501) as n`,
      [api.programId, memberKey, at],
    );
    const done = await sealLegacyPlaintext(api.db);
    expect(done).toContainEqual({ name: 'deliveries.subject, deliveries.body', sealed: 501 });
    expect(done).toContainEqual({ name: 'inbox_messages.subject, inbox_messages.body', sealed: 501 });
    const [plain] = await api.db.query<{ deliveries: number; inbox: number }>(
      `select (select count(*)::int from deliveries where subject not like 'enc:v1:%' or body not like 'enc:v1:%')
                as deliveries,
              (select count(*)::int from inbox_messages where subject not like 'enc:v1:%' or body not like 'enc:v1:%')
                as inbox`,
    );
    expect(plain).toEqual({ deliveries: 0, inbox: 0 });
    const inbox = await api.call('GET', '/v1/members/bulk-1/inbox?limit=1');
    expect(inbox.body.data).toMatchObject([
      { id: 'msg_bulk_0501', subject: 'Bulk 501', body: 'Bulk body 501' },
    ]);
    // Nothing left: the next start seals none of them.
    const again = (await sealLegacyPlaintext(api.db)).map((entry) => entry.name);
    expect(again).not.toContain('deliveries.subject, deliveries.body');
    expect(again).not.toContain('inbox_messages.subject, inbox_messages.body');
  });
});
