import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  dataKeyAad,
  ENVELOPE_PREFIX,
  envelopeKeyId,
  gcmDecrypt,
  gcmEncrypt,
  NONCE_BYTES,
  openSecret,
  sealSecret,
} from '../../../src/secrets/crypto/envelope.js';
import { MasterKeyKek, unwrapWithKey, wrapWithKey } from '../../../src/secrets/crypto/kek-master-key.js';
import { SecretIntegrityError } from '../../../src/secrets/domain/secret-integrity.js';
import { secret } from '../../../src/kernel/domain/secret.js';

interface GcmCase {
  id: string;
  expect: 'valid' | 'invalid';
  source: string;
  key: string;
  iv: string;
  plaintext: string;
  aad: string;
  ciphertext: string;
  tag: string;
  hash_subkey_H: string;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/vectors/aes-gcm.json', import.meta.url), 'utf8')) as {
  source: string;
  cases: GcmCase[];
};
const hex = (value: string) => Buffer.from(value, 'hex');

describe('AES-256-GCM vectors (McGrew & Viega, GCM spec, Test Cases 13-16)', () => {
  it('carries its source and six cases', () => {
    expect(fixture.source).toMatch(/McGrew/);
    expect(fixture.cases).toHaveLength(6);
  });

  for (const c of fixture.cases) {
    if (c.expect === 'valid') {
      it(`${c.id}: encrypts to the listed ciphertext and tag, and decrypts back`, () => {
        const sealed = gcmEncrypt(hex(c.key), hex(c.iv), hex(c.plaintext), hex(c.aad));
        expect(sealed.toString('hex')).toBe(c.ciphertext + c.tag);
        expect(gcmDecrypt(hex(c.key), hex(c.iv), sealed, hex(c.aad)).toString('hex')).toBe(c.plaintext);
        const h = createCipheriv('aes-256-ecb', hex(c.key), null).update(Buffer.alloc(16));
        expect(h.toString('hex')).toBe(c.hash_subkey_H);
      });
    } else {
      it(`${c.id}: is refused with an integrity error and no plaintext`, () => {
        expect(() => gcmDecrypt(hex(c.key), hex(c.iv), hex(c.ciphertext + c.tag), hex(c.aad))).toThrow(SecretIntegrityError);
      });
    }
  }
});

describe('envelope format', () => {
  const key = Buffer.alloc(32, 9);
  const binding = { orgId: 'org_a', name: 'db-password', version: 3 };

  it('prefixes the format and the data key id, and opens only with the same binding', () => {
    const stored = sealSecret(key, 'dk_one', binding, Buffer.from('hunter2'));
    expect(stored.startsWith(`${ENVELOPE_PREFIX}dk_one:`)).toBe(true);
    expect(envelopeKeyId(stored)).toBe('dk_one');
    expect(openSecret(key, binding, stored).toString()).toBe('hunter2');
    for (const other of [
      { ...binding, orgId: 'org_b' },
      { ...binding, name: 'other' },
      { ...binding, version: 4 },
    ]) {
      expect(() => openSecret(key, other, stored)).toThrow(SecretIntegrityError);
    }
    // Re-labelled with another key id: the AAD binds the id.
    expect(() => openSecret(key, binding, stored.replace('dk_one', 'dk_two'))).toThrow(SecretIntegrityError);
  });

  it('uses a fresh 96-bit nonce for every seal', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const stored = sealSecret(key, 'dk_one', binding, Buffer.from('same'));
      nonces.add(
        Buffer.from(stored.split(':')[3] ?? '', 'base64url')
          .subarray(0, NONCE_BYTES)
          .toString('hex'),
      );
    }
    expect(nonces.size).toBe(200);
  });

  it('refuses malformed values', () => {
    for (const bad of ['', 'v1.abc', 'rampart:v2:dk_one:AAAA', 'rampart:v1:nokey:AAAA', 'rampart:v1:dk_one:AA', 'rampart:v1:dk_one:***']) {
      expect(() => openSecret(key, binding, bad)).toThrow(SecretIntegrityError);
    }
  });

  it('wraps data keys bound to org and key id', async () => {
    const kek = new MasterKeyKek(secret(Buffer.alloc(32, 1)), 'environment');
    const dataKey = secret(Buffer.alloc(32, 5));
    const wrapped = await kek.wrap('kek_a', dataKey, dataKeyAad('org_a', 'dk_1'));
    expect((await kek.unwrap('kek_a', wrapped, dataKeyAad('org_a', 'dk_1'))).reveal()).toEqual(dataKey.reveal());
    await expect(kek.unwrap('kek_a', wrapped, dataKeyAad('org_b', 'dk_1'))).rejects.toThrow(SecretIntegrityError);
    await expect(kek.unwrap('kek_b', wrapped, dataKeyAad('org_a', 'dk_1'))).rejects.toThrow(SecretIntegrityError);
    const raw = wrapWithKey(Buffer.alloc(32, 2), dataKey.reveal(), Buffer.from('x'));
    expect(() => unwrapWithKey(Buffer.alloc(32, 3), raw, Buffer.from('x'))).toThrow(SecretIntegrityError);
  });
});
