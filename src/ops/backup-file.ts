import { createHash } from 'node:crypto';
import { JifenError } from '../shared/errors.ts';

/**
 * A Jifen backup of the embedded database is one file: a first line naming the format, a second
 * line holding the manifest as JSON, then the PGlite data directory as a gzipped tarball. So
 * `head -2 FILE` shows what it is, and `tail -n +3 FILE | tar -tz` lists the data.
 */
export const BACKUP_MAGIC = 'JIFEN-BACKUP 1';

export interface BackupManifest {
  format: 'jifen-backup';
  formatVersion: 1;
  engine: 'pglite';
  /** When the snapshot was taken (ISO 8601). */
  takenAt: string;
  /** The highest migration applied to the database copied. */
  schemaVersion: number;
  dataBytes: number;
  dataSha256: string;
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function encodeBackup(takenAt: Date, schemaVersion: number, data: Uint8Array): Buffer {
  const manifest: BackupManifest = {
    format: 'jifen-backup',
    formatVersion: 1,
    engine: 'pglite',
    takenAt: takenAt.toISOString(),
    schemaVersion,
    dataBytes: data.byteLength,
    dataSha256: sha256(data),
  };
  return Buffer.concat([Buffer.from(`${BACKUP_MAGIC}\n${JSON.stringify(manifest)}\n`), data]);
}

function invalid(what: string): JifenError {
  return new JifenError('backup_invalid', { detail: `This is not a usable Jifen backup: ${what}.` });
}

/** Reads a backup file's bytes; throws `backup_invalid` saying what is wrong with them. */
export function decodeBackup(bytes: Buffer): { manifest: BackupManifest; data: Buffer } {
  const firstEnd = bytes.indexOf(0x0a);
  const first = bytes.subarray(0, firstEnd === -1 ? Math.min(bytes.length, 64) : firstEnd).toString('latin1');
  if (first !== BACKUP_MAGIC) {
    if (bytes.length === 0) throw invalid('the file is empty');
    if (first.startsWith('JIFEN-BACKUP '))
      throw invalid(`it is in format "${first}", which this version of Jifen cannot read; upgrade Jifen`);
    throw invalid(`it does not start with "${BACKUP_MAGIC}" (was it made by \`jifen backup\`?)`);
  }
  const secondEnd = bytes.indexOf(0x0a, firstEnd + 1);
  if (secondEnd === -1) throw invalid('the file ends inside its manifest (truncated?)');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(bytes.subarray(firstEnd + 1, secondEnd).toString('utf8')) as BackupManifest;
  } catch {
    throw invalid('its manifest (second line) is not JSON');
  }
  if (
    manifest?.format !== 'jifen-backup' ||
    manifest.formatVersion !== 1 ||
    manifest.engine !== 'pglite' ||
    !Number.isInteger(manifest.schemaVersion) ||
    !Number.isInteger(manifest.dataBytes) ||
    typeof manifest.dataSha256 !== 'string'
  ) {
    throw invalid('its manifest lacks the fields a Jifen backup has');
  }
  const data = bytes.subarray(secondEnd + 1);
  if (data.length !== manifest.dataBytes) {
    throw invalid(
      `it holds ${data.length} bytes of data where its manifest says ${manifest.dataBytes} (truncated or cut off while copying?)`,
    );
  }
  if (sha256(data) !== manifest.dataSha256) throw invalid('its data does not match its checksum (damaged?)');
  return { manifest, data };
}
