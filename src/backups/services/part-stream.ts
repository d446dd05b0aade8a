/**
 * One part of a backup through its pipeline, both ways. Writing: plain bytes → gzip → sealed
 * chunks (crypto/chunk-cipher.ts) → SHA-256 of the sealed file → the target, atomically. Reading:
 * the target → opened chunks (each released only once it authenticates) → gunzip → `sink`.
 */
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Secret } from '../../kernel/domain/secret.js';
import { partDigest } from '../crypto/backup-keys.js';
import { openChunks, sealChunks, type ChunkBinding } from '../crypto/chunk-cipher.js';
import type { BackupTarget } from '../ports/backup-target.js';

/** What writing a part measured. */
export interface WrittenPart {
  readonly bytes: number;
  readonly plainBytes: number;
  readonly sha256: string;
}

export type PartProgress = (plainBytes: number) => void;

function counter(onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(data: Buffer, _encoding, done) {
      total += data.length;
      onBytes(total);
      done(null, data);
    },
  });
}

/** Compresses, seals and writes `source` as `name`; nothing appears under `name` unless all of it was written. */
export async function writePart(
  target: BackupTarget,
  name: string,
  source: Readable,
  key: Secret<Buffer>,
  binding: ChunkBinding,
  onProgress?: PartProgress,
): Promise<WrittenPart> {
  let plainBytes = 0;
  const digest = partDigest();
  const sealed = new PassThrough();
  const tap = new Transform({
    transform(data: Buffer, _encoding, done) {
      digest.update(data);
      done(null, data);
    },
  });
  const produce = pipeline(
    source,
    counter((total) => {
      plainBytes = total;
      onProgress?.(total);
    }),
    createGzip({ level: 1 }),
    sealChunks(key.reveal(), binding),
    tap,
    sealed,
  );
  const [, bytes] = await Promise.all([produce, target.write(name, sealed)]);
  return { bytes, plainBytes, sha256: digest.hex() };
}

/** SHA-256 and size of the stored part `name` (what the manifest's hash is checked against). */
export async function hashPart(target: BackupTarget, name: string): Promise<{ sha256: string; bytes: number }> {
  const digest = partDigest();
  let bytes = 0;
  for await (const data of target.read(name)) {
    const chunk = data as Buffer;
    digest.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: digest.hex(), bytes };
}

/** The plain bytes of part `name` as a stream: it errors on the first chunk that does not authenticate. */
export function readPart(target: BackupTarget, name: string, key: Secret<Buffer>, binding: ChunkBinding): Readable {
  const out = new PassThrough();
  pipeline(target.read(name), openChunks(key.reveal(), binding), createGunzip(), out).catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return out;
}

/** Reads part `name` to `sink` (a file, a restore tool's input). */
export async function restorePart(
  target: BackupTarget,
  name: string,
  key: Secret<Buffer>,
  binding: ChunkBinding,
  sink: Writable,
): Promise<void> {
  await pipeline(target.read(name), openChunks(key.reveal(), binding), createGunzip(), sink);
}
