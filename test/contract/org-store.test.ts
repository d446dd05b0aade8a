/**
 * The OrgStore contract (src/tenancy/ports/org-store.ts) on every backend, with two handles acting as two
 * instances: unique slugs, the atomic last-owner rule under concurrent demotions and removals,
 * exactly one new version per concurrent `putRole`, and scoped methods that never reach another org.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TENANT_TABLES } from '../../src/capabilities.js';
import { SqlOrgStore } from '../../src/tenancy/adapters/sql-org-store.js';
import { SqlUserStore } from '../../src/identity/accounts/adapters/sql-user-store.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import { mintTenantScope, type TenantScope } from '../../src/kernel/domain/tenant-scope.js';
import { backends } from '../helpers/backends.js';
import { migratedStore, type MigratedStore } from '../helpers/sql-store.js';

const NOW = Date.UTC(2026, 0, 1);

for (const backend of await backends()) {
  describe(`SqlOrgStore on ${backend.name}`, () => {
    let store: MigratedStore;
    let one: SqlOrgStore;
    let two: SqlOrgStore;
    let scopeA: TenantScope;
    let scopeB: TenantScope;

    async function user(id: string): Promise<void> {
      await new SqlUserStore(store.databases[0].db).create({ id, email: `${id}@example.test`, name: null, passwordHash: null, now: NOW });
    }

    beforeEach(async () => {
      store = await migratedStore(backend);
      one = new SqlOrgStore(store.databases[0].db, store.databases[0].dialect, TENANT_TABLES);
      two = new SqlOrgStore(store.databases[1].db, store.databases[1].dialect, TENANT_TABLES);
      for (const id of ['usr_a1', 'usr_a2', 'usr_a3', 'usr_b1']) await user(id);
      await one.create({ id: 'org_a', slug: 'alpha', name: 'Alpha', createdAt: NOW }, 'usr_a1', 'owner');
      await one.create({ id: 'org_b', slug: 'beta', name: 'Beta', createdAt: NOW }, 'usr_b1', 'owner');
      scopeA = mintTenantScope({ id: 'org_a', slug: 'alpha' }, undefined);
      scopeB = mintTenantScope({ id: 'org_b', slug: 'beta' }, undefined);
    });

    afterEach(async () => {
      await store?.cleanup();
    });

    it('refuses a taken slug with conflict and creates nothing', async () => {
      await expect(one.create({ id: 'org_c', slug: 'alpha', name: 'Again', createdAt: NOW }, 'usr_a2', 'owner')).rejects.toSatisfy(
        (error) => error instanceof DomainError && error.code === 'conflict',
      );
      expect(await one.resolve('org_c')).toBeUndefined();
      expect(await one.orgsOf('usr_a2')).toEqual([]);
    });

    it('keeps one owner when two owners demote each other on two instances at once', async () => {
      expect(await one.addMember(scopeA, 'usr_a2', 'owner', NOW)).toBe(true);
      const outcomes = await Promise.all([one.setRole(scopeA, 'usr_a1', 'admin'), two.setRole(scopeA, 'usr_a2', 'admin')]);
      expect(outcomes.sort()).toEqual(['done', 'last_owner']);
      expect(await one.countWithRole(scopeA, 'owner')).toBe(1);
    });

    it('keeps one owner when two owners are removed at once', async () => {
      expect(await one.addMember(scopeA, 'usr_a2', 'owner', NOW)).toBe(true);
      const outcomes = await Promise.all([one.removeMember(scopeA, 'usr_a1'), two.removeMember(scopeA, 'usr_a2')]);
      expect(outcomes.sort()).toEqual(['done', 'last_owner']);
      expect(await one.countWithRole(scopeA, 'owner')).toBe(1);
    });

    it('gives concurrent putRole calls distinct consecutive versions', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? one : two).putRole(scopeA, 'deployer', [`jobs.read`], 'usr_a1', NOW + i)),
      );
      expect(results.map((r) => r.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
      expect((await one.roleHistory(scopeA, 'deployer')).map((v) => v.version)).toEqual([6, 5, 4, 3, 2, 1]);
    });

    it('hardening 1: putRole with an expected version writes that version or nothing (conflict)', async () => {
      const results = await Promise.allSettled([
        one.putRole(scopeA, 'deployer', ['jobs.read'], 'usr_a1', NOW, 1),
        two.putRole(scopeA, 'deployer', ['jobs.run'], 'usr_a1', NOW, 1),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected');
      expect(refused?.status === 'rejected' && refused.reason instanceof DomainError && refused.reason.code).toBe('conflict');
      expect((await one.roleHistory(scopeA, 'deployer')).map((v) => v.version)).toEqual([1]);
    });

    it('hardening 4: leave keeps one owner when two owners leave at once, and removes a non-owner', async () => {
      expect(await one.addMember(scopeA, 'usr_a2', 'owner', NOW)).toBe(true);
      expect(await one.addMember(scopeA, 'usr_a3', 'viewer', NOW)).toBe(true);
      const outcomes = await Promise.all([one.leave('org_a', 'usr_a1'), two.leave('org_a', 'usr_a2')]);
      expect(outcomes.sort()).toEqual(['done', 'last_owner']);
      expect(await one.ownerCount('org_a')).toBe(1);
      expect(await one.leave('org_a', 'usr_a3')).toBe('done');
      expect(await one.roleOf('org_a', 'usr_a3')).toBeUndefined();
      expect(await one.leave('org_a', 'usr_b1')).toBe('not_found');
      expect(await one.roleOf('org_b', 'usr_b1')).toBe('owner');
    });

    it("never reaches another org's rows through a scope", async () => {
      await one.putRole(scopeB, 'deployer', ['jobs.read'], 'usr_b1', NOW);
      expect(await one.member(scopeA, 'usr_b1')).toBeUndefined();
      expect(await one.setRole(scopeA, 'usr_b1', 'viewer')).toBe('not_found');
      expect(await one.removeMember(scopeA, 'usr_b1')).toBe('not_found');
      expect(await one.customRole(scopeA, 'deployer')).toBeUndefined();
      expect(await one.roleHistory(scopeA, 'deployer')).toEqual([]);
      expect((await one.members(scopeA)).map((m) => m.userId)).toEqual(['usr_a1']);
      await one.deleteOrg(scopeA);
      expect(await one.resolve('alpha')).toBeUndefined();
      expect(await one.roleOf('org_b', 'usr_b1')).toBe('owner');
      expect((await one.roleHistory(scopeB, 'deployer')).length).toBe(1);
    });
  });
}
