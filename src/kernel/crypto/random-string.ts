/**
 * Uniform random strings over an alphabet, from crypto.randomBytes with rejection sampling: a byte
 * is used only if it is below the largest multiple of the alphabet's size that fits in 256, so
 * `byte % size` has no modulo bias. (For a 32-symbol alphabet that limit is 256 itself: no byte is
 * ever rejected, and the sampler stays correct if the alphabet changes.)
 */
import { randomBytes } from 'node:crypto';

/** A source of random bytes; crypto.randomBytes unless a test supplies its own. */
export type RandomBytes = (size: number) => Uint8Array;

/**
 * `length` symbols drawn independently and uniformly from `alphabet` (2–256 distinct single
 * UTF-16 unit symbols).
 */
export function randomString(alphabet: string, length: number, source: RandomBytes = randomBytes): string {
  const size = alphabet.length;
  if (size < 2 || size > 256 || new Set(alphabet).size !== size) {
    throw new RangeError('alphabet must hold 2 to 256 distinct symbols');
  }
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`length must be a non-negative integer, got ${length}`);
  const limit = 256 - (256 % size);
  let out = '';
  while (out.length < length) {
    // Ask for a little more than needed so that rejections rarely cost a second call.
    for (const byte of source(length - out.length + 8)) {
      if (byte >= limit) continue;
      out += alphabet.charAt(byte % size);
      if (out.length === length) break;
    }
  }
  return out;
}
