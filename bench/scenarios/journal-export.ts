// Scenario journal-export (issue 20): `GET /v1/finance/journal` of a generated program of
// --journal-entries entries (default 1,000,000; the figure is 10,000,000) from a
// `jifen serve` on a fresh PostgreSQL database. Setup (not measured) writes the members and entries
// set-based (test/support/generated-journal.ts) and analyzes; then the whole journal is exported
// once as CSV and once as JSON lines, the client counting lines as they arrive (nothing kept).
// Targets: ≥ 100,000 entries/s, and the server's peak RSS (VmHWM) under 250 MB.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { openDatabase } from '../../src/db/open-database.ts';
import { generateJournal } from '../../test/support/generated-journal.ts';
import { freshPostgres } from '../databases.ts';
import type { ScenarioResult } from '../report.ts';
import { nowMs } from '../stats.ts';
import { type BenchContext, NOT_COMPARED, oneRunLatency, seconds } from './common.ts';
import { freePort, startServer } from './http.ts';

const START = '2020-01-01T00:00:00Z';

export async function runJournalExport(context: BenchContext): Promise<ScenarioResult> {
  const { options, log } = context;
  const entries = options.journalEntries;
  // Not a multiple of 3 (the generator's rule), about one member per 20 entries.
  const members = Math.max(1, Math.floor(entries / 60)) * 3 + 1;
  const database = await freshPostgres(options.databaseUrl, 'journal');
  const key = `jf_bench_${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const server = await startServer(['--database-url', database.url], key, port, null);
  try {
    const db = await openDatabase({ databaseUrl: database.url, maxConnections: 2 });
    const started = nowMs();
    try {
      const [program] = await db.query<{ id: string }>('select id from programs limit 1');
      await generateJournal(db, program!.id, { members, entries, start: START });
      await db.query('vacuum analyze entries');
      await db.query('analyze members');
    } finally {
      await db.close();
    }
    const setupSeconds = seconds(nowMs() - started);
    log(
      `  ${entries.toLocaleString('en-US')} entries of ${members.toLocaleString('en-US')} members in ${setupSeconds}s`,
    );

    const exportOnce = async (format: 'csv' | 'jsonl') => {
      const t0 = nowMs();
      // node:http, not fetch: the client shares the machine's cores with the server and PostgreSQL.
      const { lines, bytes } = await new Promise<{ lines: number; bytes: number }>((resolve, reject) => {
        const request = http.get(
          `http://127.0.0.1:${port}/v1/finance/journal?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z&format=${format}`,
          { headers: { authorization: `Bearer ${key}` } },
          (response) => {
            if (response.statusCode !== 200) reject(new Error(`export: ${response.statusCode}`));
            let count = 0;
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) count++;
            });
            response.on('end', () => resolve({ lines: count, bytes: size }));
            response.on('error', reject);
          },
        );
        request.on('error', reject);
      });
      const ms = nowMs() - t0;
      const exported = format === 'csv' ? lines - 1 : lines;
      if (exported !== entries) throw new Error(`export ${format}: ${exported} lines, expected ${entries}`);
      log(
        `  ${format}: ${exported.toLocaleString('en-US')} entries, ${Math.round(bytes / 1048576)} MB in ${seconds(ms)}s = ${Math.round(exported / (ms / 1000)).toLocaleString('en-US')} entries/s`,
      );
      return { ms, bytes };
    };
    const csv = await exportOnce('csv');
    const jsonl = await exportOnce('jsonl');
    await server.stop();
    const perSecond = entries / (csv.ms / 1000);
    return {
      id: 'journal-export',
      name: `GET /v1/finance/journal of ${entries.toLocaleString('en-US')} entries (CSV; JSON lines in the notes)`,
      engine: 'postgres',
      unit: 'entries',
      latencyOf: 'request',
      clients: 1,
      batchSize: null,
      measuredSeconds: seconds(csv.ms),
      ops: entries,
      perSecond,
      errors: 0,
      latencyMs: oneRunLatency(csv.ms),
      kinds: {},
      setup: {
        entries,
        members,
        setupSeconds,
        csvMb: Math.round(csv.bytes / 1048576),
        jsonlMb: Math.round(jsonl.bytes / 1048576),
      },
      ...NOT_COMPARED,
      notes: [
        `CSV ${Math.round(perSecond).toLocaleString('en-US')} entries/s (${seconds(csv.ms)}s), JSON lines ${Math.round(entries / (jsonl.ms / 1000)).toLocaleString('en-US')} entries/s (${seconds(jsonl.ms)}s)`,
        'server: node bin/jifen.js serve --database-url <fresh database>; its peak RSS is the rss MB column',
      ],
    };
  } finally {
    await server.stop();
  }
}
