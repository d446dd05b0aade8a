/**
 * AES-256-GCM in authenticated chunks (the STREAM construction of Hoang, Reyhanitabar, Rogaway and
 * Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015): the data
 * is cut into chunks of at most {@link CHUNK_SIZE} bytes, each sealed on its own with
 * - a nonce that is the part's number (4 bytes) and the chunk's index (8 bytes): unique under a
 *   data key that is fresh for each backup (NIST SP 800-38D §8.2.1, deterministic construction);
 * - associated data that binds the format, the backup id, the part's name, the chunk's index and
 *   whether it is the last chunk.
 * So a flipped byte fails the chunk's tag, a reordered chunk fails its index, a chunk of another
 * backup or part fails its binding, and a file cut at a chunk boundary fails because its last
 * chunk was not sealed as the last one. Nothing is released before its chunk authenticates.
 *
 * File layout: `RBK1` (4 bytes), then chunks, each `u32be length ‖ ciphertext ‖ 16-byte tag`.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Plaintext bytes per chunk. */
export const CHUNK_SIZE = 1024 * 1024;
const MAGIC = Buffer.from('RBK1', 'ascii');
const TAG_SIZE = 16;
const KEY_SIZE = 32;
const AAD_PREFIX = 'rampart-backup/1';

/** What every chunk of a part is bound to. */
export interface ChunkBinding {
  readonly backupId: string;
  readonly part: string;
  /** The part's number in the manifest (the nonce's first 4 bytes). */
  readonly partIndex: number;
}

/** Why a file did not open: the part and the chunk, never the key or the data. */
export class ChunkAuthenticationError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'ChunkAuthenticationError';
  }
}

function nonce(partIndex: number, chunk: number): Buffer {
  const value = Buffer.alloc(12);
  value.writeUInt32BE(partIndex, 0);
  value.writeBigUInt64BE(BigInt(chunk), 4);
  return value;
}

function aad(binding: ChunkBinding, chunk: number, last: boolean): Buffer {
  return Buffer.from(`${AAD_PREFIX}\n${binding.backupId}\n${binding.part}\n${chunk}\n${last ? 'last' : 'more'}`, 'utf8');
}

function checkKey(key: Uint8Array): void {
  if (key.length !== KEY_SIZE) throw new RangeError('a backup data key is 32 bytes');
}

function seal(key: Uint8Array, binding: ChunkBinding, chunk: number, last: boolean, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(binding.partIndex, chunk), { authTagLength: TAG_SIZE });
  cipher.setAAD(aad(binding, chunk, last));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length - TAG_SIZE, 0);
  return Buffer.concat([length, body]);
}

function open(key: Uint8Array, binding: ChunkBinding, chunk: number, last: boolean, sealed: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(binding.partIndex, chunk), { authTagLength: TAG_SIZE });
    decipher.setAAD(aad(binding, chunk, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_SIZE)), decipher.final()]);
  } catch {
    throw new ChunkAuthenticationError(
      `${binding.part}: chunk ${chunk} does not authenticate (altered, reordered, truncated, another backup's, or the wrong master key)`,
    );
  }
}

/** A stream that seals what passes through it in chunks; the last chunk is sealed as the last (possibly empty). */
export function sealChunks(key: Uint8Array, binding: ChunkBinding): Transform {
  checkKey(key);
  let pending: Buffer[] = [];
  let pendingSize = 0;
  let index = 0;
  let started = false;
  const start = (stream: Transform): void => {
    if (!started) stream.push(MAGIC);
    started = true;
  };
  return new Transform({
    transform(data: Buffer, _encoding, done: TransformCallback) {
      start(this);
      pending.push(data);
      pendingSize += data.length;
      // Keep at least one byte back: the last chunk is only known at the end.
      while (pendingSize > CHUNK_SIZE) {
        const all = Buffer.concat(pending);
        this.push(seal(key, binding, index, false, all.subarray(0, CHUNK_SIZE)));
        index += 1;
        pending = [all.subarray(CHUNK_SIZE)];
        pendingSize = all.length - CHUNK_SIZE;
      }
      done();
    },
    flush(done: TransformCallback) {
      start(this);
      this.push(seal(key, binding, index, true, Buffer.concat(pending)));
      done();
    },
  });
}

/**
 * A stream that opens a file of {@link sealChunks}, releasing each chunk only once it
 * authenticates; it errors with {@link ChunkAuthenticationError} on the first that does not, and
 * at the end when the file stops before a chunk sealed as the last. `onChunk` counts them.
 */
export function openChunks(key: Uint8Array, binding: ChunkBinding, onChunk?: (index: number) => void): Transform {
  checkKey(key);
  let buffered: Buffer = Buffer.alloc(0);
  let magicSeen = false;
  let index = 0;
  let sawLast = false;
  // The chunk read last is held back until we know whether another follows it.
  let held: Buffer | undefined;
  const release = (stream: Transform, last: boolean): void => {
    if (held === undefined) return;
    if (sawLast) throw new ChunkAuthenticationError(`${binding.part}: data after the last chunk`);
    stream.push(open(key, binding, index, last, held));
    onChunk?.(index);
    index += 1;
    held = undefined;
    if (last) sawLast = true;
  };
  return new Transform({
    transform(data: Buffer, _encoding, done: TransformCallback) {
      try {
        buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
        if (!magicSeen) {
          if (buffered.length < MAGIC.length) return done();
          if (!buffered.subarray(0, MAGIC.length).equals(MAGIC))
            throw new ChunkAuthenticationError(`${binding.part}: not a Rampart backup file`);
          buffered = buffered.subarray(MAGIC.length);
          magicSeen = true;
        }
        for (;;) {
          if (buffered.length < 4) break;
          const length = buffered.readUInt32BE(0);
          if (length > CHUNK_SIZE) throw new ChunkAuthenticationError(`${binding.part}: chunk ${index} has an impossible length`);
          const total = 4 + length + TAG_SIZE;
          if (buffered.length < total) break;
          release(this, false);
          held = buffered.subarray(4, total);
          buffered = buffered.subarray(total);
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        if (!magicSeen) throw new ChunkAuthenticationError(`${binding.part}: the file is empty or truncated`);
        if (buffered.length > 0)
          throw new ChunkAuthenticationError(
            `${binding.part}: the file ends inside chunk ${index + (held === undefined ? 0 : 1)} (truncated)`,
          );
        if (held === undefined) throw new ChunkAuthenticationError(`${binding.part}: the file holds no chunk (truncated)`);
        release(this, true);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
}
