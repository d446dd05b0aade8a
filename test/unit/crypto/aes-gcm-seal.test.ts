/** AES-256-GCM sealing of the audit signing key: round trip, and refusal of any other key, AAD or a changed byte. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openAesGcm, sealAesGcm } from '../../../src/kernel/crypto/aes-gcm-seal.js';

describe('sealAesGcm / openAesGcm', () => {
  const key = randomBytes(32);
  const plaintext = new Uint8Array(randomBytes(48));

  it('opens what it sealed, with a fresh nonce each time', () => {
    const a = sealAesGcm(key, plaintext, 'audit-key\nname');
    const b = sealAesGcm(key, plaintext, 'audit-key\nname');
    expect(a).not.toBe(b);
    expect(openAesGcm(key, a, 'audit-key\nname')?.equals(Buffer.from(plaintext))).toBe(true);
  });

  it('refuses another key, other associated data, and a changed byte', () => {
    const sealed = sealAesGcm(key, plaintext, 'audit-key\nname');
    expect(openAesGcm(randomBytes(32), sealed, 'audit-key\nname')).toBeUndefined();
    expect(openAesGcm(key, sealed, 'audit-key\nother')).toBeUndefined();
    const raw = Buffer.from(sealed.slice(3), 'base64');
    raw[20] = (raw[20] ?? 0) ^ 1;
    expect(openAesGcm(key, `v1.${raw.toString('base64')}`, 'audit-key\nname')).toBeUndefined();
    expect(openAesGcm(key, 'v2.AAAA', 'audit-key\nname')).toBeUndefined();
  });

  it('needs a 32-byte key', () => {
    expect(() => sealAesGcm(randomBytes(16), plaintext, '')).toThrow(RangeError);
  });
});
