/**
 * Issue 17 item 2: the store of linked identities (src/federation/identities/ports/external-identity-store.ts)
 * keeps its guarantees on SQLite and PostgreSQL: one account per (provider, subject), reads confined
 * to the account named, and an unlink that never removes the last identity when asked to keep one,
 * even when two run at once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlExternalIdentityStore } from '../../src/federation/identities/adapters/sql-external-identity-store.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV } from '../helpers/identity.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const id = (): string => `ext_${randomBytes(16).toString('hex')}`;

describe.each(await backends())('federation: linked identities on %s', (backend) => {
  let instance: BackendInstance;
  let server: TestServer;
  let store: SqlExternalIdentityStore;
  const users: string[] = [];

  beforeAll(async () => {
    instance = await backend.create();
    server = await testServer(instance, { env: { ...ADMIN_ENV } });
    store = new SqlExternalIdentityStore(server.rampart.database.db);
    for (const n of [1, 2]) {
      const userId = `usr_${randomBytes(16).toString('hex')}`;
      await server.rampart.identity.users.create({
        id: userId,
        email: `links${n}-${userId}@example.test`,
        name: null,
        passwordHash: null,
        now: Date.now(),
      });
      users.push(userId);
    }
  });

  afterAll(async () => {
    await server.close();
    await instance.cleanup();
  });

  const link = (userId: string, subject: string, provider: 'oidc:a' | 'ldap:corp' | 'pam' = 'oidc:a') =>
    store.link({ id: id(), userId, provider, subject, email: 'x@example.test', emailVerified: true, now: Date.now() });

  it('federation 2: an identity at a provider belongs to one account: a second link is a conflict and changes nothing', async () => {
    const [a = '', b = ''] = users;
    const first = await link(a, 'same-subject');
    await expect(link(b, 'same-subject')).rejects.toSatisfy((error: unknown) => error instanceof DomainError && error.code === 'conflict');
    expect(await store.findBySubject('oidc:a', 'same-subject')).toEqual(first);
    // The same subject at another provider is another identity.
    await link(b, 'same-subject', 'ldap:corp');
    expect((await store.findBySubject('ldap:corp', 'same-subject'))?.userId).toBe(b);
  });

  it('federation 2: reads and unlinks reach only the account named', async () => {
    const [a = '', b = ''] = users;
    const mine = await link(a, `s-${randomBytes(4).toString('hex')}`);
    expect(await store.findOfUser(b, mine.id)).toBeUndefined();
    expect(await store.unlink(b, mine.id, false)).toBe('not_found');
    expect(await store.findOfUser(a, mine.id)).toEqual(mine);
  });

  it('federation 2: concurrent unlinks that must keep one way in leave exactly one identity', async () => {
    const userId = `usr_${randomBytes(16).toString('hex')}`;
    await server.rampart.identity.users.create({
      id: userId,
      email: `solo-${userId}@example.test`,
      name: null,
      passwordHash: null,
      now: Date.now(),
    });
    const linked = await Promise.all([1, 2, 3].map((n) => link(userId, `solo-${n}-${userId}`)));
    const outcomes = await Promise.all(linked.map((identity) => store.unlink(userId, identity.id, true)));
    expect(outcomes.filter((o) => o === 'unlinked')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'last')).toHaveLength(1);
    expect(await store.countOfUser(userId)).toBe(1);
    const page = await store.listOfUser(userId, undefined, 10);
    expect(page).toHaveLength(1);
  });
});
