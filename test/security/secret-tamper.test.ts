/**
 * Tampering with stored secrets: a changed byte in the nonce, the ciphertext or
 * the tag; a ciphertext copied to another org, name or version; a wrapped data key copied to
 * another org. Each reveal is refused with 409 `secret_integrity_failed`, a `secret.integrity_failed`
 * audit entry (the audit log's alert rules make it a `security.alert`: secret-leak.test.ts checks
 * that on the real log) and an error-level log line — never the value, in the answer, the audit
 * log or the logs. The stored rows are left as they were.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { NONCE_BYTES, TAG_BYTES } from '../../src/secrets/crypto/envelope.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const VALUE = 'tamper-target-value-8c1f';

function flipByte(ciphertext: string, at: (length: number) => number): string {
  const cut = ciphertext.lastIndexOf(':') + 1;
  const raw = Buffer.from(ciphertext.slice(cut), 'base64url');
  const index = at(raw.length);
  raw[index] = (raw[index] ?? 0) ^ 0x01;
  return ciphertext.slice(0, cut) + raw.toString('base64url');
}

for (const backend of await backends()) {
  describe(`secret tampering on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let orgA: OrgBody;
    let ownerA: OrgUser;
    let orgB: OrgBody;
    let ownerB: OrgUser;

    const db = () => server.stored.db;
    const put = async (owner: OrgUser, org: OrgBody, name: string, value: string) => {
      const response = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.slug}/secrets/${name}`, { value });
      expect(response.statusCode, response.body).toBe(200);
    };
    const reveal = (owner: OrgUser, org: OrgBody, name: string, version?: number) =>
      as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/secrets/${name}/reveal`, version === undefined ? {} : { version });
    const ciphertextOf = async (org: OrgBody, name: string, version: number) =>
      (
        await db()
          .selectFrom('secret_versions')
          .select('ciphertext')
          .where('org_id', '=', org.id)
          .where('name', '=', name)
          .where('version', '=', version)
          .executeTakeFirstOrThrow()
      ).ciphertext;
    const setCiphertext = (org: OrgBody, name: string, version: number, ciphertext: string) =>
      db()
        .updateTable('secret_versions')
        .set({ ciphertext, data_key_id: ciphertext.split(':')[2] ?? '' })
        .where('org_id', '=', org.id)
        .where('name', '=', name)
        .where('version', '=', version)
        .execute();

    async function expectRefused(owner: OrgUser, org: OrgBody, name: string, version?: number): Promise<void> {
      const before = await db().selectFrom('secret_versions').selectAll().orderBy('org_id').orderBy('name').orderBy('version').execute();
      const failuresBefore = audit.events().filter((e) => e.action === 'secret.integrity_failed').length;
      const response = await reveal(owner, org, name, version);
      expectProblem(response, 'secret_integrity_failed');
      expect(response.body).not.toContain(VALUE);
      const events = audit.events();
      expect(events.filter((e) => e.action === 'secret.integrity_failed')).toHaveLength(failuresBefore + 1);
      expect(events.at(-1)).toMatchObject({
        org: org.id,
        action: 'secret.integrity_failed',
        resource: `secret:${name}`,
        result: 'failure',
        reason: 'integrity_failed',
      });
      // No success entry for this reveal: the value was never returned.
      expect(
        events.filter((e) => e.action === 'secret.reveal' && e.result === 'success' && e.org === org.id && e.resource === `secret:${name}`),
      ).toHaveLength(0);
      expect(JSON.stringify(events)).not.toContain(VALUE);
      expect(server.logs.lines.some((line) => line.includes(`"level":"error"`) && line.includes(`"secret_integrity_failed"`))).toBe(true);
      expect(server.logs.text).not.toContain(VALUE);
      // Nothing changed.
      expect(await db().selectFrom('secret_versions').selectAll().orderBy('org_id').orderBy('name').orderBy('version').execute()).toEqual(
        before,
      );
    }

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      admin = await login(server.app);
      ({ org: orgA, owner: ownerA } = await orgWithOwner(server.app, admin));
      ({ org: orgB, owner: ownerB } = await orgWithOwner(server.app, admin));
      await put(ownerA, orgA, 'target', VALUE);
      await put(ownerA, orgA, 'target', `${VALUE}-v2`);
      await put(ownerA, orgA, 'other', 'other-value');
      await put(ownerB, orgB, 'target', 'org-b-value');
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    const positions: [string, (length: number) => number][] = [
      ['nonce', () => 0],
      ['ciphertext', () => NONCE_BYTES + 2],
      ['tag', (length) => length - TAG_BYTES + 3],
    ];
    for (const [part, at] of positions) {
      it(`refuses a changed byte in the ${part}`, async () => {
        await setCiphertext(orgA, 'target', 1, flipByte(await ciphertextOf(orgA, 'target', 1), at));
        await expectRefused(ownerA, orgA, 'target', 1);
        // The untouched version still reveals.
        expect((await reveal(ownerA, orgA, 'target', 2)).json()).toEqual({ value: `${VALUE}-v2`, version: 2 });
      });
    }

    it('refuses a ciphertext copied to another org', async () => {
      await setCiphertext(orgB, 'target', 1, await ciphertextOf(orgA, 'target', 1));
      await expectRefused(ownerB, orgB, 'target', 1);
    });

    it('refuses a ciphertext copied to another name', async () => {
      await setCiphertext(orgA, 'other', 1, await ciphertextOf(orgA, 'target', 1));
      await expectRefused(ownerA, orgA, 'other', 1);
    });

    it('refuses a ciphertext copied to another version', async () => {
      await setCiphertext(orgA, 'target', 2, await ciphertextOf(orgA, 'target', 1));
      await expectRefused(ownerA, orgA, 'target', 2);
    });

    it('refuses a ciphertext whose key-id prefix was changed to another key of the org', async () => {
      const stored = await ciphertextOf(orgA, 'target', 1);
      await db()
        .updateTable('secret_versions')
        .set({ ciphertext: stored.replace(/dk_[A-Za-z0-9_-]+/, 'dk_forged') })
        .where('org_id', '=', orgA.id)
        .where('name', '=', 'target')
        .where('version', '=', 1)
        .execute();
      await expectRefused(ownerA, orgA, 'target', 1);
    });

    it('refuses a wrapped data key copied to another org', async () => {
      const keyA = await db().selectFrom('secret_data_keys').selectAll().where('org_id', '=', orgA.id).executeTakeFirstOrThrow();
      await db().updateTable('secret_data_keys').set({ wrapped: keyA.wrapped }).where('org_id', '=', orgB.id).execute();
      server.rampart.secrets.service.forgetKeys();
      await expectRefused(ownerB, orgB, 'target', 1);
      // Org A's own key is untouched and still opens its values.
      expect((await reveal(ownerA, orgA, 'target', 1)).json()).toEqual({ value: VALUE, version: 1 });
    });
  });
}
