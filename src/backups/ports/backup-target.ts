/**
 * Where backups are kept. Guarantees of every adapter:
 * - `write` is atomic: the object appears under its name complete and durable (written to a
 *   temporary name, flushed, renamed) or not at all — a crash or a failed write leaves no object
 *   under the name, only a temporary one that `list` never returns;
 * - objects are private to the operator (a directory: files 0600 in a 0700 directory);
 * - `list` returns the names of complete objects only.
 * Only the directory adapter exists (adapters/directory-backup-target.ts); an S3-compatible
 * adapter would implement this port (docs/decisions/020-backups.md says why none ships).
 */
import type { Readable } from 'node:stream';

export interface BackupTarget {
  /** Where the target is, for reports (a directory's path). */
  readonly location: string;
  /** Writes `name` from `source` atomically; resolves with the bytes written. */
  write(name: string, source: Readable): Promise<number>;
  /** Reads `name`; the stream errors when it does not exist. */
  read(name: string): Readable;
  /** The names of the complete objects. */
  list(): Promise<readonly string[]>;
  /** The object's size in bytes, or undefined when it does not exist. */
  size(name: string): Promise<number | undefined>;
  remove(name: string): Promise<void>;
}
