/**
 * Write load for operations tests: several clients each credit their own member as fast as the
 * server answers, every credit with its own Idempotency-Key, and every outcome is recorded so the
 * test can check afterwards what was committed.
 */

export interface CreditWrite {
  key: string;
  memberId: string;
  points: number;
}

export type WriteOutcome =
  /** 2xx: the server says it is committed. `answeredAt` is when the client had the answer. */
  | { kind: 'ok'; answeredAt: number; body: unknown }
  /** 503 shutting_down: the server says nothing of it was done. */
  | { kind: 'refused' }
  /** No answer (the connection failed): it may or may not have happened. */
  | { kind: 'unknown'; error: string };

export interface WriteRecord {
  write: CreditWrite;
  outcome?: WriteOutcome;
}

export interface CreditLoad {
  readonly records: WriteRecord[];
  answered(): number;
  /** Stops sending new credits; resolves when every client has its last answer (or failure). */
  stop(): Promise<void>;
  /** Resolves when every client has stopped, by stop() or because the server went away. */
  readonly done: Promise<void>;
}

export function creditRequest(baseUrl: string, apiKey: string, write: CreditWrite): Promise<Response> {
  return fetch(`${baseUrl}/v1/members/${write.memberId}/credits`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': write.key,
    },
    body: JSON.stringify({ points: write.points, reason: `load ${write.key}` }),
    signal: AbortSignal.timeout(30_000),
  });
}

export async function createMembers(baseUrl: string, apiKey: string, memberIds: readonly string[]) {
  for (const memberId of memberIds) {
    const response = await fetch(`${baseUrl}/v1/members/${memberId}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (response.status !== 201) throw new Error(`creating ${memberId}: ${response.status}`);
  }
}

/**
 * Starts `clients` loops crediting `memberIds[client]`. A loop ends when stopped, or at its first
 * request that gets no answer (the server went away), or on an answer that is neither 2xx nor a
 * shutdown refusal (recorded as an error for the test to fail on).
 */
export function startCreditLoad(baseUrl: string, apiKey: string, memberIds: readonly string[]): CreditLoad {
  const records: WriteRecord[] = [];
  const unexpected: string[] = [];
  let stopped = false;
  let answered = 0;
  const loops = memberIds.map(async (memberId, client) => {
    for (let i = 0; !stopped; i++) {
      const record: WriteRecord = {
        write: { key: `${memberId}-w${i}`, memberId, points: 1 + ((i + client) % 9) },
      };
      records.push(record);
      let response: Response;
      try {
        response = await creditRequest(baseUrl, apiKey, record.write);
      } catch (error) {
        record.outcome = { kind: 'unknown', error: String((error as Error).cause ?? error) };
        return;
      }
      const body = (await response.json()) as { code?: string };
      if (response.status >= 200 && response.status < 300) {
        record.outcome = { kind: 'ok', answeredAt: Date.now(), body };
        answered++;
      } else if (response.status === 503 && body.code === 'shutting_down') {
        record.outcome = { kind: 'refused' };
      } else {
        unexpected.push(`${record.write.key}: ${response.status} ${JSON.stringify(body)}`);
        return;
      }
    }
  });
  const done = Promise.all(loops).then(() => {
    if (unexpected.length > 0) throw new Error(`unexpected answers:\n${unexpected.join('\n')}`);
  });
  return {
    records,
    answered: () => answered,
    done,
    async stop() {
      stopped = true;
      await done;
    },
  };
}

export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sum of points per member over the given writes. */
export function pointsByMember(writes: readonly CreditWrite[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const write of writes) sums.set(write.memberId, (sums.get(write.memberId) ?? 0) + write.points);
  return sums;
}

export async function availablePoints(baseUrl: string, apiKey: string, memberId: string): Promise<number> {
  const response = await fetch(`${baseUrl}/v1/members/${memberId}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const body = (await response.json()) as { balances: { available: number } };
  return body.balances.available;
}
