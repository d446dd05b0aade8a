/**
 * The UserStore contract (src/identity/accounts/ports/user-store.ts), run on every adapter: unique emails, a
 * bootstrap that happens once even when instances race, failure counting that loses no
 * concurrent failure, and the backoff deadline of identity/accounts/domain/user.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { loginBackoffMs } from '../../src/identity/accounts/domain/user.js';
import type { NewUser, UserStore } from '../../src/identity/accounts/ports/user-store.js';

export interface UserStoreSubject {
  /** Several handles on one store (instances). */
  readonly stores: readonly UserStore[];
  cleanup(): Promise<void>;
}

const NOW = Date.UTC(2026, 0, 1);
const user = (id: string, email: string): NewUser => ({
  id,
  email,
  name: null,
  passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
  now: NOW,
});
const org = (id: string) => ({ id, slug: 'system', name: 'System', createdAt: NOW });

export function userStoreContract(name: string, make: () => Promise<UserStoreSubject>): void {
  describe(`UserStore contract: ${name}`, () => {
    let subject: UserStoreSubject;
    let store: UserStore;

    beforeEach(async () => {
      subject = await make();
      store = subject.stores[0]!;
    });

    afterEach(async () => {
      await subject?.cleanup();
    });

    it('creates and finds users; a taken email is a conflict that changes nothing', async () => {
      await store.create(user('usr_1', 'one@example.test'));
      expect(await store.findByEmail('one@example.test')).toMatchObject({
        id: 'usr_1',
        status: 'active',
        failedLogins: 0,
        nextLoginAt: null,
      });
      const error = await store.create({ ...user('usr_2', 'one@example.test'), name: 'other' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('conflict');
      expect(await store.findById('usr_2')).toBeUndefined();
      expect(await store.count()).toBe(1);
    });

    it('bootstraps once, all or nothing, even when N instances race', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          subject.stores[i % subject.stores.length]!.bootstrap(org(`org_${i}`), user(`usr_${i}`, `admin${i}@example.test`), 'owner'),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.count()).toBe(1);
      const winner = results.indexOf(true);
      expect(await store.memberships(`usr_${winner}`)).toEqual([{ orgId: `org_${winner}`, orgSlug: 'system', role: 'owner' }]);
      expect(await store.bootstrap(org('org_late'), user('usr_late', 'late@example.test'), 'owner')).toBe(false);
    });

    it('does not bootstrap when a user exists', async () => {
      await store.create(user('usr_1', 'one@example.test'));
      expect(await store.bootstrap(org('org_1'), user('usr_2', 'two@example.test'), 'owner')).toBe(false);
      expect(await store.memberships('usr_2')).toEqual([]);
    });

    it('counts N concurrent failures exactly, with the backoff of the count; a success clears them', async () => {
      await store.create(user('usr_1', 'one@example.test'));
      await Promise.all(Array.from({ length: 8 }, (_, i) => subject.stores[i % subject.stores.length]!.recordLoginFailure('usr_1', NOW)));
      expect(await store.findById('usr_1')).toMatchObject({ failedLogins: 8, nextLoginAt: NOW + loginBackoffMs(8) });
      await store.recordLoginSuccess('usr_1', NOW, '$argon2id$new');
      expect(await store.findById('usr_1')).toMatchObject({ failedLogins: 0, nextLoginAt: null, passwordHash: '$argon2id$new' });
      expect(await store.recordLoginFailure('usr_unknown', NOW)).toBeUndefined();
    });

    it('sets the status of a known user only', async () => {
      await store.create(user('usr_1', 'one@example.test'));
      expect(await store.setStatus('usr_1', 'disabled', NOW + 1)).toBe(true);
      expect(await store.findById('usr_1')).toMatchObject({ status: 'disabled', updatedAt: NOW + 1 });
      expect(await store.setStatus('usr_unknown', 'disabled', NOW)).toBe(false);
    });
  });
}
