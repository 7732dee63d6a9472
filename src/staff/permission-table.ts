import { BUILT_IN_ROLES, PERMISSION_NAMES, PERMISSIONS, ROLE_PERMISSIONS } from './permissions.ts';

/**
 * The permission matrix as the Markdown table in docs/security.md (a test keeps the two in step):
 * one row per permission, the API-key scope that grants it, and a column per built-in role.
 */
export function renderPermissionTable(): string {
  const header = ['Permission', 'Scope (API keys)', ...BUILT_IN_ROLES, 'What it allows'];
  const rows = PERMISSION_NAMES.map((name) => [
    `\`${name}\``,
    `\`${PERMISSIONS[name].scope}\``,
    ...BUILT_IN_ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(name) ? '✓' : '')),
    PERMISSIONS[name].about,
  ]);
  const widths = header.map((title, column) =>
    Math.max(3, [...title].length, ...rows.map((row) => [...row[column]!].length)),
  );
  const pad = (text: string, width: number) => text + ' '.repeat(width - [...text].length);
  const line = (cells: string[]) =>
    `| ${cells.map((text, column) => pad(text, widths[column]!)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}
