/**
 * The exploit: the audit listing's cursor was base64url of a leaf index, so a caller could edit it
 * (jump anywhere in the listing, or past its end), invent one, or carry one from another org's
 * listing into this one. Cursors are now opaque and authenticated (HMAC under a key derived from
 * the master key, bound to the listed org): each of those is 400 `validation_failed`, and valid
 * paging still walks every entry once — in an org's listing and in the platform's (`system`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, type OrgBody } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Page {
  entries: { index: number; resource: string }[];
  next_cursor: string | null;
}

/** `cursor` with one bit of byte `at` flipped, re-encoded. */
function flipped(cursor: string, at: number): string {
  const bytes = Buffer.from(cursor, 'base64url');
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes.toString('base64url');
}

for (const backend of await backends()) {
  describe(`audit listing cursors on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let other: OrgBody;

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' } });
      admin = await login(server.app);
      org = await createOrg(server.app, admin);
      other = await createOrg(server.app, admin);
      for (const target of [org.id, other.id, 'system']) {
        for (let n = 0; n < 7; n += 1) {
          await server.rampart.audit.record({
            org: target,
            actor: { type: 'system', id: null },
            action: 'security.alert',
            resource: `res_${n}`,
            result: 'success',
            sourceIp: null,
            requestId: null,
          });
        }
      }
      await (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner.integrate();
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    const list = (orgRef: string, query: string) => as(server.app, admin, 'GET', `/api/v1/orgs/${orgRef}/audit${query}`);
    async function page(orgRef: string, query: string): Promise<Page> {
      const response = await list(orgRef, query);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Page>();
    }
    async function walk(orgRef: string): Promise<number[]> {
      const walked: number[] = [];
      let cursor: string | null = null;
      do {
        const next: Page = await page(orgRef, `?limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        walked.push(...next.entries.map((e) => e.index));
        cursor = next.next_cursor;
      } while (cursor !== null);
      return walked;
    }

    it("hardening 15: valid paging walks every entry of an org's listing, and of the platform's, once", async () => {
      const all = (await page(org.id, '?limit=200')).entries.map((e) => e.index);
      expect(all.length).toBeGreaterThanOrEqual(7);
      expect(await walk(org.id)).toEqual(all);
      // By slug: the cursor is bound to the org, however the path names it.
      const first = await page(org.id, '?limit=2');
      expect(first.next_cursor).not.toBeNull();
      const bySlug = await page(org.slug, `?limit=2&cursor=${first.next_cursor}`);
      expect(bySlug.entries.map((e) => e.index)).toEqual(all.slice(2, 4));
      const platform = (await page('system', '?limit=200')).entries.map((e) => e.index);
      expect(platform.length).toBeGreaterThan(0);
      expect(await walk('system')).toEqual(platform);
    });

    it('hardening 15: cursors are opaque: no index shows through', async () => {
      const first = await page(org.id, '?limit=2');
      const cursor = first.next_cursor ?? '';
      const last = first.entries[1]?.index ?? -1;
      expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toBe(String(last));
      expect(cursor).toMatch(/^[A-Za-z0-9_-]{34}$/);
    });

    it('hardening 15: a tampered, invented, truncated or extended cursor is 400 validation_failed, and nothing is listed', async () => {
      const cursor = (await page(org.id, '?limit=2')).next_cursor ?? '';
      const forged = [
        flipped(cursor, 8), // the index's last byte
        flipped(cursor, 0), // the version
        flipped(cursor, 24), // the tag
        Buffer.from('5').toString('base64url'), // the old format: base64url of an index
        Buffer.alloc(25, 0).toString('base64url'), // invented, the right length
        cursor.slice(0, -1),
        cursor.slice(0, 20),
        `${cursor}A`,
        `${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`,
        'not a cursor at all',
      ];
      for (const bad of forged) {
        const response = await list(org.id, `?limit=2&cursor=${encodeURIComponent(bad)}`);
        const problem = expectProblem(response, 'validation_failed');
        expect(problem.detail, bad).toBe('cursor: is not a cursor this API returned');
        expect(JSON.stringify(problem)).not.toContain('"entries"');
      }
    });

    it("hardening 15: another org's cursor, or the platform listing's, is 400 validation_failed in this org's listing", async () => {
      const theirs = (await page(other.id, '?limit=2')).next_cursor ?? '';
      expectProblem(await list(org.id, `?limit=2&cursor=${theirs}`), 'validation_failed');
      const platform = (await page('system', '?limit=1')).next_cursor ?? '';
      expect(platform).not.toBe('');
      expectProblem(await list(org.id, `?limit=2&cursor=${platform}`), 'validation_failed');
      const ours = (await page(org.id, '?limit=2')).next_cursor ?? '';
      expectProblem(await list('system', `?limit=2&cursor=${ours}`), 'validation_failed');
      expectProblem(await list(other.id, `?limit=2&cursor=${ours}`), 'validation_failed');
    });
  });
}
