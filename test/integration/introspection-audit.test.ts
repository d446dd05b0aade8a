/**
 * `POST /api/v1/oauth/introspect` is a key use (test/fixtures/spec-api-v1.md, "Audit"): each introspection by an
 * authenticated service client leaves an `oauth.introspect` entry naming the client and whether
 * the token was active — never the token itself — on every backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Entry {
  org: string;
  actor: { type: string; id: string | null };
  action: string;
  resource: string;
  result: string;
  details?: Record<string, unknown>;
}

for (const backend of await backends()) {
  describe(`introspection audit on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let org: OrgBody;
    let owner: OrgUser;

    const form = (url: string, body: Record<string, string>, basic: string) =>
      server.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        payload: new URLSearchParams(body).toString(),
      });

    beforeAll(async () => {
      instance = await backend.create();
      server = await testServer(instance, { env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' } });
      ({ org, owner } = await orgWithOwner(server.app, await login(server.app)));
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('records the client and whether the token was active, never the token', async () => {
      const created = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'introspector',
        scopes: ['members.read'],
        auth_method: 'client_secret_basic',
      });
      expect(created.statusCode, created.body).toBe(201);
      const { client_id: id, client_secret: secret } = created.json<{ client_id: string; client_secret: string }>();
      const basic = Buffer.from(`${id}:${secret}`).toString('base64');
      const issued = await form('/api/v1/oauth/token', { grant_type: 'client_credentials' }, basic);
      expect(issued.statusCode, issued.body).toBe(200);
      const token = issued.json<{ access_token: string }>().access_token;

      expect((await form('/api/v1/oauth/introspect', { token }, basic)).json()).toMatchObject({ active: true });
      expect((await form('/api/v1/oauth/introspect', { token: 'not-a-token' }, basic)).json()).toEqual({ active: false });

      const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
      await log.integrate();
      const page = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/audit?action=oauth.introspect&limit=10`);
      expect(page.statusCode, page.body).toBe(200);
      const entries = page.json<{ entries: Entry[] }>().entries;
      expect(entries.map((e) => ({ actor: e.actor, resource: e.resource, result: e.result, details: e.details }))).toEqual([
        { actor: { type: 'service', id }, resource: id, result: 'success', details: { active: false } },
        { actor: { type: 'service', id }, resource: id, result: 'success', details: { active: true } },
      ]);
      expect(JSON.stringify(entries)).not.toContain(token);
      expect(JSON.stringify(entries)).not.toContain(token.split('.')[2] ?? token);
    });
  });
}
