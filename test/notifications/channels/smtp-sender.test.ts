import { createServer as createTcpServer, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerError } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import {
  createSmtpSender,
  type OutgoingEmail,
  validateEmailAddress,
} from '../../../src/notifications/channels/smtp-sender.ts';
import { listen, refusedPort } from './loopback-http.ts';
import { readMime } from './read-mime.ts';

interface Received {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

type Stage = 'connect' | 'mailFrom' | 'rcptTo' | 'data';
interface Refusal {
  at: Stage;
  code: number;
  text: string;
}

/** A real SMTP server on loopback, without TLS; `refuse` makes it answer one stage with an error. */
async function startSmtpServer(options: { refuse?: Refusal; acceptLogin?: boolean } = {}) {
  const refusal = (stage: Stage): SMTPServerError | null =>
    options.refuse?.at === stage
      ? Object.assign(new Error(options.refuse.text), { responseCode: options.refuse.code })
      : null;
  const received: Received[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback(refusal('connect'));
    },
    onAuth(auth, _session, callback) {
      if (options.acceptLogin === false) return callback(new Error('Invalid username or password'));
      callback(null, { user: auth.username });
    },
    onMailFrom(_address, _session, callback) {
      callback(refusal('mailFrom'));
    },
    onRcptTo(_address, _session, callback) {
      callback(refusal('rcptTo'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const refused = refusal('data');
        if (refused) return callback(refused);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, 'Ok: queued as JF123');
      });
    },
  });
  const port = await listen(server.server);
  return {
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const email: OutgoingEmail = {
  to: 'lin.wei@example.com',
  subject: '积分即将过期',
  text: '1,200 积分将于 2026-12-31 过期',
  messageId: 'msg_01',
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function senderFor(url: string, timeoutMs?: number) {
  const sender = createSmtpSender({
    url,
    from: 'Jifen <no-reply@jifen.example>',
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  cleanups.push(() => sender.close());
  return sender;
}

describe('createSmtpSender', () => {
  test('sends the message in UTF-8 with a Message-ID receivers can de-duplicate on', async () => {
    const server = await startSmtpServer();
    cleanups.push(server.close);
    const outcome = await senderFor(`smtp://jifen:secret@127.0.0.1:${server.port}`).send(email);
    expect(outcome).toMatchObject({ ok: true, retryable: false, statusCode: 250, error: null });
    expect(outcome.responseExcerpt).toContain('queued as JF123');
    expect(server.received).toHaveLength(1);
    const [delivered] = server.received;
    expect(delivered).toMatchObject({
      from: 'no-reply@jifen.example',
      to: ['lin.wei@example.com'],
      user: 'jifen',
    });
    const message = readMime(delivered?.raw ?? '');
    expect(message.header('subject')).toBe('积分即将过期');
    expect(message.header('message-id')).toBe('<msg_01@jifen>');
    expect(message.header('x-jifen-message-id')).toBe('msg_01');
    expect(message.header('content-type')).toMatch(/^text\/plain; charset=utf-8/i);
    expect(message.text.trim()).toBe('1,200 积分将于 2026-12-31 过期');
  });

  test('an HTML version goes along as an alternative', async () => {
    const server = await startSmtpServer();
    cleanups.push(server.close);
    const sender = senderFor(`smtp://127.0.0.1:${server.port}`);
    const outcome = await sender.send({ ...email, html: '<p>1,200 积分将于 <b>2026-12-31</b> 过期</p>' });
    expect(outcome.ok).toBe(true);
    const raw = server.received[0]?.raw ?? '';
    expect(readMime(raw).header('content-type')).toMatch(/^multipart\/alternative/);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
  });

  test.each([
    ['rcptTo', 550, 'Mailbox unavailable', false, 'SMTP 550 at RCPT TO'],
    ['rcptTo', 553, 'Mailbox name not allowed', false, 'SMTP 553 at RCPT TO'],
    ['rcptTo', 451, 'Try again later', true, 'SMTP 451 at RCPT TO'],
    ['rcptTo', 452, 'Mailbox full', true, 'SMTP 452 at RCPT TO'],
    ['data', 554, 'Message content refused', false, 'SMTP 554 at DATA'],
    ['data', 451, 'Queue full', true, 'SMTP 451 at DATA'],
    // About our sender or the server, not this message: fixable, so not final.
    ['mailFrom', 553, 'Sender address not allowed', true, 'SMTP 553 at MAIL FROM'],
    ['connect', 554, 'No service for you', true, 'SMTP 554 at CONN'],
    ['connect', 421, 'Too busy', true, 'SMTP 421 at CONN'],
  ] as const)('refused at %s with %i (%s): retryable %s', async (at, code, text, retryable, error) => {
    const server = await startSmtpServer({ refuse: { at, code, text } });
    cleanups.push(server.close);
    const outcome = await senderFor(`smtp://127.0.0.1:${server.port}`).send(email);
    expect(outcome).toMatchObject({ ok: false, retryable, statusCode: code, error });
    expect(outcome.responseExcerpt).toContain(text);
    expect(server.received).toHaveLength(0);
  });

  test('a refused login is retryable: the credentials are ours to fix, the message is fine', async () => {
    const server = await startSmtpServer({ acceptLogin: false });
    cleanups.push(server.close);
    const outcome = await senderFor(`smtp://jifen:wrong@127.0.0.1:${server.port}`).send(email);
    expect(outcome).toMatchObject({ ok: false, retryable: true, statusCode: 535 });
  });

  test('a refused connection is retryable and named by its cause', async () => {
    const outcome = await senderFor(`smtp://127.0.0.1:${await refusedPort()}`).send(email);
    expect(outcome).toMatchObject({ ok: false, retryable: true, statusCode: null, error: 'ECONNREFUSED' });
  });

  test('a server that never greets fails with a timeout soon after timeoutMs', async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    const port = await listen(silent);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          for (const socket of sockets) socket.destroy();
          silent.close(() => resolve());
        }),
    );
    const outcome = await senderFor(`smtp://127.0.0.1:${port}`, 300).send(email);
    expect(outcome).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: null,
      error: 'timeout after 300 ms',
    });
    expect(outcome.durationMs).toBeLessThan(2_000);
  });

  test('a malformed address is refused without connecting and is not retryable', async () => {
    const server = await startSmtpServer();
    cleanups.push(server.close);
    const outcome = await senderFor(`smtp://127.0.0.1:${server.port}`).send({ ...email, to: 'lin.wei@' });
    expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: null });
    expect(server.connections()).toBe(0);
  });

  test('only smtp:// and smtps:// URLs are accepted', () => {
    expect(() => createSmtpSender({ url: 'http://127.0.0.1:25', from: 'a@b.cn' })).toThrow(/smtp:\/\//);
    expect(() => createSmtpSender({ url: 'not a url', from: 'a@b.cn' })).toThrow(/smtp:\/\//);
  });
});

describe('validateEmailAddress', () => {
  test.each([
    ['lin.wei@example.com', null],
    ['lin+jifen@mail.example.com.cn', null],
    ['王伟@例子.中国', null],
    ['', 'not of the form'],
    ['lin.wei', 'not of the form'],
    ['lin.wei@', 'not of the form'],
    ['@example.com', 'not of the form'],
    ['lin wei@example.com', 'not of the form'],
    ['lin@wei@example.com', 'not of the form'],
    ['lin.wei@localhost', 'not of the form'],
    ['Lin <lin@example.com>', 'not of the form'],
    ['lin.wei@example..com', 'misplaced dots'],
    ['.lin@example.com', 'misplaced dots'],
    [`${'a'.repeat(65)}@example.com`, 'more than 64 characters'],
    [`lin@${'a'.repeat(250)}.com`, 'longer than 254'],
  ])('%s', (address, problem) => {
    const error = validateEmailAddress(address);
    if (problem === null) expect(error).toBeNull();
    else expect(error).toContain(problem);
  });
});
