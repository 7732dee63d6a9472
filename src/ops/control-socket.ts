import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join, relative } from 'node:path';
import { ERROR_CODES, type ErrorCode } from '../shared/error-codes.ts';
import { JifenError } from '../shared/errors.ts';

/**
 * `serve` on an embedded data directory listens on a Unix domain socket inside it, so that local
 * commands (`jifen backup`) can ask the process that holds the directory to act for them. Only
 * the owner of the data directory can reach it: the socket file is created with mode 0600, and it
 * is never exposed over HTTP. One request per connection: a JSON line `{"command": "backup"}`;
 * the answer is a JSON line `{"ok": true, "bytes": N}` followed by N bytes, or
 * `{"ok": false, "code": ..., "message": ...}`.
 */
export const CONTROL_SOCKET_FILE = 'control.sock';

/** sun_path holds 108 bytes on Linux and 104 on macOS, NUL included. */
const MAX_SOCKET_PATH_BYTES = 103;
const MAX_REQUEST_BYTES = 4_096;

export type ControlCommands = Record<string, () => Promise<Buffer>>;

export interface ControlSocket {
  readonly path: string;
  /** Stops accepting, waits for the commands being run, removes the socket file. */
  close(): Promise<void>;
  /** How many commands are being run (for the shutdown log). */
  active(): number;
}

/**
 * The address to bind or dial: the socket's path relative to the working directory when that is
 * shorter, since a deep data directory can exceed the length a socket path may have.
 */
export function controlSocketAddress(dataDir: string): string {
  const absolute = join(dataDir, CONTROL_SOCKET_FILE);
  const fromHere = relative(process.cwd(), absolute);
  const address = fromHere.length < absolute.length ? fromHere : absolute;
  if (Buffer.byteLength(address) > MAX_SOCKET_PATH_BYTES) {
    throw new JifenError('backup_unavailable', {
      detail: `The control socket path ${absolute} is longer than a Unix socket path may be (${MAX_SOCKET_PATH_BYTES} bytes): use a shorter --data path, or run from a directory closer to it.`,
    });
  }
  return address;
}

function readLine(socket: Socket, onLine: (line: string, rest: Buffer) => void, onTooLong: () => void): void {
  let buffered = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const end = buffered.indexOf(0x0a);
    if (end !== -1) {
      socket.off('data', onData);
      onLine(buffered.subarray(0, end).toString('utf8'), buffered.subarray(end + 1));
    } else if (buffered.length > MAX_REQUEST_BYTES) {
      socket.off('data', onData);
      onTooLong();
    }
  };
  socket.on('data', onData);
}

function failure(error: unknown): string {
  const code = error instanceof JifenError ? error.code : 'internal_error';
  return `${JSON.stringify({ ok: false, code, message: (error as Error).message })}\n`;
}

export async function startControlSocket(dataDir: string, commands: ControlCommands): Promise<ControlSocket> {
  const address = controlSocketAddress(dataDir);
  const file = join(dataDir, CONTROL_SOCKET_FILE);
  // The caller holds the data-directory lock: a socket file left there is a dead server's.
  rmSync(file, { force: true });
  const running = new Set<Promise<unknown>>();
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    readLine(
      socket,
      (line) => {
        let name: unknown;
        try {
          name = (JSON.parse(line) as { command?: unknown }).command;
        } catch {
          name = undefined;
        }
        const command =
          typeof name === 'string' && Object.hasOwn(commands, name) ? commands[name] : undefined;
        if (!command) {
          socket.end(failure(new Error(`unknown command ${JSON.stringify(name ?? line.slice(0, 40))}`)));
          return;
        }
        const work = command().then(
          (bytes) => {
            socket.write(`${JSON.stringify({ ok: true, bytes: bytes.length })}\n`);
            socket.end(bytes);
          },
          (error: unknown) => socket.end(failure(error)),
        );
        running.add(work);
        void work.finally(() => running.delete(work));
      },
      () => socket.end(failure(new Error('request line too long'))),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Created owner-only from the start (the bind happens inside listen), then made sure of.
    const umask = process.umask(0o177);
    try {
      server.listen(address, () => {
        server.off('error', reject);
        resolve();
      });
    } finally {
      process.umask(umask);
    }
  });
  chmodSync(file, 0o600);
  return {
    path: file,
    active: () => running.size,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...running]);
      await closed;
      rmSync(file, { force: true });
    },
  };
}

/** Sends one command to the server holding `dataDir` and returns the bytes it answers with. */
export async function callControlSocket(
  dataDir: string,
  command: string,
  options: { timeoutMs: number; holderPid?: number | undefined },
): Promise<Buffer> {
  const address = controlSocketAddress(dataDir);
  const holder = options.holderPid ? `the server (pid ${options.holderPid})` : 'the server';
  return new Promise<Buffer>((resolve, reject) => {
    const socket = connect(address);
    const chunks: Buffer[] = [];
    socket.setTimeout(options.timeoutMs, () =>
      socket.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
    );
    socket.on('connect', () => socket.write(`${JSON.stringify({ command })}\n`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' || error.code === 'ECONNREFUSED'
          ? 'it does not listen on its control socket (still starting, shutting down, or a Jifen version without one); try again once it runs'
          : error.message;
      reject(
        new JifenError('backup_unavailable', {
          detail: `${holder} holding ${dataDir} could not be asked through ${join(dataDir, CONTROL_SOCKET_FILE)}: ${why}.`,
        }),
      );
    });
    socket.on('end', () => {
      const answer = Buffer.concat(chunks);
      const end = answer.indexOf(0x0a);
      let header: { ok?: boolean; bytes?: number; code?: string; message?: string } = {};
      try {
        header = JSON.parse(answer.subarray(0, end).toString('utf8'));
      } catch {
        header = { ok: false, message: 'its answer was not understood' };
      }
      const body = answer.subarray(end + 1);
      if (header.ok && body.length === header.bytes) return resolve(body);
      const code: ErrorCode =
        header.code && Object.hasOwn(ERROR_CODES, header.code)
          ? (header.code as ErrorCode)
          : 'backup_unavailable';
      reject(
        new JifenError(code, {
          detail: header.ok
            ? `${holder} sent ${body.length} of the ${header.bytes} bytes it announced; try again.`
            : `${holder} answered: ${header.message ?? 'an error'}`,
        }),
      );
    });
  });
}
