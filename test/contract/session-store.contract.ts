/**
 * The SessionStore contract (src/identity/sessions/ports/session-store.ts), run on every adapter: rotation is
 * atomic (exactly one of N concurrent rotations wins, on any number of instances), a token is
 * spent only while unspent, unexpired and its session live, and revocation is idempotent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/identity/sessions/ports/session-store.js';
import type { UserStore } from '../../src/identity/accounts/ports/user-store.js';

export interface SessionStoreSubject {
  /** Several handles on one store (instances); the first is used for setup. */
  readonly stores: readonly SessionStore[];
  readonly users: UserStore;
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');

export function sessionStoreContract(name: string, make: () => Promise<SessionStoreSubject>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let subject: SessionStoreSubject;
    let store: SessionStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.stores[0]!;
      await subject.users.create({ id: 'usr_1', email: 'one@example.test', name: null, passwordHash: null, now: NOW });
      await store.create({
        id: 'ses_1',
        userId: 'usr_1',
        deviceName: 'laptop',
        ip: '192.0.2.1',
        userAgent: 'ua',
        now: NOW,
        expiresAt: NOW + DAY,
        refreshTokenHash: hash(1),
      });
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    it('rotates: spends the old token, stores the successor, slides the session', async () => {
      const result = await store.rotateRefreshToken(hash(1), hash(2), NOW + 10, NOW + 2 * DAY);
      expect(result).toMatchObject({ outcome: 'rotated', session: { id: 'ses_1', lastSeenAt: NOW + 10, expiresAt: NOW + 2 * DAY } });
      expect(await store.findRefreshToken(hash(1))).toMatchObject({ spentAt: NOW + 10, successorHash: hash(2) });
      expect(await store.findRefreshToken(hash(2))).toMatchObject({ sessionId: 'ses_1', spentAt: null, expiresAt: NOW + 2 * DAY });
      expect(await store.rotateRefreshToken(hash(1), hash(3), NOW + 20, NOW + 2 * DAY)).toMatchObject({
        outcome: 'spent',
        token: { tokenHash: hash(1), sessionId: 'ses_1', successorHash: hash(2) },
      });
    });

    it('of N concurrent rotations of one token, on several instances, exactly one wins', async () => {
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          subject.stores[i % subject.stores.length]!.rotateRefreshToken(hash(1), hash(100 + i), NOW + 1, NOW + DAY),
        ),
      );
      expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'spent')).toHaveLength(11);
      const winner = results.findIndex((r) => r.outcome === 'rotated');
      expect((await store.findRefreshToken(hash(1)))?.successorHash).toBe(hash(100 + winner));
      for (let i = 0; i < 12; i++) {
        expect(await store.findRefreshToken(hash(100 + i)), `successor ${i}`).toEqual(
          i === winner ? expect.objectContaining({ spentAt: null }) : undefined,
        );
      }
    });

    it('refuses an unknown, an expired token, and a token of a revoked or expired session', async () => {
      expect(await store.rotateRefreshToken(hash(9), hash(10), NOW, NOW + DAY)).toEqual({ outcome: 'unknown' });
      expect(await store.rotateRefreshToken(hash(1), hash(10), NOW + DAY, NOW + 2 * DAY)).toEqual({ outcome: 'expired' });
      expect(await store.revoke('ses_1', NOW + 5, 'logout')).toBe(true);
      expect(await store.rotateRefreshToken(hash(1), hash(10), NOW + 6, NOW + DAY)).toEqual({
        outcome: 'session_ended',
        sessionId: 'ses_1',
      });
      expect(await store.findRefreshToken(hash(1))).toMatchObject({ spentAt: null });
      expect(await store.findRefreshToken(hash(10))).toBeUndefined();
    });

    it('revokes once: the first call wins and its time is kept; revokedSince finds it', async () => {
      expect(await store.revoke('ses_1', NOW + 5, 'logout')).toBe(true);
      expect(await store.revoke('ses_1', NOW + 9, 'admin')).toBe(false);
      expect(await store.find('ses_1')).toMatchObject({ revokedAt: NOW + 5, revokeReason: 'logout' });
      expect(await store.revokedSince(NOW + 5)).toEqual([{ sessionId: 'ses_1', revokedAt: NOW + 5 }]);
      expect(await store.revokedSince(NOW + 6)).toEqual([]);
      expect(await store.revoke('ses_unknown', NOW, 'logout')).toBe(false);
    });

    it('revokes every live session of a user, once', async () => {
      await store.create({
        id: 'ses_2',
        userId: 'usr_1',
        deviceName: null,
        ip: null,
        userAgent: null,
        now: NOW,
        expiresAt: NOW + DAY,
        refreshTokenHash: hash(2),
      });
      expect([...(await store.revokeAllOfUser('usr_1', NOW + 1, 'user_disabled'))].sort()).toEqual(['ses_1', 'ses_2']);
      expect(await store.revokeAllOfUser('usr_1', NOW + 2, 'user_disabled')).toEqual([]);
      expect(await store.find('ses_2')).toMatchObject({ revokedAt: NOW + 1, revokeReason: 'user_disabled' });
    });

    it('hardening 10: a session is authenticated at its creation; markAuthenticated moves it for a live session of that user only', async () => {
      expect(await store.find('ses_1')).toMatchObject({ authenticatedAt: NOW });
      // Rotation proves nothing: it keeps the time.
      await store.rotateRefreshToken(hash(1), hash(2), NOW + 10, NOW + DAY);
      expect(await store.find('ses_1')).toMatchObject({ authenticatedAt: NOW });
      expect(await store.markAuthenticated('ses_1', 'usr_2', NOW + 20)).toBe(false);
      expect(await store.markAuthenticated('ses_unknown', 'usr_1', NOW + 20)).toBe(false);
      expect(await store.find('ses_1')).toMatchObject({ authenticatedAt: NOW });
      expect(await store.markAuthenticated('ses_1', 'usr_1', NOW + 20)).toBe(true);
      expect(await store.find('ses_1')).toMatchObject({ authenticatedAt: NOW + 20 });
      // Expired at `now`, or revoked: nothing changes.
      expect(await store.markAuthenticated('ses_1', 'usr_1', NOW + DAY)).toBe(false);
      await store.revoke('ses_1', NOW + 30, 'logout');
      expect(await store.markAuthenticated('ses_1', 'usr_1', NOW + 40)).toBe(false);
      expect(await store.find('ses_1')).toMatchObject({ authenticatedAt: NOW + 20 });
    });

    describe('browser sessions and DPoP binding (migration 0008)', () => {
      beforeEach(async () => {
        await store.create({
          id: 'ses_c',
          userId: 'usr_1',
          deviceName: null,
          ip: null,
          userAgent: null,
          now: NOW,
          expiresAt: NOW + DAY,
          refreshTokenHash: null,
          cookieSecretHash: hash(50),
        });
      });

      it('a cookie session stores the secret hash and no refresh token; a token session its DPoP thumbprint', async () => {
        expect(await store.find('ses_c')).toMatchObject({ cookieSecretHash: hash(50), dpopJkt: null });
        expect(await store.find('ses_1')).toMatchObject({ cookieSecretHash: null, dpopJkt: null });
        await store.create({
          id: 'ses_d',
          userId: 'usr_1',
          deviceName: null,
          ip: null,
          userAgent: null,
          now: NOW,
          expiresAt: NOW + DAY,
          refreshTokenHash: hash(60),
          dpopJkt: 'thumb',
        });
        expect(await store.findByRefreshToken(hash(60))).toMatchObject({ id: 'ses_d', dpopJkt: 'thumb' });
        expect(await store.findByRefreshToken(hash(61))).toBeUndefined();
      });

      it('touch moves last_seen_at only while the session is live and not idle since idleSince', async () => {
        expect(await store.touch('ses_c', NOW + 10, NOW)).toBe(true);
        expect(await store.find('ses_c')).toMatchObject({ lastSeenAt: NOW + 10 });
        expect(await store.touch('ses_c', NOW + 100, NOW + 11)).toBe(false);
        expect(await store.find('ses_c')).toMatchObject({ lastSeenAt: NOW + 10 });
        expect(await store.touch('ses_c', NOW + DAY, NOW)).toBe(false);
        await store.revoke('ses_c', NOW + 20, 'logout');
        expect(await store.touch('ses_c', NOW + 30, NOW)).toBe(false);
      });

      it('replaceCookieSession: one winner; the new row keeps user, creation and expiry; the old is revoked', async () => {
        const results = await Promise.all(
          subject.stores.flatMap((s, i) => [
            s.replaceCookieSession('ses_c', { id: `ses_n${i}a`, cookieSecretHash: hash(70 + i) }, NOW + 5, 'privilege_change'),
            s.replaceCookieSession('ses_c', { id: `ses_n${i}b`, cookieSecretHash: hash(80 + i) }, NOW + 5, 'privilege_change'),
          ]),
        );
        const winners = results.filter((r) => r !== undefined);
        expect(winners).toHaveLength(1);
        expect(winners[0]).toMatchObject({ userId: 'usr_1', createdAt: NOW, expiresAt: NOW + DAY, lastSeenAt: NOW + 5, revokedAt: null });
        expect(await store.find('ses_c')).toMatchObject({ revokedAt: NOW + 5, revokeReason: 'privilege_change' });
        // A token session is not a cookie session: never replaced.
        expect(
          await store.replaceCookieSession('ses_1', { id: 'ses_x', cookieSecretHash: hash(90) }, NOW + 5, 'privilege_change'),
        ).toBeUndefined();
        expect(await store.find('ses_x')).toBeUndefined();
      });

      it('hardening 10: a replaced cookie session keeps when its user last authenticated (step-up)', async () => {
        expect(await store.markAuthenticated('ses_c', 'usr_1', NOW + 3)).toBe(true);
        const next = await store.replaceCookieSession('ses_c', { id: 'ses_r', cookieSecretHash: hash(95) }, NOW + 5, 'privilege_change');
        expect(next).toMatchObject({ id: 'ses_r', authenticatedAt: NOW + 3 });
        expect(await store.find('ses_r')).toMatchObject({ authenticatedAt: NOW + 3 });
      });

      it('revokeCookieSessionsOfUser revokes browser sessions only', async () => {
        expect(await store.revokeCookieSessionsOfUser('usr_1', NOW + 1, 'privilege_change')).toEqual(['ses_c']);
        expect(await store.find('ses_1')).toMatchObject({ revokedAt: null });
        expect(await store.revokeCookieSessionsOfUser('usr_1', NOW + 2, 'privilege_change')).toEqual([]);
      });
    });
  });
}
