/**
 * The ApiKeyStore contract (src/credentials/ports/api-key-store.ts), run on every adapter and
 * backend, with several handles acting as several instances: a key is found by its hash (revoked
 * and expired keys included, with its owner's status) or by its display prefix; every owned call
 * stays within its owner; a rotation is atomic and happens once however many instances race; a
 * revocation is written once; `last_used_at` moves only past the interval the caller names.
 *
 * The port takes no TenantScope: a key belongs to a user and may span no org, so the confinement
 * checked here is the owner's. An org-confined key keeps its org as data, for the authorizer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKey } from '../../src/credentials/domain/api-key.js';
import type { ApiKeyStore, NewApiKey } from '../../src/credentials/ports/api-key-store.js';
import type { UserStore } from '../../src/identity/accounts/ports/user-store.js';

export interface ApiKeyStoreSubject {
  /** Several handles on one store (instances); the first is used for setup. */
  readonly stores: readonly ApiKeyStore[];
  /** The accounts that own keys (a key's owner must exist). */
  readonly users: UserStore;
  /** Creates the org `id`, owned by the existing user `ownerId` (a confined key's org must exist). */
  createOrg(id: string, slug: string, ownerId: string): Promise<void>;
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const MINUTE = 60_000;
const hash = (n: number): string => n.toString(16).padStart(64, '0');
const prefix = (n: number): string => `rk_${n.toString(16).padStart(8, '0')}`;

/** A key of `ownerId` whose hash and prefix derive from `n`. */
function newKey(id: string, ownerId: string, n: number, fields: Partial<NewApiKey> = {}): NewApiKey {
  return {
    id,
    ownerId,
    orgId: null,
    name: `key ${id}`,
    prefix: prefix(n),
    keyHash: hash(n),
    scopes: ['users.read'],
    now: NOW,
    expiresAt: null,
    ...fields,
  };
}

/** The key as the store must answer it right after `create`. */
function stored(key: NewApiKey): ApiKey {
  return {
    id: key.id,
    ownerId: key.ownerId,
    orgId: key.orgId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.now,
    expiresAt: key.expiresAt,
    lastUsedAt: null,
    revokedAt: null,
    replacedBy: null,
  };
}

export function apiKeyStoreContract(name: string, make: () => Promise<ApiKeyStoreSubject>): void {
  describe(`ApiKeyStore contract: ${name}`, () => {
    let subject: ApiKeyStoreSubject;
    let store: ApiKeyStore;
    /** usr_a's platform key. */
    const platformKey = newKey('key_a1', 'usr_a', 1);
    /** usr_a's key confined to org_a. */
    const confinedKey = newKey('key_a2', 'usr_a', 2, { orgId: 'org_a', scopes: ['members.read', 'secrets.read'] });
    /** usr_b's key. */
    const otherKey = newKey('key_b1', 'usr_b', 3);

    beforeEach(async () => {
      subject = await make();
      store = subject.stores[0]!;
      for (const id of ['usr_a', 'usr_b']) {
        await subject.users.create({ id, email: `${id}@example.test`, name: null, passwordHash: null, now: NOW });
      }
      await subject.createOrg('org_a', 'alpha', 'usr_a');
      for (const key of [platformKey, confinedKey, otherKey]) await store.create(key);
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    /**
     * Opens a connection per caller on every instance before a race: a pool that must connect
     * first (tens of ms each on PostgreSQL) would start the callers one after another, and
     * nothing would race.
     */
    async function warm(callers = 12): Promise<void> {
      await Promise.all(Array.from({ length: callers }, (_, i) => subject.stores[i % subject.stores.length]!.findByHash(hash(0))));
    }

    /** Every key row, as each owner sees it: the whole stored state, for "changes nothing". */
    async function everything(): Promise<readonly ApiKey[]> {
      return [...(await store.listOwned('usr_a', undefined, 1000)), ...(await store.listOwned('usr_b', undefined, 1000))];
    }

    describe('lookups', () => {
      it('findByHash finds exactly the key of that hash, with its org and its owner status', async () => {
        expect(await store.findByHash(hash(1))).toEqual({ key: stored(platformKey), ownerStatus: 'active' });
        expect(await store.findByHash(hash(2))).toEqual({ key: stored(confinedKey), ownerStatus: 'active' });
        expect(await subject.stores.at(-1)!.findByHash(hash(3))).toEqual({ key: stored(otherKey), ownerStatus: 'active' });
        expect(await store.findByHash(hash(4))).toBeUndefined();
        // The whole hash is the lookup: a prefix of it, or the display prefix, finds nothing.
        expect(await store.findByHash(hash(1).slice(0, 32))).toBeUndefined();
        expect(await store.findByHash(prefix(1))).toBeUndefined();
      });

      it("findByHash reports the owner's current status (the caller refuses a disabled owner's key)", async () => {
        expect(await subject.users.setStatus('usr_a', 'disabled', NOW + 1)).toBe(true);
        expect(await store.findByHash(hash(1))).toEqual({ key: stored(platformKey), ownerStatus: 'disabled' });
        expect((await store.findByHash(hash(3)))?.ownerStatus).toBe('active');
      });

      it('findByHash still finds revoked, expired and rotated keys, each as it is (the caller decides)', async () => {
        await store.create(newKey('key_a3', 'usr_a', 4, { expiresAt: NOW + 10 }));
        expect(await store.revoke('usr_a', 'key_a1', NOW + 5)).toBe(true);
        expect(await store.rotate('usr_a', 'key_a2', newKey('key_a4', 'usr_a', 5, { now: NOW + 5 }), NOW + 5 + HOUR)).toBe(true);
        expect((await store.findByHash(hash(1)))?.key).toMatchObject({ id: 'key_a1', revokedAt: NOW + 5 });
        expect((await store.findByHash(hash(4)))?.key).toMatchObject({ id: 'key_a3', expiresAt: NOW + 10, revokedAt: null });
        expect((await store.findByHash(hash(2)))?.key).toMatchObject({ id: 'key_a2', replacedBy: 'key_a4', expiresAt: NOW + 5 + HOUR });
      });

      it('findByPrefix finds a key of any owner by its exact display prefix, revoked ones included, and nothing else', async () => {
        expect(await store.findByPrefix(prefix(1))).toEqual(stored(platformKey));
        expect(await store.findByPrefix(prefix(3))).toEqual(stored(otherKey));
        expect(await store.findByPrefix(prefix(9))).toBeUndefined();
        // Exact: neither a shorter nor a longer string matches, nor the key's hash.
        expect(await store.findByPrefix(prefix(1).slice(0, -1))).toBeUndefined();
        expect(await store.findByPrefix(`${prefix(1)}0`)).toBeUndefined();
        expect(await store.findByPrefix(hash(1))).toBeUndefined();
        expect(await store.revoke('usr_b', 'key_b1', NOW + 1)).toBe(true);
        expect(await store.findByPrefix(prefix(3))).toMatchObject({ id: 'key_b1', revokedAt: NOW + 1 });
      });

      it('findByPrefix answers the first key in id order when display prefixes collide', async () => {
        // Another owner's key with usr_a's prefix: the prefix is for attribution, not a secret.
        await store.create(newKey('key_0', 'usr_b', 10, { prefix: prefix(1) }));
        await store.create(newKey('key_z', 'usr_a', 11, { prefix: prefix(1) }));
        expect(await store.findByPrefix(prefix(1))).toMatchObject({ id: 'key_0', ownerId: 'usr_b' });
      });

      it("findOwned answers the owner's key only: another user's key is not found", async () => {
        expect(await store.findOwned('usr_a', 'key_a2')).toEqual(stored(confinedKey));
        expect(await store.findOwned('usr_b', 'key_a2')).toBeUndefined();
        expect(await store.findOwned('usr_a', 'key_b1')).toBeUndefined();
        expect(await store.findOwned('usr_a', 'key_nope')).toBeUndefined();
      });

      it("listOwned pages through the owner's keys in id order, never another user's", async () => {
        for (const i of [3, 4, 5]) await store.create(newKey(`key_a${i}`, 'usr_a', 10 + i));
        await store.create(newKey('key_a35', 'usr_b', 20));
        expect(await store.revoke('usr_a', 'key_a4', NOW + 1)).toBe(true);
        const ids = async (after: string | undefined, limit: number) => (await store.listOwned('usr_a', after, limit)).map((k) => k.id);
        expect(await ids(undefined, 2)).toEqual(['key_a1', 'key_a2']);
        expect(await ids('key_a2', 2)).toEqual(['key_a3', 'key_a4']);
        expect(await ids('key_a4', 10)).toEqual(['key_a5']);
        expect(await ids('key_a5', 10)).toEqual([]);
        expect(await ids(undefined, 100)).toEqual(['key_a1', 'key_a2', 'key_a3', 'key_a4', 'key_a5']);
        expect((await store.listOwned('usr_a', undefined, 100))[1]).toEqual(stored(confinedKey));
        expect((await store.listOwned('usr_b', undefined, 100)).map((k) => k.id)).toEqual(['key_a35', 'key_b1']);
        expect(await store.listOwned('usr_nobody', undefined, 100)).toEqual([]);
      });
    });

    describe('rotate', () => {
      it('replaces a live key: the successor is stored, the old key stops at the end of the grace and names it', async () => {
        const successor = newKey('key_a9', 'usr_a', 9, { now: NOW + 10, orgId: 'org_a', scopes: confinedKey.scopes });
        expect(await store.rotate('usr_a', 'key_a2', successor, NOW + 10 + HOUR)).toBe(true);
        expect(await store.findOwned('usr_a', 'key_a2')).toEqual({
          ...stored(confinedKey),
          expiresAt: NOW + 10 + HOUR,
          revokedAt: null,
          replacedBy: 'key_a9',
        });
        expect(await store.findByHash(hash(9))).toEqual({ key: stored(successor), ownerStatus: 'active' });
        expect(await store.findOwned('usr_a', 'key_a9')).toEqual(stored(successor));
      });

      it('with no grace the old key is revoked and expires at once', async () => {
        expect(await store.rotate('usr_a', 'key_a1', newKey('key_a9', 'usr_a', 9, { now: NOW + 10 }), NOW + 10)).toBe(true);
        expect(await store.findOwned('usr_a', 'key_a1')).toMatchObject({ expiresAt: NOW + 10, revokedAt: NOW + 10, replacedBy: 'key_a9' });
      });

      it('never extends the old key: an expiry before the end of the grace is kept', async () => {
        await store.create(newKey('key_a3', 'usr_a', 4, { expiresAt: NOW + MINUTE }));
        expect(
          await store.rotate('usr_a', 'key_a3', newKey('key_a9', 'usr_a', 9, { now: NOW + 10, expiresAt: NOW + MINUTE }), NOW + HOUR),
        ).toBe(true);
        expect(await store.findOwned('usr_a', 'key_a3')).toMatchObject({ expiresAt: NOW + MINUTE, revokedAt: null, replacedBy: 'key_a9' });
      });

      it('refuses (false, changing nothing) a key that is not the owner’s, unknown, revoked, expired or already rotated', async () => {
        await store.create(newKey('key_a3', 'usr_a', 4, { expiresAt: NOW + 10 }));
        await store.create(newKey('key_a4', 'usr_a', 5));
        expect(await store.revoke('usr_a', 'key_a4', NOW + 5)).toBe(true);
        await store.create(newKey('key_a5', 'usr_a', 6));
        expect(await store.rotate('usr_a', 'key_a5', newKey('key_a6', 'usr_a', 7, { now: NOW + 5 }), NOW + 5 + HOUR)).toBe(true);
        const before = await everything();
        const refused: readonly [owner: string, id: string][] = [
          ['usr_b', 'key_a1'], // another user's key
          ['usr_a', 'key_b1'],
          ['usr_a', 'key_nope'], // unknown
          ['usr_a', 'key_a4'], // revoked
          ['usr_a', 'key_a3'], // expired (expires_at = now is no longer live)
          ['usr_a', 'key_a5'], // already rotated, still in its grace
        ];
        for (const [i, [owner, id]] of refused.entries()) {
          const successor = newKey(`key_s${i}`, owner, 100 + i, { now: NOW + 10 });
          expect(await store.rotate(owner, id, successor, NOW + 10 + HOUR), `${owner} rotating ${id}`).toBe(false);
          expect(await store.findByHash(hash(100 + i)), `no successor for ${id}`).toBeUndefined();
        }
        expect(await everything()).toEqual(before);
      });

      it('of N concurrent rotations of one key, on several instances, exactly one wins and the row names its successor only', async () => {
        const successors = Array.from({ length: 12 }, (_, i) =>
          newKey(`key_s${String(i).padStart(2, '0')}`, 'usr_a', 100 + i, { now: NOW + 1 }),
        );
        await warm();
        const results = await Promise.all(
          successors.map((successor, i) => subject.stores[i % subject.stores.length]!.rotate('usr_a', 'key_a1', successor, NOW + 1 + HOUR)),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
        expect(results.filter((won) => !won)).toHaveLength(11);
        const winner = successors[results.indexOf(true)]!;
        expect(await store.findOwned('usr_a', 'key_a1')).toMatchObject({
          replacedBy: winner.id,
          expiresAt: NOW + 1 + HOUR,
          revokedAt: null,
        });
        for (const successor of successors) {
          expect(await store.findByHash(successor.keyHash), successor.id).toEqual(
            successor === winner ? { key: stored(winner), ownerStatus: 'active' } : undefined,
          );
        }
        expect((await store.listOwned('usr_a', undefined, 100)).map((k) => k.id)).toEqual(['key_a1', 'key_a2', winner.id]);
      });

      it('is atomic: a successor that cannot be stored leaves the old key live and unrotated', async () => {
        const before = await everything();
        // The successor's hash is usr_b's key's: its insert fails, after the old row's update.
        await expect(store.rotate('usr_a', 'key_a1', newKey('key_a9', 'usr_a', 3, { now: NOW + 10 }), NOW + 10)).rejects.toThrow();
        // Its id is taken: the same.
        await expect(store.rotate('usr_a', 'key_a1', newKey('key_b1', 'usr_a', 9, { now: NOW + 10 }), NOW + 10)).rejects.toThrow();
        expect(await everything()).toEqual(before);
        expect(await store.findOwned('usr_a', 'key_a9')).toBeUndefined();
        expect(await store.rotate('usr_a', 'key_a1', newKey('key_a9', 'usr_a', 9, { now: NOW + 20 }), NOW + 20)).toBe(true);
      });
    });

    describe('revoke', () => {
      it('sets revoked_at once: the first call wins and keeps its time, a second changes nothing', async () => {
        expect(await store.revoke('usr_a', 'key_a1', NOW + 5)).toBe(true);
        expect(await subject.stores.at(-1)!.revoke('usr_a', 'key_a1', NOW + 9)).toBe(false);
        expect(await store.findOwned('usr_a', 'key_a1')).toEqual({ ...stored(platformKey), revokedAt: NOW + 5 });
        expect(await store.findOwned('usr_a', 'key_a2')).toEqual(stored(confinedKey));
      });

      it('of N concurrent revocations of one key, exactly one resolves true', async () => {
        await warm();
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => subject.stores[i % subject.stores.length]!.revoke('usr_a', 'key_a2', NOW + 1 + i)),
        );
        expect(results.filter((won) => won)).toHaveLength(1);
        expect((await store.findOwned('usr_a', 'key_a2'))?.revokedAt).toBe(NOW + 1 + results.indexOf(true));
      });

      it("refuses another user's key and an unknown one, changing nothing", async () => {
        const before = await everything();
        expect(await store.revoke('usr_b', 'key_a1', NOW + 5)).toBe(false);
        expect(await store.revoke('usr_a', 'key_b1', NOW + 5)).toBe(false);
        expect(await store.revoke('usr_a', 'key_nope', NOW + 5)).toBe(false);
        expect(await everything()).toEqual(before);
      });

      it('cuts short the grace of a rotated key, and revokes an expired key that was never revoked', async () => {
        expect(await store.rotate('usr_a', 'key_a1', newKey('key_a9', 'usr_a', 9, { now: NOW + 1 }), NOW + 1 + HOUR)).toBe(true);
        expect(await store.revoke('usr_a', 'key_a1', NOW + 2)).toBe(true);
        expect(await store.findOwned('usr_a', 'key_a1')).toMatchObject({ revokedAt: NOW + 2, replacedBy: 'key_a9' });
        expect(await store.findOwned('usr_a', 'key_a9')).toMatchObject({ revokedAt: null });
        await store.create(newKey('key_a3', 'usr_a', 4, { expiresAt: NOW + 10 }));
        expect(await store.revoke('usr_a', 'key_a3', NOW + 20)).toBe(true);
        expect(await store.findOwned('usr_a', 'key_a3')).toMatchObject({ expiresAt: NOW + 10, revokedAt: NOW + 20 });
      });
    });

    describe('touch', () => {
      it('writes last_used_at only when the stored value is older than notAfter, whichever instance asks', async () => {
        const [one, two] = [subject.stores[0]!, subject.stores.at(-1)!];
        const lastUsed = async () => (await store.findOwned('usr_a', 'key_a1'))?.lastUsedAt;
        await one.touch('key_a1', NOW + 1000, NOW + 1000 - MINUTE + 1);
        expect(await lastUsed()).toBe(NOW + 1000);
        // Within the interval, on another instance: not written.
        await two.touch('key_a1', NOW + 2000, NOW + 2000 - MINUTE + 1);
        expect(await lastUsed()).toBe(NOW + 1000);
        // notAfter equal to the stored value: not older, not written.
        await two.touch('key_a1', NOW + 3000, NOW + 1000);
        expect(await lastUsed()).toBe(NOW + 1000);
        await two.touch('key_a1', NOW + 1000 + MINUTE, NOW + 1001);
        expect(await lastUsed()).toBe(NOW + 1000 + MINUTE);
        // Only that key, and only last_used_at.
        expect(await store.findOwned('usr_a', 'key_a1')).toEqual({ ...stored(platformKey), lastUsedAt: NOW + 1000 + MINUTE });
        expect(await store.findOwned('usr_a', 'key_a2')).toEqual(stored(confinedKey));
        await expect(one.touch('key_nope', NOW, NOW)).resolves.toBeUndefined();
      });
    });
  });
}
