import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSmtpSender, type SmtpSender } from '../../src/notifications/channels/smtp-sender.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { readMime } from './channels/read-mime.ts';
import { startSmtpServer } from './channels/smtp-test-server.ts';
import {
  createMember,
  credit,
  deliveriesOf,
  dispatch,
  inboxOf,
  outboxOf,
  remindedMember,
  setPreferences,
} from './notification-kit.ts';

/**
 * Member channels end to end (SPEC §3.6): email through a real SMTP server, SMS through the log
 * adapter and the program's quiet hours, templates per language with the program's own wording and
 * marketing consent, previews, and the validation of templates and settings.
 */

describe.each(ENGINES)('member channels (%s)', (engine) => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let email: SmtpSender;
  const smsLines: string[] = [];
  const pass = () => dispatch(api, { email, smsLines });
  const mailsTo = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));

  beforeAll(async () => {
    api = await openTestApi(engine, '2026-06-01T02:00:00Z');
    smtp = await startSmtpServer();
    email = createSmtpSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Jifen <no-reply@shop.example>' });
  });
  afterAll(async () => {
    email?.close();
    await smtp?.close();
    await api?.close();
  });

  test('an expiry reminder arrives by email, rendered, with the message id in its Message-ID', async () => {
    api.clock.set('2026-06-01T02:00:00Z');
    const reminder = await remindedMember(api, 'mail-1', 1200, { email: 'lin.wei@example.com' });
    expect(reminder.data).toMatchObject({ points: 1200, expiresOn: '2026-06-11', offsetDays: 30 });
    await pass();
    const mails = mailsTo('lin.wei@example.com');
    expect(mails).toHaveLength(1);
    const mail = readMime(mails[0]!.raw);
    expect(mail.header('subject')).toBe('您有 1,200 积分即将过期');
    expect(mail.header('from')).toContain('no-reply@shop.example');
    expect(mail.header('message-id')).toBe(`<${reminder.id}@jifen>`);
    expect(mail.header('x-jifen-message-id')).toBe(reminder.id);
    expect(mail.text).toContain('您有 1,200 积分将于 2026-06-11 过期,请及时使用。过期后的积分将无法使用。');
    const [delivery] = await deliveriesOf(api, { channel: 'email', messageId: reminder.id });
    expect(delivery).toMatchObject({
      status: 'delivered',
      recipient: 'lin.wei@example.com',
      subject: '您有 1,200 积分即将过期',
      last_status_code: 250,
    });
    expect(delivery!.body).toBe(mail.text.trim());
    // Stored sealed, like the preferences it came from.
    expect(delivery!.sealed_recipient).toMatch(/^enc:v1:/);
    expect(delivery!.sealed_recipient).not.toContain('lin.wei');
    // No phone number: no SMS. The inbox has it too.
    expect(await deliveriesOf(api, { channel: 'sms', messageId: reminder.id })).toEqual([]);
    expect((await inboxOf(api, 'mail-1')).map((m) => [m.type, m.id])).toContainEqual([
      'points.expiring',
      reminder.id,
    ]);
  });

  test('a program template overrides the default wording, until it is deleted', async () => {
    api.clock.set('2026-06-01T03:00:00Z');
    const put = await api.call('PUT', '/v1/notification-templates/points.expiring/email/zh-CN', {
      subject: '【小店】{{points}} 积分即将到期',
      body: '亲爱的会员:{{points}} 积分将于 {{expiresOn}} 到期。',
      category: 'transactional',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      type: 'points.expiring',
      channel: 'email',
      language: 'zh-CN',
      custom: true,
    });
    const reminder = await remindedMember(api, 'mail-2', 88, { email: 'mail2@example.com' });
    await pass();
    const mail = readMime(mailsTo('mail2@example.com')[0]!.raw);
    expect(mail.header('subject')).toBe('【小店】88 积分即将到期');
    expect(mail.text.trim()).toBe('亲爱的会员:88 积分将于 2026-06-11 到期。');
    expect(mail.header('message-id')).toBe(`<${reminder.id}@jifen>`);

    const deleted = await api.call('DELETE', '/v1/notification-templates/points.expiring/email/zh-CN');
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ custom: false, subject: '您有 {{points}} 积分即将过期' });
    await remindedMember(api, 'mail-3', 77, { email: 'mail3@example.com' });
    await pass();
    expect(readMime(mailsTo('mail3@example.com')[0]!.raw).header('subject')).toBe('您有 77 积分即将过期');
  });

  test('SMS waits for the end of quiet hours: a 23:00 reminder is texted at 09:00, not before', async () => {
    const settings = await api.call('PATCH', '/v1/notification-settings', {
      quietHours: { start: '21:00', end: '09:00' },
    });
    expect(settings.status).toBe(200);
    // 23:00 in Shanghai.
    api.clock.set('2026-06-02T15:00:00Z');
    const reminder = await remindedMember(api, 'sms-1', 1200, {
      phone: '13800138000',
      email: 'sms1@example.com',
    });
    const textsFor = () => smsLines.filter((line) => line.includes(reminder.id));
    await pass();
    // Email and inbox go at once; the text waits until 09:00 local (01:00 UTC).
    expect(mailsTo('sms1@example.com')).toHaveLength(1);
    const [sms] = await deliveriesOf(api, { channel: 'sms', messageId: reminder.id });
    expect(sms).toMatchObject({ status: 'pending', attempts: 0, recipient: '13800138000' });
    expect(new Date(sms!.next_attempt_at).toISOString()).toBe('2026-06-03T01:00:00.000Z');
    expect(textsFor()).toEqual([]);
    api.clock.set('2026-06-03T00:59:59Z');
    await pass();
    expect(textsFor()).toEqual([]);
    api.clock.set('2026-06-03T01:00:00Z');
    await pass();
    expect(textsFor()).toEqual([
      `sms to +86138****8000 [${reminder.id}]: 您有 1,200 积分将于 2026-06-12 过期,请及时使用。`,
    ]);
    expect((await deliveriesOf(api, { channel: 'sms', messageId: reminder.id }))[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });

    // With quiet hours off, a text at 23:00 goes at once.
    expect(
      (await api.call('PATCH', '/v1/notification-settings', { quietHours: null })).body.quietHours,
    ).toBeNull();
    api.clock.set('2026-06-03T15:00:00Z');
    const late = await remindedMember(api, 'sms-2', 5, { phone: '+8613900139000' });
    await pass();
    expect(smsLines.filter((line) => line.includes(late.id))).toHaveLength(1);
    await api.call('PATCH', '/v1/notification-settings', { quietHours: { start: '21:00', end: '09:00' } });
  });

  test('a marketing template reaches only members who consented to marketing', async () => {
    api.clock.set('2026-06-05T02:00:00Z');
    const put = await api.call('PUT', '/v1/notification-templates/points.earned/inbox/zh-CN', {
      subject: '会员专享',
      body: '您获得 {{points}} 积分,快来积分商城看看新品!',
      category: 'marketing',
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    try {
      for (const memberId of ['mk-no', 'mk-yes']) await createMember(api, memberId);
      await setPreferences(api, 'mk-yes', { marketingConsent: true });
      await credit(api, 'mk-no', { points: 10, reason: 'order' });
      await credit(api, 'mk-yes', { points: 20, reason: 'order' });
      await pass();
      expect(await inboxOf(api, 'mk-no')).toEqual([]);
      const [message] = await inboxOf(api, 'mk-yes');
      expect(message).toMatchObject({ subject: '会员专享', body: '您获得 20 积分,快来积分商城看看新品!' });
      const [row] = await api.db.query<{ category: string }>(
        `select i.category from inbox_messages i join members m using (program_id, member_key)
          where i.program_id = $1 and m.member_id = 'mk-yes'`,
        [api.programId],
      );
      expect(row!.category).toBe('marketing');
    } finally {
      await api.call('DELETE', '/v1/notification-templates/points.earned/inbox/zh-CN');
    }
  });

  test('a member who chose English is written to in English; the others in the program language', async () => {
    api.clock.set('2026-06-05T03:00:00Z');
    for (const memberId of ['en-1', 'zh-1']) await createMember(api, memberId);
    await setPreferences(api, 'en-1', { language: 'en' });
    const reason = { 'zh-CN': '开卡礼', en: 'Welcome gift' };
    await credit(api, 'en-1', { points: 1200, reason });
    await credit(api, 'zh-1', { points: 1200, reason });
    await pass();
    expect((await inboxOf(api, 'en-1')).map((m) => [m.subject, m.body])).toEqual([
      ['Points earned', 'You earned 1,200 points (Welcome gift). Your available balance is 1,200 points.'],
    ]);
    expect((await inboxOf(api, 'zh-1')).map((m) => [m.subject, m.body])).toEqual([
      ['获得积分', '您获得 1,200 积分(开卡礼)。当前可用积分 1,200。'],
    ]);
  });

  test('preview renders sample data, a real message, or a template being edited', async () => {
    const preview = (body: object) => api.call('POST', '/v1/notification-templates/preview', body);
    const sample = await preview({ type: 'points.expiring', channel: 'sms', language: 'zh-CN' });
    expect(sample.status, JSON.stringify(sample.body)).toBe(200);
    expect(sample.body.rendered.subject).toBeNull();
    expect(sample.body.rendered.body).toMatch(/^您有 [\d,]+ 积分将于 \d{4}-\d{2}-\d{2} 过期,请及时使用。$/);
    expect(sample.body.errors).toEqual([]);

    const [reminder] = (await outboxOf(api, 'mail-1')).filter((m) => m.type === 'points.expiring');
    const real = await preview({
      type: 'points.expiring',
      channel: 'inbox',
      language: 'en',
      messageId: reminder!.id,
    });
    expect(real.status).toBe(200);
    expect(real.body.rendered).toEqual({
      subject: 'Points expiring soon',
      body: '1,200 of your points expire on 2026-06-11. Use them before then.',
    });
    expect(real.body.variables).toMatchObject({ points: '1,200', expiresOn: '2026-06-11' });

    const edited = await preview({
      type: 'points.expiring',
      channel: 'inbox',
      language: 'zh-CN',
      messageId: reminder!.id,
      template: {
        subject: '提醒',
        body: '{{points}} 分 {{expiresOn}} 到期 {{nope}}',
        category: 'transactional',
      },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.rendered.body).toBe('1,200 分 2026-06-11 到期 ');
    expect(edited.body.errors).toEqual([
      { field: 'template/body', message: expect.stringContaining('unknown variable "nope"') },
    ]);

    const wrongType = await preview({
      type: 'points.earned',
      channel: 'inbox',
      language: 'zh-CN',
      messageId: reminder!.id,
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.errors).toEqual([{ field: 'body/messageId', message: expect.any(String) }]);
  });

  test('an invalid template is refused with 400 naming the field, and nothing is saved', async () => {
    const put = (path: string, body: object) => api.call('PUT', `/v1/notification-templates/${path}`, body);
    const cases: [string, object, string][] = [
      [
        'points.earned/inbox/zh-CN',
        { subject: '积分', body: '您获得 {{pointz}} 积分', category: 'transactional' },
        'body/body',
      ],
      [
        'points.earned/inbox/zh-CN',
        { subject: '{{points', body: '您获得积分', category: 'transactional' },
        'body/subject',
      ],
      [
        'points.earned/inbox/zh-CN',
        { subject: null, body: '您获得积分', category: 'transactional' },
        'body/subject',
      ],
      [
        'points.earned/sms/zh-CN',
        { subject: '短信', body: '您获得积分', category: 'transactional' },
        'body/subject',
      ],
      ['points.earned/inbox/zh-CN', { subject: '积分', body: '', category: 'transactional' }, 'body/body'],
      [
        'points.earned/inbox/zh-CN',
        { subject: '积分', body: '您获得积分', category: 'spam' },
        'body/category',
      ],
      [
        'points.nope/inbox/zh-CN',
        { subject: '积分', body: '您获得积分', category: 'transactional' },
        'params/type',
      ],
      [
        'points.earned/pigeon/zh-CN',
        { subject: '积分', body: '您获得积分', category: 'transactional' },
        'params/channel',
      ],
      [
        'points.earned/inbox/fr',
        { subject: '积分', body: '您获得积分', category: 'transactional' },
        'params/language',
      ],
    ];
    for (const [path, body, field] of cases) {
      const reply = await put(path, body);
      expect(reply.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(reply.body.code).toBe('validation_failed');
      expect(reply.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const [template] = (
      await api.call('GET', '/v1/notification-templates?type=points.earned&channel=inbox&language=zh-CN')
    ).body.data;
    expect(template).toMatchObject({ custom: false, subject: '获得积分' });
  });

  test('notification settings refuse duplicate offsets, bad quiet hours and unknown types or channels', async () => {
    const before = (await api.call('GET', '/v1/notification-settings')).body;
    const patch = (body: object) => api.call('PATCH', '/v1/notification-settings', body);
    const cases: [object, string][] = [
      [{ reminderOffsetsDays: [7, 7] }, 'body/reminderOffsetsDays'],
      [{ reminderOffsetsDays: [0] }, 'body/reminderOffsetsDays/0'],
      [{ reminderOffsetsDays: [400] }, 'body/reminderOffsetsDays/0'],
      [{ quietHours: { start: '25:00', end: '09:00' } }, 'body/quietHours'],
      [{ quietHours: { start: '21:00' } }, 'body/quietHours'],
      [{ quietHours: { start: '21:00', end: '21:00' } }, 'body/quietHours'],
      [{ channels: { 'points.nope': ['inbox'] } }, 'body/channels/points.nope'],
      [{ channels: { 'points.earned': ['pigeon'] } }, 'body/channels/points.earned/0'],
      [{ defaultLanguage: 'fr' }, 'body/defaultLanguage'],
      [{ colour: 'red' }, 'body/colour'],
    ];
    for (const [body, field] of cases) {
      const reply = await patch(body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.code).toBe('validation_failed');
      expect(
        reply.body.errors.map((error: { field: string }) => error.field),
        JSON.stringify(body),
      ).toContain(field);
    }
    expect((await api.call('GET', '/v1/notification-settings')).body).toEqual(before);

    // A good change keeps what it does not mention.
    const changed = await patch({ channels: { 'points.earned': ['inbox', 'sms'] } });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({
      ...before,
      channels: { ...before.channels, 'points.earned': ['inbox', 'sms'] },
    });
    await patch({ channels: { 'points.earned': ['inbox'] } });
  });
});
