/**
 * Issue 18, items 2 and 3: the signed strings of security events. A new-device link names one
 * alert and one action under the `security-events` key: a link whose action, alert or MAC was
 * changed does not open; a cursor opens only for the user it was handed to.
 */
import { describe, expect, it } from 'vitest';
import { SecurityTokens } from '../../../src/identity/security/crypto/security-tokens.js';
import { deviceSummary, placeOf } from '../../../src/identity/security/domain/device-summary.js';
import { secret } from '../../../src/kernel/domain/secret.js';

const tokens = new SecurityTokens(secret(Buffer.alloc(32, 7)));
const other = new SecurityTokens(secret(Buffer.alloc(32, 8)));
const EVENT = `sev_${'ab'.repeat(16)}`;

describe('security-event tokens', () => {
  it('passkeys 2: a link opens as signed, and not with its action, alert or MAC changed, nor under another key', () => {
    const link = tokens.link(EVENT, 'confirm');
    expect(tokens.openLink(link)).toEqual({ eventId: EVENT, action: 'confirm' });
    expect(tokens.openLink(link.replace('.confirm.', '.revoke.'))).toBeUndefined();
    expect(tokens.openLink(link.replace(EVENT, `sev_${'cd'.repeat(16)}`))).toBeUndefined();
    expect(tokens.openLink(link.slice(0, -1) + (link.endsWith('A') ? 'B' : 'A'))).toBeUndefined();
    expect(other.openLink(link)).toBeUndefined();
    expect(tokens.openLink('')).toBeUndefined();
  });

  it('passkeys 3: a cursor opens for its owner only, and not when altered', () => {
    const cursor = tokens.cursor('usr_a', { createdAt: 1_700_000_000_000, id: EVENT });
    expect(tokens.openCursor('usr_a', cursor)).toEqual({ createdAt: 1_700_000_000_000, id: EVENT });
    expect(tokens.openCursor('usr_b', cursor)).toBeUndefined();
    expect(tokens.openCursor('usr_a', `x${cursor}`)).toBeUndefined();
    expect(tokens.openCursor('usr_a', 'not-a-cursor')).toBeUndefined();
  });

  it('passkeys 2: the device and place shown are a user-agent summary and the address', () => {
    expect(deviceSummary('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toBe('Firefox on Linux');
    expect(deviceSummary(undefined)).toBe('an unknown device');
    expect(placeOf('203.0.113.9')).toBe('203.0.113.9');
  });
});
