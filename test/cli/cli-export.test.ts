import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { createProgram } from '../../src/programs/program-store.ts';
import { generateJournal } from '../support/generated-journal.ts';
import { freshProcessStore, killAllChildren, runJifen, tempDataDir } from '../support/jifen-process.ts';
import { ENGINES, type Engine } from '../support/test-database.ts';

afterAll(() => killAllChildren());

const ENTRIES = 12_000;
const YEAR = ['--from', '2026-01-01T00:00:00+08:00', '--to', '2027-01-01T00:00:00+08:00'];

describe.each(ENGINES)('jifen export journal (%s)', (engine: Engine) => {
  let databaseArgs: string[] = [];
  let cleanup: () => Promise<void> = async () => {};
  let programId = '';
  const out = tempDataDir();
  const jifen = (...args: string[]) => runJifen([...args, ...databaseArgs], { timeoutMs: 60_000 });

  beforeAll(async () => {
    const store = await freshProcessStore(engine);
    databaseArgs = store.args;
    cleanup = store.remove;
    const db = await openDatabase(
      engine === 'pglite'
        ? { dataDir: store.dataDir! }
        : { databaseUrl: databaseArgs[1]!, maxConnections: 2 },
    );
    try {
      await migrate(db);
      programId = (await createProgram(db, 'Tea House', new Date('2026-01-01T00:00:00Z'))).id;
      await generateJournal(db, programId, { members: 200, entries: ENTRIES, start: '2026-01-01T00:00:00Z' });
    } finally {
      await db.close();
    }
  }, 120_000);
  afterAll(async () => {
    out.remove();
    await cleanup();
  });

  test('writes every entry of the range as CSV to standard output, and the count to standard error', async () => {
    const result = await jifen('export', 'journal', ...YEAR);
    expect(result.stderr).toContain(`jifen export: ${ENTRIES} entries of ${programId}`);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toMatch(/^entry_id,txn_id,effective_at,/);
    expect(lines).toHaveLength(ENTRIES + 2);
    expect(lines[1]).toMatch(/^"ent_gen000000000000","txn_gen000000000000","2026-01-01T00:00:00.000Z"/);
    expect(lines[ENTRIES]).toMatch(new RegExp(`^"ent_gen${String(ENTRIES - 1).padStart(12, '0')}"`));
  });

  test('--out FILE.jsonl writes JSON lines there; a narrower range writes only its entries', async () => {
    const file = join(out.dir, 'journal.jsonl');
    const result = await jifen(
      'export',
      'journal',
      '--from',
      '2026-01-01T01:00:00Z',
      '--to',
      '2026-01-01T02:00:00Z',
      '--out',
      file,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('3600 entries');
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3600);
    expect(lines[0]).toMatchObject({
      entryId: 'ent_gen000000003600',
      effectiveAt: '2026-01-01T01:00:00.000Z',
    });
    for (const line of lines) {
      expect(
        line.postings.reduce((sum: number, posting: { amount: number }) => sum + posting.amount, 0),
      ).toBe(0);
    }
    const csv = join(out.dir, 'journal.out');
    expect(
      (await jifen('export', 'journal', ...YEAR, '--format', 'csv', '--out', csv, '--program', programId))
        .code,
    ).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\r\n')).toHaveLength(ENTRIES + 2);
  });

  test('bad arguments exit 2 saying what to fix, and write no file', async () => {
    const file = join(out.dir, 'never.csv');
    const cases: [string[], string][] = [
      [['export', 'journal', '--to', YEAR[3]!], '--from is required'],
      [
        ['export', 'journal', '--from', '2026-01-01', '--to', YEAR[3]!],
        '--from "2026-01-01" is not a date-time',
      ],
      [['export', 'journal', '--from', YEAR[3]!, '--to', YEAR[1]!], 'must be after --from'],
      [['export', 'journal', ...YEAR, '--format', 'xlsx'], '--format must be csv or jsonl'],
      [['export', 'members', ...YEAR], 'only "journal"'],
      [
        ['export', 'journal', ...YEAR, '--program', 'prg_nope', '--out', file],
        'There is no program "prg_nope"',
      ],
      [['export', 'journal', ...YEAR, '--since', 'x'], "Unknown option '--since'"],
    ];
    for (const [args, message] of cases) {
      const result = await jifen(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(existsSync(file)).toBe(false);
  });
});
