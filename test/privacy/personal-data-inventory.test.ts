import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Database } from '../../src/db/database.ts';
import { openTestDatabase } from '../support/test-database.ts';

/**
 * docs/privacy.md lists every place personal data is stored. A column whose name looks like
 * personal data (a name, a contact, an address, a birthday, a secret, what a person typed) must be
 * in it, either as personal data (how it is protected, exported, erased) or as named so but not
 * personal (why): a new column fails here until someone decided which.
 */
const LOOKS_PERSONAL =
  /(^|_)(name|nickname|phone|mobile|email|e_mail|login|birthday|birth|address|shipping|recipient|contact|ip|user_agent|personal|secret|token|openid|id_card|gender|remark|note)s?($|_)/;

const DOC = new URL('../../docs/privacy.md', import.meta.url);

describe('the inventory of personal data (docs/privacy.md)', () => {
  let db: Database;
  let columns: string[];
  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    const rows = await db.query<{ table_name: string; column_name: string }>(
      `select table_name, column_name from information_schema.columns
        where table_schema = current_schema() order by table_name, column_name`,
    );
    columns = rows.map((row) => `${row.table_name}.${row.column_name}`);
  });
  afterAll(async () => db?.close());

  test('names every column that looks like personal data', () => {
    const doc = readFileSync(DOC, 'utf8');
    const listed = new Set([...doc.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((match) => match[1]!));
    const looksPersonal = columns.filter((column) => LOOKS_PERSONAL.test(column.split('.')[1]!));
    expect(looksPersonal.length).toBeGreaterThan(10);
    expect(looksPersonal.filter((column) => !listed.has(column))).toEqual([]);
  });

  test('lists no column that does not exist (the list stays true)', () => {
    const doc = readFileSync(DOC, 'utf8');
    const listed = [...doc.matchAll(/`([a-z_]+\.[a-z_]+)`/g)].map((match) => match[1]!);
    const tables = new Set(columns.map((column) => column.split('.')[0]!));
    const unknown = listed.filter((column) => tables.has(column.split('.')[0]!) && !columns.includes(column));
    expect(unknown).toEqual([]);
  });
});
