import { randomBytes } from 'node:crypto';

/**
 * JSON text sent as written: numbers JavaScript cannot hold (`1e309`, `-0`, `1e-400`), nesting
 * deeper than JSON.stringify would reach in reasonable time, duplicate keys.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text.length > 80 ? `${this.text.slice(0, 40)}…(${this.text.length} chars)` : this.text;
  }
}

/** JSON text of `value`, with every {@link RawJson} inside written as its own text. */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  const token = randomBytes(8).toString('hex');
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, inner) => {
    if (inner instanceof RawJson) {
      raws.push(inner.text);
      return `@@raw-${token}-${raws.length - 1}@@`;
    }
    return inner;
  });
  return text.replace(new RegExp(`"@@raw-${token}-(\\d+)@@"`, 'g'), (_match, index) => raws[Number(index)]!);
}

export const nested = (levels: number, open: string, leaf: string, close: string) =>
  new RawJson(open.repeat(levels) + leaf + close.repeat(levels));
