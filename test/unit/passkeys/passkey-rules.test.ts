/**
 * The passkeys' pure rules (issue 18 item 1): the signature-counter rule that tells a cloned
 * authenticator (WebAuthn Level 3 §6.1.1), the challenge a response names (read before any
 * lookup, refused when malformed), and the relying-party configuration checked at startup.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { challengeOf, hashChallenge, newChallenge } from '../../../src/passkeys/crypto/ceremony-challenge.js';
import { counterRegressed } from '../../../src/passkeys/domain/passkey.js';

const clientData = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('passkey rules', () => {
  it('passkeys 1: a counter that does not move forward is a regression when either value is non-zero', () => {
    expect(counterRegressed(0, 0)).toBe(false); // an authenticator without a counter (synced passkeys)
    expect(counterRegressed(0, 1)).toBe(false);
    expect(counterRegressed(5, 6)).toBe(false);
    expect(counterRegressed(5, 5)).toBe(true);
    expect(counterRegressed(5, 4)).toBe(true);
    expect(counterRegressed(5, 0)).toBe(true); // a clone that lost the counter
  });

  it('passkeys 1: a challenge is 256 random bits, looked up only by its SHA-256, and read from clientDataJSON only when well formed', () => {
    const challenge = newChallenge();
    expect(Buffer.from(challenge, 'base64url')).toHaveLength(32);
    expect(newChallenge()).not.toBe(challenge);
    expect(hashChallenge(challenge)).toMatch(/^[a-f0-9]{64}$/);
    expect(hashChallenge('short')).toBeNull();
    expect(challengeOf(clientData({ type: 'webauthn.get', challenge }))).toBe(challenge);
    for (const bad of [
      clientData({ type: 'webauthn.get' }),
      clientData({ challenge: 'not-a-challenge' }),
      clientData({ challenge: 42 }),
      clientData('a string'),
      'not base64url!',
      Buffer.from('{not json').toString('base64url'),
      'A'.repeat(5000),
    ]) {
      expect(challengeOf(bad)).toBeNull();
    }
  });

  it('passkeys 1: the RP ID and origins default to the public URL, and startup refuses origins a browser would not use', () => {
    const config = loadConfig({ env: { RAMPART_PUBLIC_URL: 'https://id.example.com' } });
    expect(config.webauthnRpId).toBe('id.example.com');
    expect(config.webauthnOrigins).toEqual(['https://id.example.com']);
    expect(config.webauthnRpName).toBe('Rampart');
    const set = loadConfig({
      env: {
        RAMPART_PUBLIC_URL: 'https://api.example.com',
        RAMPART_WEBAUTHN_RP_ID: 'example.com',
        RAMPART_WEBAUTHN_ORIGINS: 'https://example.com, https://login.example.com',
      },
    });
    expect(set.webauthnOrigins).toEqual(['https://example.com', 'https://login.example.com']);
    const refused: [string, Record<string, string>][] = [
      ['RAMPART_WEBAUTHN_ORIGINS', { RAMPART_WEBAUTHN_RP_ID: 'example.com', RAMPART_WEBAUTHN_ORIGINS: 'http://example.com' }],
      ['RAMPART_WEBAUTHN_ORIGINS', { RAMPART_WEBAUTHN_RP_ID: 'example.com', RAMPART_WEBAUTHN_ORIGINS: 'https://evil.test' }],
      ['RAMPART_WEBAUTHN_ORIGINS', { RAMPART_WEBAUTHN_RP_ID: 'example.com', RAMPART_WEBAUTHN_ORIGINS: 'https://notexample.com' }],
      ['RAMPART_WEBAUTHN_ORIGINS', { RAMPART_WEBAUTHN_RP_ID: 'example.com', RAMPART_WEBAUTHN_ORIGINS: 'https://example.com/login' }],
      ['RAMPART_WEBAUTHN_RP_ID', { RAMPART_WEBAUTHN_RP_ID: 'https://example.com' }],
      ['RAMPART_WEBAUTHN_RP_NAME', { RAMPART_WEBAUTHN_RP_NAME: 'bad\u001bname' }],
    ];
    for (const [variable, env] of refused) {
      expect(() => loadConfig({ env: { RAMPART_PUBLIC_URL: 'https://example.com', ...env } }), JSON.stringify(env)).toThrow(variable);
    }
  });
});
