/**
 * The {@link IdempotencyStore} contract: what every adapter (memory, SQL on SQLite and PostgreSQL)
 * must do, as one suite that takes a factory. The port's TSDoc states the guarantees; each case
 * here checks one of them. Time is passed in (`now`), so no case sleeps.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IdempotencyBegin, IdempotencyClaim, IdempotencyStore, StoredResponse } from '../../src/kernel/ports/idempotency-store.js';

/**
 * A fresh, empty store, seen through two instances that share it. One per suite: cases keep apart
 * by using keys of their own, and the purge case by a time range no other case reaches.
 */
export interface IdempotencyStoreFixture {
  /** Two handles on the same records: two "instances" (the memory adapter: the same object twice). */
  readonly stores: readonly [IdempotencyStore, IdempotencyStore];
  cleanup(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60 * 1000;
const LOCK = 60_000;

function claim(scope: string, key: string, now: number, fingerprint = randomBytes(32).toString('hex')): IdempotencyClaim {
  return { scope, key, fingerprint, now, expiresAt: now + DAY, lockedUntil: now + LOCK };
}

function response(text: string, status = 201): StoredResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', location: `/things/${text}` },
    body: Buffer.from(JSON.stringify({ id: text })).toString('base64'),
  };
}

function fresh(label: string): string {
  return `${label}-${randomBytes(6).toString('hex')}`;
}

export function idempotencyStoreContract(name: string, create: () => Promise<IdempotencyStoreFixture>): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let fixture: IdempotencyStoreFixture;
    let store: IdempotencyStore;
    let other: IdempotencyStore;

    beforeAll(async () => {
      fixture = await create();
      [store, other] = fixture.stores;
    });

    afterAll(async () => {
      await fixture?.cleanup();
    });

    it('the first begin claims the key', async () => {
      expect(await store.begin(claim('ip:192.0.2.1', fresh('k'), T0))).toEqual({ state: 'claimed' });
    });

    it('a second begin, on any instance, sees the claim in progress with the first fingerprint', async () => {
      const key = fresh('k');
      const first = claim('ip:192.0.2.1', key, T0);
      await store.begin(first);
      expect(await store.begin(claim('ip:192.0.2.1', key, T0 + 1))).toEqual({ state: 'in_progress', fingerprint: first.fingerprint });
      expect(await other.begin(claim('ip:192.0.2.1', key, T0 + 2))).toEqual({ state: 'in_progress', fingerprint: first.fingerprint });
    });

    it('after complete, begin sees the stored response, exactly, on any instance', async () => {
      const key = fresh('k');
      const first = claim('user:usr_1', key, T0);
      // Every byte value, so that the base64 round trip of a binary body is checked.
      const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      const stored: StoredResponse = {
        status: 409,
        headers: { 'content-type': 'application/problem+json; charset=utf-8', location: '/a?b=c&d="e"' },
        body: bytes.toString('base64'),
      };
      await store.begin(first);
      await store.complete(first, stored);
      for (const instance of [store, other]) {
        const found = await instance.begin(claim('user:usr_1', key, T0 + 1000));
        expect(found).toEqual({ state: 'completed', fingerprint: first.fingerprint, response: stored });
        if (found.state !== 'completed') throw new Error('not completed');
        expect(Buffer.from(found.response.body, 'base64').equals(bytes)).toBe(true);
      }
    });

    it('stores an empty body and no headers as they are', async () => {
      const key = fresh('k');
      const first = claim('user:usr_1', key, T0);
      await store.begin(first);
      await store.complete(first, { status: 204, headers: {}, body: '' });
      expect(await other.begin(claim('user:usr_1', key, T0 + 1))).toEqual({
        state: 'completed',
        fingerprint: first.fingerprint,
        response: { status: 204, headers: {}, body: '' },
      });
    });

    it('release forgets the claim: the next begin claims anew', async () => {
      const key = fresh('k');
      const first = claim('ip:192.0.2.1', key, T0);
      await store.begin(first);
      await other.release(first);
      const retry = claim('ip:192.0.2.1', key, T0 + 1);
      expect(await store.begin(retry)).toEqual({ state: 'claimed' });
      expect(await other.begin(claim('ip:192.0.2.1', key, T0 + 2))).toEqual({ state: 'in_progress', fingerprint: retry.fingerprint });
    });

    it('a record expired at now (now >= expiresAt) counts as absent, and not a millisecond before', async () => {
      const key = fresh('k');
      const first = claim('ip:192.0.2.1', key, T0);
      await store.begin(first);
      await store.complete(first, response('a'));
      expect((await store.begin(claim('ip:192.0.2.1', key, first.expiresAt - 1))).state).toBe('completed');
      expect(await other.begin(claim('ip:192.0.2.1', key, first.expiresAt))).toEqual({ state: 'claimed' });
    });

    it('an in-progress claim whose lock has lapsed (now >= lockedUntil) counts as absent', async () => {
      const key = fresh('k');
      const crashed = claim('ip:192.0.2.1', key, T0);
      await store.begin(crashed);
      expect((await store.begin(claim('ip:192.0.2.1', key, crashed.lockedUntil - 1))).state).toBe('in_progress');
      expect(await other.begin(claim('ip:192.0.2.1', key, crashed.lockedUntil))).toEqual({ state: 'claimed' });
    });

    it('a completed record is kept after its lock time: only its expiry ends it', async () => {
      const key = fresh('k');
      const first = claim('ip:192.0.2.1', key, T0);
      await store.begin(first);
      await store.complete(first, response('a'));
      expect((await store.begin(claim('ip:192.0.2.1', key, first.lockedUntil + LOCK))).state).toBe('completed');
    });

    it('complete and release leave a completed record as it is', async () => {
      const key = fresh('k');
      const first = claim('ip:192.0.2.1', key, T0);
      await store.begin(first);
      await store.complete(first, response('first'));
      await other.complete(first, response('second', 200));
      await other.release(first);
      expect(await store.begin(claim('ip:192.0.2.1', key, T0 + 1))).toEqual({
        state: 'completed',
        fingerprint: first.fingerprint,
        response: response('first'),
      });
    });

    it('complete and release without a claim change nothing', async () => {
      const key = fresh('k');
      const never = claim('ip:192.0.2.1', key, T0);
      await store.complete(never, response('ghost'));
      await store.release(never);
      expect(await other.begin(claim('ip:192.0.2.1', key, T0 + 1))).toEqual({ state: 'claimed' });
    });

    // A holder stalls past its lock, another instance takes the key over and runs; the stalled
    // holder then finishes. It must neither store its answer over the new claim (the new holder's
    // answer would be lost and replays would return the stale one) nor release it (a third
    // request would then run while the second still does).
    it('a holder whose lock lapsed can neither complete nor release the claim that took over', async () => {
      const key = fresh('k');
      const stalled = claim('ip:192.0.2.1', key, T0);
      await store.begin(stalled);
      const successor = claim('ip:192.0.2.1', key, stalled.lockedUntil);
      expect(await other.begin(successor)).toEqual({ state: 'claimed' });

      await store.complete(stalled, response('stale'));
      await store.release(stalled);
      expect(await store.begin(claim('ip:192.0.2.1', key, successor.now + 1))).toEqual({
        state: 'in_progress',
        fingerprint: successor.fingerprint,
      });

      await other.complete(successor, response('fresh'));
      expect(await store.begin(claim('ip:192.0.2.1', key, successor.now + 2))).toEqual({
        state: 'completed',
        fingerprint: successor.fingerprint,
        response: response('fresh'),
      });
    });

    it('purgeExpired deletes the expired records, completed or not, and only them', async () => {
      // A month before every other case: at the purge time below, only this case's "old" rows
      // have expired, so the count is exact although the store is shared.
      const scope = 'ip:192.0.2.1';
      const base = T0 - 30 * DAY;
      const old = claim(scope, fresh('old'), base);
      const oldPending = claim(scope, fresh('old-pending'), base);
      const live = claim(scope, fresh('live'), base + 10);
      const livePending = claim(scope, fresh('live-pending'), base + 10);
      for (const c of [old, oldPending, live, livePending]) await store.begin(c);
      await store.complete(old, response('old'));
      await store.complete(live, response('live'));

      expect(await other.purgeExpired(old.expiresAt + 5)).toBe(2);
      expect(await store.purgeExpired(old.expiresAt + 5)).toBe(0);
      // Seen before their own expiry, and before the pending lock lapsed: both still there.
      expect(await store.begin(claim(scope, live.key, base + 20))).toMatchObject({ state: 'completed', fingerprint: live.fingerprint });
      expect(await store.begin(claim(scope, livePending.key, base + 20))).toEqual({
        state: 'in_progress',
        fingerprint: livePending.fingerprint,
      });
      // The purged ones are gone even for a caller whose clock is behind their expiry.
      expect(await store.begin(claim(scope, old.key, base + 20))).toEqual({ state: 'claimed' });
      expect(await store.begin(claim(scope, oldPending.key, base + 20))).toEqual({ state: 'claimed' });
    });

    it('keys of different scopes never meet', async () => {
      const key = fresh('shared');
      const alice = claim('user:usr_alice', key, T0);
      const mallory = claim('user:usr_mallory', key, T0);
      expect(await store.begin(alice)).toEqual({ state: 'claimed' });
      expect(await other.begin(mallory)).toEqual({ state: 'claimed' });
      await store.complete(alice, response('alice'));
      expect(await other.begin(claim('user:usr_mallory', key, T0 + 1))).toEqual({ state: 'in_progress', fingerprint: mallory.fingerprint });
      await other.release(mallory);
      expect(await other.begin(claim('user:usr_alice', key, T0 + 1))).toEqual({
        state: 'completed',
        fingerprint: alice.fingerprint,
        response: response('alice'),
      });
      // Scopes are compared whole: one that is a prefix of another is a different caller.
      expect(await store.begin(claim('user:usr_', key, T0 + 1))).toEqual({ state: 'claimed' });
    });

    async function race(key: string, now: number): Promise<{ claimed: number; seen: IdempotencyBegin[]; claims: IdempotencyClaim[] }> {
      const claims = Array.from({ length: 50 }, () => claim('ip:192.0.2.9', key, now));
      const seen = await Promise.all(claims.map((c, i) => (i % 2 === 0 ? store : other).begin(c)));
      return { claimed: seen.filter((s) => s.state === 'claimed').length, seen, claims };
    }

    it('of 50 concurrent begins of one (scope, key) on two instances, exactly one claims', async () => {
      const { claimed, seen, claims } = await race(fresh('race'), T0);
      expect(claimed).toBe(1);
      const winner = claims[seen.findIndex((s) => s.state === 'claimed')] as IdempotencyClaim;
      for (const s of seen) if (s.state !== 'claimed') expect(s).toEqual({ state: 'in_progress', fingerprint: winner.fingerprint });
    });

    it('of 50 concurrent begins over an expired record, exactly one claims', async () => {
      const key = fresh('race-expired');
      const first = claim('ip:192.0.2.9', key, T0);
      await store.begin(first);
      await store.complete(first, response('old'));
      const { claimed, seen } = await race(key, first.expiresAt);
      expect(claimed).toBe(1);
      expect(seen.filter((s) => s.state === 'in_progress')).toHaveLength(49);
    });
  });
}
