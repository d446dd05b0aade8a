/**
 * The access review (issue 22 item 6), on every backend: `GET /api/v1/orgs/{org}/access-review`
 * lists every member (role, second factor, last activity), live API key (last use) and service
 * client, as JSON and as CSV; `POST …/attestations` records the review as an audited, kept
 * attestation, listed as `{items, next_cursor}`; `audit.read` is needed (a viewer gets 403, a
 * stranger 404, a tampered cursor 400); and `rampart access-review [attest]` does the same
 * in-process on the composed capability.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAccessReview, runAccessReviewAttest } from '../../src/compliance/cli/access-review-cli.js';
import { createOutput } from '../../src/kernel/cli/output.js';
import type { CommandContext } from '../../src/kernel/part.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString('utf8');
    done();
  }
}

interface Report {
  format: string;
  org_id: string;
  last_attestation: { id: string; note: string } | null;
  members: { user_id: string; email: string; role: string; mfa: boolean; last_active_at: string | null }[];
  api_keys: { id: string; owner_id: string; last_used_at: string | null; expires_at: string | null }[];
  service_clients: { id: string; name: string }[];
}

for (const backend of await backends()) {
  describe(`access review (${backend.name})`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let auditor: OrgUser;
    let viewer: OrgUser;
    let keyId: string;

    const context = (): CommandContext =>
      ({
        run: () => Promise.resolve(0),
        backupFiles: () => [],
        compose: (_config: unknown, name: 'compliance') =>
          Promise.resolve({ facade: server.rampart.facade(name), close: () => Promise.resolve() }),
      }) as unknown as CommandContext;

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { background: false, env: ADMIN_ENV });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      auditor = await userWithRole(server.app, admin, owner.grant, org, 'auditor');
      viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      const key = await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['secrets.read'], org: org.id });
      expect(key.statusCode, key.body).toBe(201);
      keyId = key.json<{ id: string }>().id;
      const client = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'worker',
        scopes: ['members.read'],
        auth_method: 'client_secret_basic',
      });
      expect(client.statusCode, client.body).toBe(201);
    });

    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('promises 6: the report lists every member with role and last activity, every live API key and service client', async () => {
      const response = await as(server.app, auditor.grant, 'GET', `/api/v1/orgs/${org.slug}/access-review`);
      expect(response.statusCode, response.body).toBe(200);
      const report = response.json<Report>();
      expect(report.format).toBe('rampart-access-review');
      expect(report.org_id).toBe(org.id);
      const roles = Object.fromEntries(report.members.map((member) => [member.email, member.role]));
      expect(roles).toEqual({ [owner.email]: 'owner', [auditor.email]: 'auditor', [viewer.email]: 'viewer' });
      expect(report.members.every((member) => member.mfa === false && member.last_active_at !== null)).toBe(true);
      expect(report.api_keys.map((key) => key.id)).toEqual([keyId]);
      expect(report.api_keys[0]).toMatchObject({ owner_id: owner.id, expires_at: null });
      expect(report.service_clients.map((client) => client.name)).toEqual(['worker']);
      expect(report.last_attestation).toBeNull();
      expect(response.body).not.toMatch(/secret_hash|key_hash|password/);
    });

    it('promises 6: with Accept: text/csv the report is one CSV table, one row per holder of access', async () => {
      const response = await server.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${org.id}/access-review`,
        headers: { authorization: `Bearer ${auditor.grant.access_token}`, accept: 'text/csv' },
      });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      const lines = response.body.trimEnd().split('\r\n');
      expect(lines[0]).toBe('kind,id,name,email,role,scopes,mfa,created_at,expires_at,last_used_at');
      expect(lines.filter((line) => line.startsWith('member,'))).toHaveLength(3);
      expect(lines.filter((line) => line.startsWith('api_key,'))).toHaveLength(1);
      expect(lines.filter((line) => line.startsWith('service_client,'))).toHaveLength(1);
    });

    it('promises 6: a viewer (no audit.read) gets 403, a stranger 404, and nothing is recorded', async () => {
      await expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/access-review`), 'forbidden');
      const stranger = await createUser(server.app, admin);
      await expectProblem(await as(server.app, stranger.grant, 'GET', `/api/v1/orgs/${org.id}/access-review`), 'not_found');
      await expectProblem(
        await as(server.app, stranger.grant, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, { note: 'nope' }),
        'not_found',
      );
      await expectProblem(
        await as(server.app, viewer.grant, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, { note: 'nope' }),
        'forbidden',
      );
      const stored = await server.stored.db.selectFrom('access_review_attestations').selectAll().where('org_id', '=', org.id).execute();
      expect(stored).toEqual([]);
    });

    it('promises 6: an attestation is audited, kept, and listed as {items, next_cursor}; a future date or tampered cursor is 400', async () => {
      const made = await as(server.app, auditor.grant, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, {
        note: 'quarterly review: removed one stale key',
        reviewed_at: '2026-01-15T10:00:00Z',
      });
      expect(made.statusCode, made.body).toBe(201);
      const attestation = made.json<{ id: string; reviewed_at: string; attested_by: { type: string; id: string } }>();
      expect(attestation.reviewed_at).toBe('2026-01-15T10:00:00.000Z');
      expect(attestation.attested_by).toEqual({ type: 'user', id: auditor.id });
      const second = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, {
        note: 'second look',
      });
      expect(second.statusCode).toBe(201);
      await expectProblem(
        await as(server.app, auditor.grant, 'POST', `/api/v1/orgs/${org.id}/access-review/attestations`, {
          note: 'from the future',
          reviewed_at: '2999-01-01T00:00:00Z',
        }),
        'validation_failed',
      );
      const page = await as(server.app, auditor.grant, 'GET', `/api/v1/orgs/${org.id}/access-review/attestations?limit=1`);
      expect(page.statusCode, page.body).toBe(200);
      const first = page.json<{ items: { note: string }[]; next_cursor: string | null }>();
      expect(first.items.map((item) => item.note)).toEqual(['second look']);
      expect(first.next_cursor).not.toBeNull();
      const next = await as(
        server.app,
        auditor.grant,
        'GET',
        `/api/v1/orgs/${org.id}/access-review/attestations?limit=1&cursor=${encodeURIComponent(first.next_cursor ?? '')}`,
      );
      expect(next.json<{ items: { id: string }[] }>().items.map((item) => item.id)).toEqual([attestation.id]);
      const tampered = `${(first.next_cursor ?? '').slice(0, -2)}AA`;
      await expectProblem(
        await as(
          server.app,
          auditor.grant,
          'GET',
          `/api/v1/orgs/${org.id}/access-review/attestations?cursor=${encodeURIComponent(tampered)}`,
        ),
        'validation_failed',
      );
      const report = (await as(server.app, auditor.grant, 'GET', `/api/v1/orgs/${org.id}/access-review`)).json<Report>();
      expect(report.last_attestation?.note).toBe('second look');
      const log = (server.rampart.audit as unknown as { inner?: { integrate(): Promise<unknown> } }).inner;
      await log?.integrate();
      const entries = await server.stored.db
        .selectFrom('audit_entries')
        .select(['resource', 'details'])
        .where('action', '=', 'access_review.attest')
        .execute();
      expect(entries.map((entry) => entry.resource)).toEqual(expect.arrayContaining([attestation.id]));
      expect(entries.map((entry) => entry.details ?? '').join()).not.toContain('stale key');
    });

    it('promises 6: rampart access-review --org <slug> --json and attest run on the composed capability', async () => {
      const stdout = new Capture();
      const stderr = new Capture();
      expect(
        await runAccessReview(server.rampart.config, createOutput(true, stdout, stderr), context(), { org: org.slug, csv: false }),
      ).toBe(0);
      const report = JSON.parse(stdout.text) as Report;
      expect(report.members).toHaveLength(3);
      const attested = new Capture();
      const code = await runAccessReviewAttest(server.rampart.config, createOutput(true, attested, stderr), context(), {
        org: org.slug,
        note: 'operator review',
      });
      expect(code).toBe(0);
      expect(JSON.parse(attested.text)).toMatchObject({ org_id: org.id, attested_by: { type: 'system', id: 'operator' } });
      const csv = new Capture();
      expect(await runAccessReview(server.rampart.config, createOutput(false, csv, stderr), context(), { org: org.id, csv: true })).toBe(0);
      expect(csv.text.split('\r\n')[0]).toBe('kind,id,name,email,role,scopes,mfa,created_at,expires_at,last_used_at');
      expect(
        await runAccessReview(server.rampart.config, createOutput(true, new Capture(), stderr), context(), {
          org: 'no-such-org',
          csv: false,
        }),
      ).toBe(2);
    });
  });
}
