/**
 * The identity store contracts on every adapter: the memory reference adapters, and the SQL
 * adapters on SQLite and PostgreSQL — two connections to one database acting as two instances.
 */
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from '../../src/identity/sessions/adapters/memory-session-store.js';
import { MemorySigningKeyStore } from '../../src/identity/tokens/adapters/memory-signing-key-store.js';
import { MemoryUserStore } from '../../src/identity/accounts/adapters/memory-user-store.js';
import { SqlSessionStore } from '../../src/identity/sessions/adapters/sql-session-store.js';
import { SqlSigningKeyStore } from '../../src/identity/tokens/adapters/sql-signing-key-store.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { Keyring } from '../../src/identity/tokens/crypto/keyring.js';
import { secret } from '../../src/kernel/domain/secret.js';
import type { SigningKeyStore } from '../../src/identity/tokens/ports/signing-key-store.js';
import { backends } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { migratedStore } from '../helpers/sql-store.js';
import { sessionStoreContract } from './session-store.contract.js';
import { userStoreContract } from './user-store.contract.js';

userStoreContract('MemoryUserStore', () => Promise.resolve({ stores: [new MemoryUserStore()], cleanup: () => Promise.resolve() }));
sessionStoreContract('MemorySessionStore', () =>
  Promise.resolve({ stores: [new MemorySessionStore()], users: new MemoryUserStore(), cleanup: () => Promise.resolve() }),
);

function signingKeyStoreContract(name: string, make: () => Promise<{ store: SigningKeyStore; cleanup(): Promise<void> }>): void {
  describe(`SigningKeyStore contract: ${name}`, () => {
    it('saves, lists oldest first with the key material intact, refuses a second save of a kid, moves state only forward', async () => {
      const { store, cleanup } = await make();
      try {
        const clock = new FakeClock();
        const keyring = new Keyring({ clock });
        const first = (await keyring.rotate()).added;
        clock.advance(1000);
        const rotation = await keyring.rotate();
        await store.save(rotation.added);
        await store.save(first);
        const listed = await store.list();
        expect(listed.map((r) => r.kid)).toEqual([first.kid, rotation.added.kid]);
        expect(listed[0]?.private_jwk.reveal()).toEqual(first.private_jwk.reveal());
        expect(listed[0]?.public_jwk).toEqual(first.public_jwk);
        await expect(store.save(first)).rejects.toMatchObject({ code: 'conflict' });
        const retiring = rotation.retiring[0]!;
        await store.update(first.kid, { state: 'retiring', retire_after: retiring.retire_after });
        await store.update(first.kid, { state: 'retiring', retire_after: retiring.retire_after });
        await expect(store.update(first.kid, { state: 'active', retire_after: null })).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.update('AAAAAAAAAAAAAAAAAAAAAA', { state: 'retired', retire_after: 1 })).rejects.toMatchObject({
          code: 'not_found',
        });
        expect((await store.list())[0]).toMatchObject({ state: 'retiring', retire_after: retiring.retire_after });
      } finally {
        await cleanup();
      }
    });
  });
}

signingKeyStoreContract('MemorySigningKeyStore', () =>
  Promise.resolve({ store: new MemorySigningKeyStore(), cleanup: () => Promise.resolve() }),
);

for (const backend of await backends()) {
  userStoreContract(`SqlUserStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    return { stores: migrated.databases.map((d) => new SqlUserStore(d.db)), cleanup: () => migrated.cleanup() };
  });
  sessionStoreContract(`SqlSessionStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    return {
      stores: migrated.databases.map((d) => new SqlSessionStore(d.db)),
      users: new SqlUserStore(migrated.databases[0].db),
      cleanup: () => migrated.cleanup(),
    };
  });
  signingKeyStoreContract(`SqlSigningKeyStore on ${backend.name}`, async () => {
    const migrated = await migratedStore(backend);
    return { store: new SqlSigningKeyStore(migrated.databases[0].db, secret(Buffer.alloc(32, 1))), cleanup: () => migrated.cleanup() };
  });
}
