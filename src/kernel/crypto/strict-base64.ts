/**
 * Standard base64 (RFC 4648 §4) as signed notes and checkpoints use it, decoded strictly: Node's
 * own decoder skips characters it does not know and accepts missing padding, so two different
 * strings could carry the same signature or root. Here only the one canonical spelling decodes.
 */

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The bytes of a canonical standard-base64 string with padding, or `undefined` for anything else. */
export function decodeStrictBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  // RFC 4648 §3.5: unused bits of the last character must be zero; re-encoding checks it.
  if (bytes.toString('base64') !== text) return undefined;
  return Uint8Array.from(bytes);
}

/** Standard base64 with padding (RFC 4648 §4). */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
