/**
 * RFC 4648 §6 base32 (alphabet `A–Z2–7`, no padding): the licence key's text alphabet. It has no
 * `0`/`O`, `1`/`I`/`L` pairs that differ only in case, so a key read aloud or retyped survives, and
 * decoding is case-insensitive. `decode` refuses any character outside the alphabet and any
 * trailing bits that are not zero, so one text has exactly one byte string.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((char, index) => [char, index]));

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The bytes of `text` (upper case), or undefined when it is not canonical RFC 4648 base32 without padding. */
export function base32Decode(text: string): Buffer | undefined {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = VALUES.get(char);
    if (value === undefined) return undefined;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  // Leftover bits must be padding zeros, and fewer than 5 of them (else a character was extra).
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return Buffer.from(out);
}
