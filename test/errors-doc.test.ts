import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ERRORS_DOC_PATH, renderErrorsDoc } from '../scripts/write-errors-doc.ts';
import { ERROR_CODES } from '../src/shared/error-codes.ts';

/** The list of codes, the docs and the code that raises them stay in step (STYLE.md §4). */
const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((item) => {
    const path = join(dir, item.name);
    if (item.isDirectory()) return sourceFiles(path);
    return item.name.endsWith('.ts') && !item.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('error codes', () => {
  test('docs/errors.md is what `npm run docs:errors` generates', () => {
    const onDisk = readFileSync(ERRORS_DOC_PATH, 'utf8');
    expect(onDisk, 'docs/errors.md is stale: run `npm run docs:errors`').toBe(renderErrorsDoc());
  });

  test('the doc has one row per code, with its status, meaning and what to do', () => {
    const rows = renderErrorsDoc()
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .slice(2, -2)
          .split(/ (?<!\\)\| /)
          .map((text) => text.trim()),
      );
    expect(rows.map(([code]) => code)).toEqual(Object.keys(ERROR_CODES).map((code) => `\`${code}\``));
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      const row = rows.find(([first]) => first === `\`${code}\``);
      expect(row).toEqual([
        `\`${code}\``,
        String(spec.status),
        spec.title.replaceAll('|', '\\|'),
        spec.action.replaceAll('|', '\\|'),
      ]);
    }
  });

  test('every code is a snake_case name with an HTTP error status and non-empty texts', () => {
    for (const [code, spec] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(spec.status).toBeGreaterThanOrEqual(400);
      expect(spec.status).toBeLessThan(600);
      expect(spec.title.trim().length).toBeGreaterThan(0);
      expect(spec.action.trim().length).toBeGreaterThan(0);
    }
  });

  test('every code is raised somewhere in src/ (no dead codes in the list or the docs)', () => {
    const files = sourceFiles(SRC).filter((path) => !path.endsWith(join('shared', 'error-codes.ts')));
    expect(files.length).toBeGreaterThan(10);
    const text = files.map((path) => readFileSync(path, 'utf8')).join('\n');
    const unused = Object.keys(ERROR_CODES).filter((code) => !text.includes(`'${code}'`));
    expect(unused, 'codes listed in ERROR_CODES that nothing in src/ raises').toEqual([]);
  });
});
