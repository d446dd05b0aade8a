import { describe, expect, it } from 'vitest';
import { MIN_REVOCATION_RETAIN_MS, RevocationSet } from '../../../src/identity/sessions/domain/revocation-set.js';

const T0 = Date.UTC(2026, 0, 1);
const RETAIN = 20 * 60_000;

describe('RevocationSet', () => {
  it('answers whether a session is revoked', () => {
    const set = new RevocationSet();
    expect(set.isRevoked('ses_1')).toBe(false);
    set.revoke('ses_1', T0);
    expect(set.isRevoked('ses_1')).toBe(true);
    expect(set.isRevoked('ses_2')).toBe(false);
    expect(set.size).toBe(1);
  });

  it('is seeded from a list (the store, at start)', () => {
    const set = new RevocationSet(
      [
        { sessionId: 'ses_1', revokedAt: T0 },
        { sessionId: 'ses_2', revokedAt: T0 + 1 },
      ],
      { retainMs: RETAIN },
    );
    expect(set.isRevoked('ses_1')).toBe(true);
    expect(set.isRevoked('ses_2')).toBe(true);
  });

  it('keeps a revoked id until every token of its session has expired, then forgets it', () => {
    const set = new RevocationSet([], { retainMs: RETAIN });
    set.revoke('ses_1', T0);
    set.revoke('ses_2', T0 + 60_000);
    expect(set.purgeExpired(T0 + RETAIN - 1)).toBe(0);
    expect(set.isRevoked('ses_1')).toBe(true);
    expect(set.purgeExpired(T0 + RETAIN)).toBe(1);
    expect(set.isRevoked('ses_1')).toBe(false);
    expect(set.isRevoked('ses_2')).toBe(true);
  });

  it('is idempotent and keeps the later time when a revocation arrives twice or out of order', () => {
    const set = new RevocationSet([], { retainMs: RETAIN });
    set.revoke('ses_1', T0 + 60_000);
    set.revoke('ses_1', T0); // a late, older duplicate must not shorten the retention
    set.revoke('ses_1', T0 + 60_000);
    expect(set.size).toBe(1);
    expect(set.purgeExpired(T0 + RETAIN)).toBe(0);
    expect(set.purgeExpired(T0 + RETAIN + 60_000)).toBe(1);
  });

  it('by default keeps an id longer than the longest token lifetime plus tolerance', () => {
    const set = new RevocationSet();
    set.revoke('ses_1', T0);
    expect(MIN_REVOCATION_RETAIN_MS).toBe(905_000);
    expect(set.purgeExpired(T0 + MIN_REVOCATION_RETAIN_MS)).toBe(0);
    expect(set.isRevoked('ses_1')).toBe(true);
  });

  it('refuses a retention shorter than a token lifetime, and malformed entries', () => {
    expect(() => new RevocationSet([], { retainMs: MIN_REVOCATION_RETAIN_MS - 1 })).toThrow(RangeError);
    expect(() => new RevocationSet([], { retainMs: Number.NaN })).toThrow(RangeError);
    const set = new RevocationSet();
    expect(() => set.revoke('', T0)).toThrow(TypeError);
    expect(() => set.revoke('ses_1', Number.NaN)).toThrow(TypeError);
  });
});
