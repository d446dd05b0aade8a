/**
 * The chunked AES-256-GCM of backup files (src/backups/crypto/chunk-cipher.ts), attacked directly
 * (a restore checks the part's SHA-256 first, which hides these from the integration tests): one
 * flipped byte, a file cut at a chunk boundary or inside a chunk, two chunks swapped, a chunk of
 * another backup or part, a wrong key — each fails with ChunkAuthenticationError and releases no
 * plaintext of the failed chunk.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_SIZE,
  ChunkAuthenticationError,
  openChunks,
  sealChunks,
  type ChunkBinding,
} from '../../../src/backups/crypto/chunk-cipher.js';

const KEY = Buffer.alloc(32, 7);
const BINDING: ChunkBinding = { backupId: 'bkp_0123456789abcdef0123456789abcdef', part: 'database', partIndex: 0 };
const PLAIN = Buffer.from(Uint8Array.from({ length: CHUNK_SIZE * 2 + 1000 }, (_, i) => (i * 31) % 251));

async function seal(data: Buffer, binding = BINDING, key = KEY): Promise<Buffer> {
  return buffer(Readable.from([data]).pipe(sealChunks(key, binding)));
}

async function open(data: Buffer, binding = BINDING, key = KEY): Promise<Buffer> {
  const opened = openChunks(key, binding);
  const result = buffer(opened);
  Readable.from([data]).pipe(opened);
  return result;
}

/** Offsets of each chunk's frame (its length prefix) in a sealed file. */
function frames(sealed: Buffer): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  for (let at = 4; at < sealed.length;) {
    const end = at + 4 + sealed.readUInt32BE(at) + 16;
    found.push({ start: at, end });
    at = end;
  }
  return found;
}

describe('backup chunk cipher', () => {
  it('backups 1: a sealed file opens to the same bytes, in several chunks, with no plaintext in it', async () => {
    const sealed = await seal(PLAIN);
    expect(frames(sealed)).toHaveLength(3);
    expect(sealed.includes(PLAIN.subarray(5000, 5064))).toBe(false);
    expect((await open(sealed)).equals(PLAIN)).toBe(true);
    expect((await open(await seal(Buffer.alloc(0)))).length).toBe(0);
  });

  it('backups 3: one flipped byte is refused', async () => {
    const sealed = await seal(PLAIN);
    sealed[sealed.length - 100]! ^= 0x01;
    await expect(open(sealed)).rejects.toBeInstanceOf(ChunkAuthenticationError);
  });

  it('backups 3: a file cut at a chunk boundary, or inside a chunk, is refused', async () => {
    const sealed = await seal(PLAIN);
    const [, second] = frames(sealed);
    await expect(open(sealed.subarray(0, second!.end))).rejects.toThrow(/chunk 1 does not authenticate/);
    await expect(open(sealed.subarray(0, second!.end - 10))).rejects.toThrow(/truncated/);
    await expect(open(sealed.subarray(0, 2))).rejects.toThrow(/truncated/);
  });

  it('backups 3: two chunks swapped are refused', async () => {
    const sealed = await seal(PLAIN);
    const [first, second, last] = frames(sealed);
    const swapped = Buffer.concat([
      sealed.subarray(0, 4),
      sealed.subarray(second!.start, second!.end),
      sealed.subarray(first!.start, first!.end),
      sealed.subarray(last!.start),
    ]);
    await expect(open(swapped)).rejects.toThrow(/chunk 0 does not authenticate/);
  });

  it('backups 3: chunks of another backup or another part, or a wrong key, are refused', async () => {
    const sealed = await seal(PLAIN);
    await expect(open(sealed, { ...BINDING, backupId: 'bkp_ffffffffffffffffffffffffffffffff' })).rejects.toBeInstanceOf(
      ChunkAuthenticationError,
    );
    await expect(open(sealed, { ...BINDING, part: 'file:x', partIndex: 1 })).rejects.toBeInstanceOf(ChunkAuthenticationError);
    await expect(open(sealed, BINDING, Buffer.alloc(32, 8))).rejects.toBeInstanceOf(ChunkAuthenticationError);
  });
});
