import { SMTPServer } from 'smtp-server';
import { listen } from './loopback-http.ts';

/** What the test SMTP server received: the envelope's recipients and the raw message. */
export interface Mail {
  to: string[];
  raw: string;
}

/** A real SMTP server on a free loopback port, keeping every message it receives. */
export async function startSmtpServer() {
  const received: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, 'Ok: queued');
      });
    },
  });
  const port = await listen(server.server);
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
