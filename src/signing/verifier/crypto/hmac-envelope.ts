/**
 * DSSE envelopes of the internal HMAC-SHA256 scheme (issue 16 item 2): the "signature" is
 * HMAC-SHA256(key, PAE(payloadType, payload)) under an org's shared key. Anyone holding the key
 * can make one, so such an envelope is not publicly verifiable: it proves only that a holder of
 * the org's key (Rampart or the org's own pipeline) made it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeBase64, pae, type DsseEnvelope } from './dsse.js';

/** HMAC-SHA256 over PAE(payloadType, payload). */
export function hmacPae(key: Uint8Array, payloadType: string, payload: Uint8Array): Buffer {
  return createHmac('sha256', key).update(pae(payloadType, payload)).digest();
}

/** Whether a signature of `envelope` named `keyId` is the HMAC of its PAE under `key` (constant-time compare). */
export function verifyHmacEnvelope(envelope: DsseEnvelope, keyId: string, key: Uint8Array): boolean {
  const payload = decodeBase64(envelope.payload);
  if (payload === undefined || typeof envelope.payloadType !== 'string' || !Array.isArray(envelope.signatures)) return false;
  const expected = hmacPae(key, envelope.payloadType, payload);
  return envelope.signatures.some((entry) => {
    if (entry.keyid !== keyId || typeof entry.sig !== 'string') return false;
    const sig = decodeBase64(entry.sig);
    return sig?.length === expected.length && timingSafeEqual(sig, expected);
  });
}
