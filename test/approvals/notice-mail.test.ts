import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mailStaffNotices } from '../../src/approvals/notice-mail.ts';
import { createSmtpSender } from '../../src/notifications/channels/smtp-sender.ts';
import { listen } from '../notifications/channels/loopback-http.ts';
import { readMime } from '../notifications/channels/read-mime.ts';
import { addStaffMember, send, tokenHeaders } from '../staff/staff-support.ts';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';

/** A real SMTP server on loopback; `refuse` answers every recipient with 450 (try later). */
async function smtpServer(state: { refuse: boolean }) {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(state.refuse ? Object.assign(new Error('Try later'), { responseCode: 450 }) : null);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null);
      });
    },
  });
  const port = await listen(server.server);
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.each(ENGINES)('checkers are mailed (%s)', (engine) => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  const state = { refuse: false };
  let checkerLogin: string;
  let maker: Record<string, string>;
  beforeAll(async () => {
    api = await openTestApi(engine, undefined, { app: { rateLimits: { loginAttemptsPerMinute: 100_000 } } });
    smtp = await smtpServer(state);
    checkerLogin = (await addStaffMember(api, { role: 'finance' })).loginUsed;
    // A checker signing in with a phone number gets the notice, but no mail.
    await addStaffMember(api, { role: 'finance', login: '+86 139 0000 0001' });
    maker = await tokenHeaders(api, (await addStaffMember(api, { role: 'customer_service' })).loginUsed);
    await api.call('PUT', '/v1/approval-policy', { pointsAbove: 100, bulk: false, tierAssignments: false });
    await api.call('PUT', '/v1/members/mail-1', {});
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  const sender = () => createSmtpSender({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'jifen@example.com' });

  test('a waiting request is mailed once to each checker with an e-mail login', async () => {
    const asked = await send(
      api,
      'POST',
      '/v1/members/mail-1/adjustments',
      { points: 500, reason: 'refund', operator: 'cs' },
      maker,
    );
    expect(asked.status).toBe(202);
    const mailer = sender();
    // The owner bootstrap made has no staff; the one e-mail checker is mailed, the phone one not.
    expect(await mailStaffNotices(api.db, mailer, api.clock.now())).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual([checkerLogin]);
    const message = readMime(smtp.received[0]!.raw);
    expect(message.header('subject')).toContain(asked.body.id);
    expect(message.text).toContain('Adjust mail-1 by +500 points');
    expect(await mailStaffNotices(api.db, mailer, api.clock.now())).toBe(0);
    expect(smtp.received).toHaveLength(1);
    mailer.close();
  });

  test('a refused mail is retried later, not at once, and sent when the server takes it', async () => {
    state.refuse = true;
    await send(
      api,
      'POST',
      '/v1/members/mail-1/adjustments',
      { points: 700, reason: 'refund', operator: 'cs' },
      maker,
    );
    const mailer = sender();
    expect(await mailStaffNotices(api.db, mailer, api.clock.now())).toBe(0);
    state.refuse = false;
    expect(await mailStaffNotices(api.db, mailer, api.clock.now())).toBe(0);
    api.clock.advance(61_000);
    expect(await mailStaffNotices(api.db, mailer, api.clock.now())).toBe(1);
    expect(smtp.received.at(-1)!.raw).toContain('+700');
    mailer.close();
  });
});
