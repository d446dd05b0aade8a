/**
 * Device tokens (issue 13, item 7; OWASP "device cookies"): only a token this server issued, for
 * this account, within its lifetime, counts; a forged, altered, foreign or expired one does not.
 */
import { describe, expect, it } from 'vitest';
import { DEVICE_TOKEN_MAX_AGE_MS, DeviceTokens } from '../../../src/identity/accounts/crypto/device-token.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const key = (byte: number) => secret(Buffer.alloc(32, byte));
const USER = 'usr_0123456789abcdef0123456789abcdef';
const NOW = 1_800_000_000_000;

describe('DeviceTokens', () => {
  it('hardening 7: verifies its own token for the account it names, with a fresh nonce each time', () => {
    const tokens = new DeviceTokens(key(1));
    const token = tokens.issue(USER, NOW).reveal();
    const claims = tokens.verify(token, USER, NOW + 1000);
    expect(claims?.issuedAt).toBe(NOW);
    expect(claims?.deviceId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokens.issue(USER, NOW).reveal()).not.toBe(token);
  });

  it('hardening 7: refuses a token of another account, another key, an altered one and an expired one', () => {
    const tokens = new DeviceTokens(key(1));
    const token = tokens.issue(USER, NOW).reveal();
    expect(tokens.verify(token, 'usr_ffffffffffffffffffffffffffffffff', NOW)).toBeUndefined();
    expect(new DeviceTokens(key(2)).verify(token, USER, NOW)).toBeUndefined();
    const other = tokens.issue('usr_ffffffffffffffffffffffffffffffff', NOW).reveal();
    // The MAC of one account's token on another's body.
    const spliced = `${token.slice(0, token.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`;
    expect(tokens.verify(spliced, USER, NOW)).toBeUndefined();
    const renamed = token.replace(USER, 'usr_ffffffffffffffffffffffffffffffff');
    expect(tokens.verify(renamed, 'usr_ffffffffffffffffffffffffffffffff', NOW)).toBeUndefined();
    expect(tokens.verify(token, USER, NOW + DEVICE_TOKEN_MAX_AGE_MS + 1)).toBeUndefined();
    expect(tokens.verify(token, USER, NOW - 1)).toBeUndefined();
    expect(tokens.verify('rdt1.garbage', USER, NOW)).toBeUndefined();
  });
});
