import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CODES } from '../src/shared/error-codes.ts';
import { JifenError } from '../src/shared/errors.ts';
import { problemBody } from '../src/shared/problem.ts';

/**
 * Writes docs/errors.md from ERROR_CODES (`npm run docs:errors`). test/errors-doc.test.ts fails
 * when the file and the table disagree, so the doc is never edited by hand.
 */
export const ERRORS_DOC_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'errors.md');

/** Markdown table cells: a pipe would end the cell, a newline the row. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/** A table with padded columns, as the formatter (biome) writes it, so `biome check` passes. */
function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(3, title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((text, column) => text.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function renderErrorsDoc(): string {
  const example = problemBody(
    new JifenError('insufficient_points', {
      detail: 'The member has 40 spendable points; 100 are needed.',
      extensions: { availablePoints: 40, requestedPoints: 100 },
    }),
  );
  const table = markdownTable(
    ['Code', 'HTTP status', 'Meaning', 'What to do'],
    Object.entries(ERROR_CODES).map(([code, spec]) => [
      `\`${code}\``,
      String(spec.status),
      cell(spec.title),
      cell(spec.action),
    ]),
  );
  return `# Error codes

<!-- Generated from src/shared/error-codes.ts by \`npm run docs:errors\`. Do not edit by hand. -->

Every expected failure is answered with \`Content-Type: application/problem+json\`
([RFC 9457](https://www.rfc-editor.org/rfc/rfc9457)) and a body like this:

\`\`\`json
${JSON.stringify(example, null, 2)}
\`\`\`

- \`code\` is stable: match on it. Codes are only ever added, never renamed or reused.
- \`type\` is \`urn:jifen:error:<code>\`; \`title\` is the fixed meaning of the code; \`detail\` says
  what happened this time, in words for a developer (not for the member), and may change.
- Some codes add machine-readable fields next to these (\`availablePoints\`, \`requiredScope\`,
  \`limitBytes\`, \`errors\`, ...); the table says which to read.
- Every write (\`POST\`, \`PUT\`, \`PATCH\`, \`DELETE\`) honours an \`Idempotency-Key\`: it stores its
  answer, errors included, and sending the same request again returns the same answer with the
  header \`Idempotent-Replayed: true\` and no second effect; another request with the key gets
  \`idempotency_key_reused\`. Send a new key to try again after fixing the cause. A request refused
  before it ran (\`validation_failed\`, \`unauthenticated\`, ...) and a \`5xx\` are not stored: retry a
  \`5xx\` with the same key.
- Input no database can store faithfully is refused with \`validation_failed\` naming the field, in
  the body, the path and the query alike: a NUL character or an unpaired surrogate in any text or
  key, a number JSON cannot hold (\`1e309\`), nesting deeper than 32 levels, and numbers outside the
  range each field documents in the OpenAPI document.

${table}
`;
}

export function writeErrorsDoc(path = ERRORS_DOC_PATH): void {
  writeFileSync(path, renderErrorsDoc());
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  writeErrorsDoc();
  console.log(`wrote ${ERRORS_DOC_PATH}`);
}
