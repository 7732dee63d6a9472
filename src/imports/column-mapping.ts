import { JifenError } from '../shared/errors.ts';

/**
 * A mapping renames a file's columns to Jifen's (`会员号=memberId,积分=points`): the file's name on
 * the left, the field on the right. Columns the mapping does not name keep their names.
 */
export type ColumnMapping = ReadonlyMap<string, string>;

export function parseMapping(text: string | undefined): ColumnMapping {
  const mapping = new Map<string, string>();
  if (text === undefined || text.trim() === '') return mapping;
  for (const pair of text.split(',')) {
    const [from, to, ...rest] = pair.split('=').map((part) => part.trim());
    if (!from || !to || rest.length > 0) {
      throw new JifenError('validation_failed', {
        detail: `mapping "${pair}" is not of the form fileColumn=field (e.g. 会员号=memberId)`,
        extensions: { errors: [{ field: 'mapping', message: `"${pair}" is not fileColumn=field` }] },
      });
    }
    mapping.set(from, to);
  }
  return mapping;
}

/** A mapping given as an object (the API's `mapping`). */
export function mappingOf(record: Readonly<Record<string, string>> | undefined): ColumnMapping {
  return new Map(Object.entries(record ?? {}));
}

/** The file's header under the mapping. */
export function mapHeader(header: readonly string[], mapping: ColumnMapping): string[] {
  return header.map((name) => mapping.get(name.trim()) ?? name.trim());
}
