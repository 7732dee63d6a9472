import iconv from 'iconv-lite';
import { JifenError } from '../shared/errors.ts';

/** What a file may be written in: UTF-8 (the default, BOM or not) or GBK (Excel on Chinese Windows). */
export type ImportEncoding = 'utf8' | 'gbk';

export function encodingOf(name: string | undefined): ImportEncoding {
  const normal = (name ?? 'utf8').toLowerCase().replace('-', '');
  if (normal === 'utf8') return 'utf8';
  if (normal === 'gbk' || normal === 'gb2312' || normal === 'gb18030' || normal === 'cp936') return 'gbk';
  throw new JifenError('validation_failed', {
    detail: `encoding "${name}" is not one Jifen reads: use utf8 (the default) or gbk`,
    extensions: { errors: [{ field: 'encoding', message: 'must be utf8 or gbk' }] },
  });
}

/** A character that stands for bytes the encoding could not read (GBK's decoder puts it there). */
export const UNREADABLE = '\uFFFD';

/**
 * The file's bytes as text, a chunk at a time (never the whole file): a byte order mark is dropped;
 * UTF-8 that is not valid UTF-8 stops with a clear error (it is most often a GBK file read as
 * UTF-8); GBK bytes that are no character become `UNREADABLE`, which the rows report.
 */
export async function* decodeText(
  chunks: AsyncIterable<Uint8Array>,
  encoding: ImportEncoding,
): AsyncGenerator<string> {
  let first = true;
  let offset = 0;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  const gbk = encoding === 'gbk' ? iconv.getDecoder('gbk') : null;
  for await (const raw of chunks) {
    let bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (first && bytes.length > 0) {
      first = false;
      if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
        throw fileInvalid(
          'the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8 or GBK',
        );
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (gbk) {
      const text = gbk.write(bytes);
      if (text) yield text;
    } else {
      try {
        const text = utf8.decode(bytes, { stream: true });
        if (text) yield text;
      } catch {
        throw notUtf8(offset);
      }
    }
    offset += raw.byteLength;
  }
  if (gbk) {
    const rest = gbk.end();
    if (rest) yield rest;
  } else {
    try {
      const rest = utf8.decode();
      if (rest) yield rest;
    } catch {
      throw notUtf8(offset);
    }
  }
}

function notUtf8(offset: number): JifenError {
  return fileInvalid(
    `the file is not valid UTF-8 (in the bytes from ${offset} on); if it was saved as GBK (Excel on Chinese Windows), give the encoding gbk`,
  );
}

export function fileInvalid(detail: string, extensions: Record<string, unknown> = {}): JifenError {
  return new JifenError('import_file_invalid', { detail, extensions });
}
