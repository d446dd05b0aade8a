/**
 * Secrets through the real server on every backend (test/fixtures/spec-api-v1.md, "Secrets"): PUT makes
 * a new version, the list never holds a value, reveal is audited and takes a version, DELETE
 * destroys every version's ciphertext; the permissions and the tenant scope decide who may; names
 * and sizes are validated; `min_decryption_version` refuses old versions; data keys rotate at their
 * encryption bound and `rewrap` moves old versions onto the newest key.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { mintTenantScope } from '../../src/kernel/domain/tenant-scope.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

for (const backend of await backends()) {
  describe(`secrets on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    const url = (name = '') => `/api/v1/orgs/${org.slug}/secrets${name === '' ? '' : `/${name}`}`;

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('writes versions, lists without values, reveals the newest or a given version, audited', async () => {
      const first = await as(server.app, owner.grant, 'PUT', url('db-password'), { value: 's3cret-one' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json()).toEqual({ name: 'db-password', version: 1 });
      const second = await as(server.app, owner.grant, 'PUT', url('db-password'), { value: 's3cret-two' });
      expect(second.json()).toEqual({ name: 'db-password', version: 2 });

      const list = await as(server.app, owner.grant, 'GET', url());
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json()).toEqual({
        items: [
          { name: 'db-password', version: 2, min_decryption_version: 1, created_at: expect.any(String), updated_at: expect.any(String) },
        ],
        next_cursor: null,
      });
      expect(list.body).not.toContain('s3cret');

      const newest = await as(server.app, owner.grant, 'POST', url('db-password/reveal'), {});
      expect(newest.statusCode, newest.body).toBe(200);
      expect(newest.json()).toEqual({ value: 's3cret-two', version: 2 });
      const old = await as(server.app, owner.grant, 'POST', url('db-password/reveal'), { version: 1 });
      expect(old.json()).toEqual({ value: 's3cret-one', version: 1 });
      expectProblem(await as(server.app, owner.grant, 'POST', url('db-password/reveal'), { version: 3 }), 'not_found');
      expectProblem(await as(server.app, owner.grant, 'POST', url('nothing/reveal'), {}), 'not_found');

      const reveals = audit.events().filter((e) => e.action === 'secret.reveal' && e.result === 'success');
      expect(reveals).toEqual([
        expect.objectContaining({
          org: org.id,
          actor: { type: 'user', id: owner.id },
          resource: 'secret:db-password',
          details: { version: 2 },
        }),
        expect.objectContaining({ details: { version: 1 } }),
      ]);
      expect(audit.events().filter((e) => e.action === 'secret.write')).toHaveLength(2);
      expect(JSON.stringify(audit.events())).not.toContain('s3cret');

      // Stored: ciphertext with the key-id prefix only.
      const rows = await server.stored.db.selectFrom('secret_versions').selectAll().where('org_id', '=', org.id).execute();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.ciphertext).toMatch(/^rampart:v1:dk_[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/);
        expect(row.ciphertext).not.toContain('s3cret');
      }
    });

    it('deletes every version’s ciphertext; the name can start again at version 1', async () => {
      for (const value of ['a1', 'a2', 'a3']) await as(server.app, owner.grant, 'PUT', url('api-token'), { value });
      const deleted = await as(server.app, owner.grant, 'DELETE', url('api-token'));
      expect(deleted.statusCode, deleted.body).toBe(204);
      const rows = await server.stored.db.selectFrom('secret_versions').selectAll().where('org_id', '=', org.id).execute();
      expect(rows).toEqual([]);
      expectProblem(await as(server.app, owner.grant, 'POST', url('api-token/reveal'), {}), 'not_found');
      expectProblem(await as(server.app, owner.grant, 'DELETE', url('api-token')), 'not_found');
      expect((await as(server.app, owner.grant, 'GET', url())).json()).toEqual({ items: [], next_cursor: null });
      expect((await as(server.app, owner.grant, 'PUT', url('api-token'), { value: 'b1' })).json()).toEqual({
        name: 'api-token',
        version: 1,
      });
      expect(audit.events().some((e) => e.action === 'secret.delete' && e.org === org.id)).toBe(true);
    });

    it('enforces secrets.read / secrets.manage and the tenant scope', async () => {
      await as(server.app, owner.grant, 'PUT', url('k'), { value: 'v' });
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(await as(server.app, viewer.grant, 'GET', url()), 'forbidden');
      expectProblem(await as(server.app, viewer.grant, 'POST', url('k/reveal'), {}), 'forbidden');
      expectProblem(await as(server.app, viewer.grant, 'PUT', url('k'), { value: 'x' }), 'forbidden');
      expectProblem(await as(server.app, viewer.grant, 'DELETE', url('k')), 'forbidden');
      // Another org's owner cannot see this org at all.
      const { owner: stranger } = await orgWithOwner(server.app, admin);
      expectProblem(await as(server.app, stranger.grant, 'POST', url('k/reveal'), {}), 'not_found');
      expectProblem(await as(server.app, stranger.grant, 'GET', url()), 'not_found');
      expectProblem(await as(server.app, undefined, 'GET', url()), 'unauthenticated');
      // Nothing changed.
      expect((await as(server.app, owner.grant, 'POST', url('k/reveal'), {})).json()).toEqual({ value: 'v', version: 1 });
    });

    it('validates names and sizes (400, never 500)', async () => {
      for (const name of ['has%20space', 'a'.repeat(129), 'semi%3Bcolon']) {
        expectProblem(await as(server.app, owner.grant, 'PUT', url(name), { value: 'v' }), 'validation_failed');
      }
      expectProblem(await as(server.app, owner.grant, 'PUT', url('big'), { value: 'x'.repeat(64 * 1024 + 1) }), 'validation_failed');
      // 64 KiB of characters that are 3 bytes each in UTF-8: within the character bound, over the byte bound.
      expectProblem(await as(server.app, owner.grant, 'PUT', url('big'), { value: '€'.repeat(30_000) }), 'validation_failed');
      expectProblem(await as(server.app, owner.grant, 'PUT', url('ok'), { value: 'v', extra: 1 }), 'validation_failed');
      expectProblem(await as(server.app, owner.grant, 'PUT', url('ok'), {}), 'validation_failed');
      expect((await as(server.app, owner.grant, 'PUT', url('ok.name_1-x'), { value: 'x'.repeat(64 * 1024) })).statusCode).toBe(200);
    });

    it('refuses versions below min_decryption_version (409), audited', async () => {
      for (const value of ['v1', 'v2', 'v3']) await as(server.app, owner.grant, 'PUT', url('rotated'), { value });
      const scope = mintTenantScope(org, undefined);
      await server.rampart.secrets.service.setMinDecryptionVersion(scope, 'rotated', 3, undefined);
      expectProblem(await as(server.app, owner.grant, 'POST', url('rotated/reveal'), { version: 2 }), 'conflict');
      expect((await as(server.app, owner.grant, 'POST', url('rotated/reveal'), {})).json()).toEqual({ value: 'v3', version: 3 });
      expect(
        (await as(server.app, owner.grant, 'GET', url())).json<{ items: { min_decryption_version: number }[] }>().items[0]
          ?.min_decryption_version,
      ).toBe(3);
      expect(audit.events().some((e) => e.action === 'secret.reveal' && e.reason === 'below_min_decryption_version')).toBe(true);
      await expect(server.rampart.secrets.service.setMinDecryptionVersion(scope, 'rotated', 4, undefined)).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
}
