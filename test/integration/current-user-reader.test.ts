/**
 * `GET /api/v1/me` reads the caller in one statement (SqlCurrentUserReader); its answer must be
 * exactly what the stores' own three reads give — account, memberships in org-id order, TOTP
 * confirmed or not — on SQLite and PostgreSQL, and it must never carry the password hash.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SqlCurrentUserReader } from '../../src/identity/accounts/adapters/sql-current-user-reader.js';
import { SqlMfaStore } from '../../src/identity/mfa/adapters/sql-mfa-store.js';
import { TENANT_TABLES } from '../../src/capabilities.js';
import { SqlOrgStore } from '../../src/tenancy/adapters/sql-org-store.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { backends } from '../helpers/backends.js';
import { migratedStore, type MigratedStore } from '../helpers/sql-store.js';

const NOW = 1_790_000_000_000;

for (const backend of await backends()) {
  describe(`SqlCurrentUserReader on ${backend.name}`, () => {
    let store: MigratedStore | undefined;
    afterEach(async () => {
      await store?.cleanup();
      store = undefined;
    });

    it('answers what the account, membership and TOTP reads answer, in one statement', async () => {
      store = await migratedStore(backend);
      const { db, dialect } = store.databases[0];
      const users = new SqlUserStore(db);
      const orgs = new SqlOrgStore(db, dialect, TENANT_TABLES);
      const mfa = new SqlMfaStore(db);
      const reader = new SqlCurrentUserReader(db);
      const newUser = (id: string, email: string) => ({ id, email, name: null, passwordHash: '$argon2id$not-a-real-hash', now: NOW });
      expect(
        await users.bootstrap({ id: 'org_sys', slug: 'system', name: 'System', createdAt: NOW }, newUser('usr_a', 'a@x.test'), 'owner'),
      ).toBe(true);
      await users.create(newUser('usr_b', 'b@x.test'));
      await users.create(newUser('usr_c', 'c@x.test'));
      // Created in reverse order of their ids: the answer is ordered by org id, not by insertion.
      await orgs.create({ id: 'org_zz', slug: 'zeta', name: 'Zeta', createdAt: NOW }, 'usr_b', 'admin');
      await orgs.create({ id: 'org_aa', slug: 'alpha', name: 'Alpha', createdAt: NOW }, 'usr_b', 'owner');
      await mfa.startTotp('usr_b', 'sealed', NOW);
      await mfa.confirmTotp('usr_b', 1, ['h'.repeat(64)], NOW);
      await mfa.startTotp('usr_c', 'sealed', NOW); // started, never confirmed

      for (const id of ['usr_a', 'usr_b', 'usr_c']) {
        const read = await reader.read(id);
        const user = await users.findById(id);
        expect(read?.user).toEqual({
          id,
          email: user?.email,
          name: user?.name,
          status: user?.status,
          createdAt: user?.createdAt,
          emailVerifiedAt: user?.emailVerifiedAt,
        });
        expect(read?.memberships).toEqual(await users.memberships(id));
        expect(read?.mfaEnabled).toBe((await mfa.findTotp(id))?.confirmed === true);
        expect(JSON.stringify(read)).not.toContain('argon2id');
      }
      expect((await reader.read('usr_b'))?.memberships.map((m) => m.orgSlug)).toEqual(['alpha', 'zeta']);
      expect((await reader.read('usr_b'))?.mfaEnabled).toBe(true);
      expect((await reader.read('usr_c'))?.memberships).toEqual([]);
      expect((await reader.read('usr_c'))?.mfaEnabled).toBe(false);
      expect(await reader.read('usr_nobody')).toBeUndefined();

      await users.setStatus('usr_c', 'disabled', NOW + 1);
      expect((await reader.read('usr_c'))?.user.status).toBe('disabled');
    });
  });
}
