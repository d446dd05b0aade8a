/**
 * The audit log through the real server, on every backend: the org-scoped listing
 * (`GET /api/v1/orgs/{org}/audit`: `audit.read` for auditors and admins, 403 for other members,
 * 404 for another org, the spec's filters and cursor; the `system` org for platform admins);
 * erasure on user deletion; the alert rules; the SIEM sink file.
 */
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, loginRequest, refreshRequest, type Grant } from '../helpers/identity.js';
import { as, createUser, MEMBER_PASSWORD, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Entry {
  index: number;
  timestamp: string;
  org: string;
  actor: { type: string; id: string | null };
  action: string;
  resource: string;
  result: string;
  reason?: string;
  source_ip: string | null;
  user_agent?: string;
  details?: Record<string, unknown>;
  leaf_hash: string;
}
interface Page {
  entries: Entry[];
  next_cursor: string | null;
}

for (const backend of await backends()) {
  describe(`audit through the server on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let orgA: OrgBody;
    let orgB: OrgBody;
    let ownerA: OrgUser;
    let sink: string;

    beforeAll(async () => {
      instance = await backend.create();
      sink = join(instance.dataDir, '..', 'siem.jsonl');
      server = await testServer(instance, { env: { ...ADMIN_ENV, RAMPART_AUDIT_SINK_FILE: sink, RAMPART_LOGIN_RATE_LIMIT: '1000' } });
      admin = await login(server.app);
      ({ org: orgA, owner: ownerA } = await orgWithOwner(server.app, admin));
      ({ org: orgB } = await orgWithOwner(server.app, admin));
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    const list = async (grant: Grant, org: string, query = ''): Promise<Page> => {
      const response = await as(server.app, grant, 'GET', `/api/v1/orgs/${org}/audit${query}`);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Page>();
    };
    async function integrate(): Promise<void> {
      const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
      await log.integrate();
    }
    async function systemEntries(action?: string): Promise<Entry[]> {
      await integrate();
      return (await list(admin, 'system', `?limit=200${action === undefined ? '' : `&action=${action}`}`)).entries;
    }

    it("lists an org's entries to its auditors and admins, with index and leaf hash, never another org's", async () => {
      const auditor = await userWithRole(server.app, admin, ownerA.grant, orgA, 'auditor');
      const orgAdmin = await userWithRole(server.app, admin, ownerA.grant, orgA, 'admin');
      await integrate();
      for (const reader of [auditor, orgAdmin, ownerA]) {
        const page = await list(reader.grant, orgA.id);
        expect(page.entries.length).toBeGreaterThan(0);
        for (const entry of page.entries) {
          expect(entry.org).toBe(orgA.id);
          expect(typeof entry.index).toBe('number');
          expect(Buffer.from(entry.leaf_hash, 'base64')).toHaveLength(32);
        }
        expect(page.entries.map((e) => e.action)).toContain('invitation.accept');
        // Newest first.
        const indices = page.entries.map((e) => e.index);
        expect([...indices].sort((a, b) => b - a)).toEqual(indices);
      }
      // By slug too.
      expect((await list(auditor.grant, orgA.slug)).entries.length).toBeGreaterThan(0);
      // Another org: not visible at all.
      await expectProblem(await as(server.app, auditor.grant, 'GET', `/api/v1/orgs/${orgB.id}/audit`), 'not_found');
    });

    it('refuses members without audit.read with 403, and strangers and anonymous callers', async () => {
      const viewer = await userWithRole(server.app, admin, ownerA.grant, orgA, 'viewer');
      await expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${orgA.id}/audit`), 'forbidden');
      await expectProblem(await as(server.app, undefined, 'GET', `/api/v1/orgs/${orgA.id}/audit`), 'unauthenticated');
    });

    it('filters by action, actor, result, since and until, and pages by cursor', async () => {
      await userWithRole(server.app, admin, ownerA.grant, orgA, 'viewer');
      await userWithRole(server.app, admin, ownerA.grant, orgA, 'viewer');
      await integrate();
      const all = (await list(ownerA.grant, orgA.id, '?limit=200')).entries;
      const adds = (await list(ownerA.grant, orgA.id, '?action=invitation.accept&limit=200')).entries;
      expect(adds.length).toBeGreaterThanOrEqual(2);
      expect(adds.every((e) => e.action === 'invitation.accept')).toBe(true);
      expect(adds.length).toBeLessThan(all.length);
      const byOwner = (await list(ownerA.grant, orgA.id, `?actor=${ownerA.id}&limit=200`)).entries;
      expect(byOwner.length).toBeGreaterThan(0);
      expect(byOwner.every((e) => e.actor.id === ownerA.id)).toBe(true);
      expect((await list(ownerA.grant, orgA.id, '?result=failure')).entries.every((e) => e.result === 'failure')).toBe(true);
      expect((await list(ownerA.grant, orgA.id, '?since=2999-01-01T00:00:00Z')).entries).toEqual([]);
      expect((await list(ownerA.grant, orgA.id, '?until=2000-01-01T00:00:00Z')).entries).toEqual([]);
      // Cursor pagination walks the same entries, one at a time.
      const walked: number[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await list(ownerA.grant, orgA.id, `?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
        walked.push(...page.entries.map((e) => e.index));
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(walked).toEqual(all.map((e) => e.index));
      await expectProblem(
        await as(server.app, ownerA.grant, 'GET', `/api/v1/orgs/${orgA.id}/audit?cursor=bm90LWEtY3Vyc29y`),
        'validation_failed',
      );
      await expectProblem(await as(server.app, ownerA.grant, 'GET', `/api/v1/orgs/${orgA.id}/audit?since=yesterday`), 'validation_failed');
      await expectProblem(await as(server.app, ownerA.grant, 'GET', `/api/v1/orgs/${orgA.id}/audit?limit=0`), 'validation_failed');
    });

    it("shows platform events (logins) in the system org to platform admins, not to an org's owner", async () => {
      const logins = await systemEntries('auth.login');
      expect(logins.some((e) => e.actor.id === admin.user.id && e.result === 'success')).toBe(true);
      await expectProblem(await as(server.app, ownerA.grant, 'GET', '/api/v1/orgs/system/audit'), 'not_found');
    });

    it("erases a deleted user's personal fields; the entries stay, with [erased]", async () => {
      const user = await createUser(server.app, admin);
      const failed = await loginRequest(server.app, user.email, 'not the password at all', { 'user-agent': 'ErasableAgent/1.0' });
      expect(failed.statusCode).toBe(401);
      const before = (await systemEntries()).filter((e) => e.resource === user.id || e.actor.id === user.id);
      expect(before.some((e) => e.actor.id === user.id && e.source_ip !== '[erased]')).toBe(true);
      expect(before.some((e) => e.user_agent === 'ErasableAgent/1.0')).toBe(true);

      expect((await as(server.app, admin, 'DELETE', `/api/v1/users/${user.id}`)).statusCode).toBe(204);

      const after = await systemEntries();
      const erased = after.filter((e) => before.some((b) => b.index === e.index));
      expect(erased.map((e) => e.leaf_hash)).toEqual(before.map((e) => e.leaf_hash));
      for (const entry of erased) {
        expect(entry.source_ip).toBe('[erased]');
        expect(entry.actor.id === user.id).toBe(false);
        expect(JSON.stringify(entry)).not.toContain('ErasableAgent');
        expect(JSON.stringify(entry)).not.toContain(user.email);
      }
      const deletion = after.find((e) => e.action === 'user.delete' && e.resource === user.id);
      expect(deletion).toMatchObject({ actor: { type: 'user', id: admin.user.id }, source_ip: '[erased]' });
    });

    it('raises security.alert for repeated failed logins, refresh-token theft, a new device and a secret integrity failure', async () => {
      const user = await createUser(server.app, admin);
      for (let i = 0; i < 5; i += 1)
        expect((await loginRequest(server.app, user.email, `wrong password number ${i}`)).statusCode).toBe(401);
      let alerts = (await systemEntries('security.alert')).filter((e) => e.resource === user.id);
      expect(alerts.map((e) => e.reason)).toEqual(['login_failures_account']);
      expect(server.logs.text).toContain('security alert: login_failures_account');

      // Refresh-token theft: the spent token presented again.
      const { grant } = await createUser(server.app, admin);
      expect((await refreshRequest(server.app, grant.refresh_token)).statusCode).toBe(200);
      expect((await refreshRequest(server.app, grant.refresh_token)).statusCode).toBe(401);
      alerts = await systemEntries('security.alert');
      expect(alerts.some((e) => e.reason === 'refresh_token_theft' && e.resource === grant.session_id)).toBe(true);

      // A new device: a user agent this user never signed in with (not the first sign-in).
      const fresh = await createUser(server.app, admin); // its first sign-in (by createUser) raises nothing
      expect((await loginRequest(server.app, fresh.email, MEMBER_PASSWORD, { 'user-agent': 'NewPhone/2.0' })).statusCode).toBe(200);
      expect((await loginRequest(server.app, fresh.email, MEMBER_PASSWORD, { 'user-agent': 'NewPhone/2.0' })).statusCode).toBe(200);
      const newDevice = (await systemEntries('security.alert')).filter((e) => e.reason === 'new_device' && e.user_agent === 'NewPhone/2.0');
      expect(newDevice).toHaveLength(1);

      // A secret that fails its integrity check (as the secrets engine reports it).
      const integrity: AuditEvent = {
        org: orgA.id,
        actor: { type: 'system', id: null },
        action: 'secret.integrity_failed',
        resource: 'db_password',
        result: 'failure',
        sourceIp: null,
        requestId: null,
      };
      await server.rampart.audit.record(integrity);
      await integrate();
      const orgAlerts = (await list(ownerA.grant, orgA.id, '?action=security.alert')).entries;
      expect(orgAlerts.map((e) => [e.reason, e.resource])).toEqual([['secret_integrity', 'db_password']]);
    });

    it('copies integrated entries to the SIEM sink file (0600), as JSON lines with index and leaf hash', async () => {
      await systemEntries();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(statSync(sink).mode & 0o777).toBe(0o600);
      const lines = readFileSync(sink, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Entry);
      expect(lines.length).toBeGreaterThan(5);
      const indices = lines.map((e) => e.index);
      expect(new Set(indices).size).toBe(indices.length);
      expect(lines.every((e) => Buffer.from(e.leaf_hash, 'base64').length === 32)).toBe(true);
      expect(lines.some((e) => e.action === 'auth.login' && e.actor.id === admin.user.id)).toBe(true);
    });
  });
}
