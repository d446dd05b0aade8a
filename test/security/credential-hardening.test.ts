/**
 * Hardening of API keys, service clients and secrets (issue 13), through the real server on every
 * backend. The exploits, each refused with nothing changed:
 * - a control character in a name (a NUL answered 500 on PostgreSQL, an ESC rewrites a terminal);
 * - a change made while the audit log cannot record it (the change must never outlive a lost entry);
 * - a key or client asking for more than its creator holds, leaving no trace in the log;
 * - a megabyte of extra JWK members stored with a private_key_jwt client;
 * - an unsigned (`alg: none`) or signature-stripped client token answered as "no credential".
 */
import type { LightMyRequestResponse } from 'fastify';
import { exportJWK, generateKeyPair } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { jwksProblem } from '../../src/credentials/domain/service-client.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { addMember, as, createOrg, createUser, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

/** The in-memory log, refusing the actions in `failOn` as an unavailable log does. */
class FailingAuditLog extends MemoryAuditLog {
  readonly failOn = new Set<string>();

  override record(event: AuditEvent): Promise<void> {
    if (this.failOn.has(event.action)) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
    return super.record(event);
  }
}

const BAD_NAMES = ['a\u0000b', 'red\u001b[31m', 'line\nbreak', 'evil\u202etxt', 'del\u007f'];

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

for (const backend of await backends()) {
  describe(`credential and secret hardening on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: FailingAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    const count = async (table: 'api_keys' | 'service_clients' | 'secrets' | 'secret_versions' | 'users'): Promise<number> =>
      (await server.stored.db.selectFrom(table).selectAll().execute()).length;
    const footprint = async () => ({
      keys: await count('api_keys'),
      clients: await count('service_clients'),
      secrets: await count('secrets'),
      versions: await count('secret_versions'),
      users: await count('users'),
    });
    const newKey = (grant: Grant, body: object) => as(server.app, grant, 'POST', '/api/v1/api-keys', body);
    const newClient = (grant: Grant, body: object, orgId = org.id) => as(server.app, grant, 'POST', `/api/v1/orgs/${orgId}/clients`, body);
    const clientToken = async (id: string, secret: string): Promise<LightMyRequestResponse> =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(id, secret) },
        payload: 'grant_type=client_credentials',
      });
    const failures = (action: string) => audit.events().filter((e) => e.action === action && e.result === 'failure');

    beforeEach(async () => {
      store = await backend.create();
      audit = new FailingAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, audit });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 1: a control character in a key, client or secret name is 400 validation_failed and nothing is stored', async () => {
      const before = await footprint();
      for (const name of BAD_NAMES) {
        expectProblem(await newKey(owner.grant, { name, scopes: ['org.read'], org: org.id }), 'validation_failed');
        expectProblem(
          await newClient(owner.grant, { name, scopes: ['org.read'], auth_method: 'client_secret_basic' }),
          'validation_failed',
        );
        const secret = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/${encodeURIComponent(name)}`, {
          value: 'v',
        });
        expect(secret.statusCode, name).toBe(400);
        expectProblem(secret, 'validation_failed');
      }
      expect(await footprint()).toEqual(before);
      // The service refuses them too, for callers that bypass the routes (the CLI).
      await expect(
        server.rampart.credentials.clients.createAsOperator(org.id, owner.id, {
          name: 'a\u0000b',
          scopes: ['org.read'],
          authMethod: 'client_secret_basic',
        }),
      ).rejects.toMatchObject({ code: 'validation_failed' });
      expect(await footprint()).toEqual(before);
    });

    it('hardening 1: when the log cannot record, no key, client, secret or user is made, and no revocation happens', async () => {
      const before = await footprint();
      audit.failOn.add('api_key.create').add('client.create').add('secret.write').add('user.create');
      expectProblem(await newKey(owner.grant, { name: 'k', scopes: ['org.read'], org: org.id }), 'audit_unavailable');
      expectProblem(
        await newClient(owner.grant, { name: 'c', scopes: ['org.read'], auth_method: 'client_secret_basic' }),
        'audit_unavailable',
      );
      expectProblem(await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db`, { value: 'v' }), 'audit_unavailable');
      expectProblem(
        await as(server.app, admin, 'POST', '/api/v1/users', { email: 'nobody@example.test', password: 'a long enough password 77' }),
        'audit_unavailable',
      );
      expect(await footprint()).toEqual(before);

      audit.failOn.clear();
      const key = (await newKey(owner.grant, { name: 'k', scopes: ['org.read'], org: org.id })).json<{ id: string; key: string }>();
      const client = (await newClient(owner.grant, { name: 'c', scopes: ['org.read'], auth_method: 'client_secret_basic' })).json<{
        client_id: string;
        client_secret: string;
      }>();
      expect((await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db`, { value: 'v1' })).statusCode).toBe(200);

      audit.failOn.add('api_key.revoke').add('client.revoke').add('secret.delete').add('secret.write').add('user.update');
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${key.id}`), 'audit_unavailable');
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/clients/${client.client_id}`), 'audit_unavailable');
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/secrets/db`), 'audit_unavailable');
      expectProblem(await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/db`, { value: 'v2' }), 'audit_unavailable');
      expectProblem(await as(server.app, admin, 'PATCH', `/api/v1/users/${owner.id}`, { disabled: true }), 'audit_unavailable');

      // Everything still stands and still works.
      const headers = { authorization: `Bearer ${key.key}` };
      expect((await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers })).statusCode).toBe(200);
      expect((await clientToken(client.client_id, client.client_secret)).statusCode).toBe(200);
      const revealed = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/secrets/db/reveal`, {});
      expect(revealed.json()).toEqual({ value: 'v1', version: 1 });
      const row = await server.stored.db.selectFrom('users').select('status').where('id', '=', owner.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('active');
    });

    it('hardening 2: a key or client with a scope beyond the creator is 403, recorded as a failure, and nothing is stored', async () => {
      // An org admin holds everything in the org but org.delete; nobody but a platform admin holds users.manage.
      const adminOrg = await createOrg(server.app, admin);
      const orgAdmin = await createUser(server.app, admin);
      await addMember(server.app, admin, adminOrg.id, orgAdmin.id, 'admin');
      const before = await footprint();

      expectProblem(await newKey(owner.grant, { name: 'k', scopes: ['users.manage'] }), 'forbidden');
      expectProblem(await newKey(orgAdmin.grant, { name: 'k', scopes: ['org.delete'], org: adminOrg.id }), 'forbidden');
      expect(failures('api_key.create').map((e) => [e.actor.id, e.reason, e.details?.['scope']])).toEqual([
        [owner.id, 'scope_beyond_creator', 'users.manage'],
        [orgAdmin.id, 'scope_beyond_creator', 'org.delete'],
      ]);

      expectProblem(
        await newClient(orgAdmin.grant, { name: 'c', scopes: ['org.delete'], auth_method: 'client_secret_basic' }, adminOrg.id),
        'forbidden',
      );
      expectProblem(await newClient(owner.grant, { name: 'c', scopes: ['users.manage'], auth_method: 'client_secret_basic' }), 'forbidden');
      expect(failures('client.create').map((e) => [e.org, e.actor.id, e.reason, e.details?.['scope']])).toEqual([
        [adminOrg.id, orgAdmin.id, 'scope_beyond_creator', 'org.delete'],
        [org.id, owner.id, 'platform_scope', 'users.manage'],
      ]);
      expect(await footprint()).toEqual(before);
    });

    it('hardening 12: extra or oversized JWK members are 400 and no client is stored', async () => {
      const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
      const jwk = await exportJWK(publicKey);
      const register = (keys: object[]) =>
        newClient(owner.grant, { name: 'jwt', scopes: ['org.read'], auth_method: 'private_key_jwt', jwks: { keys } });
      const before = await footprint();
      const refused = [
        [{ ...jwk, padding: 'x'.repeat(100_000) }],
        [{ ...jwk, x5c: ['MIIB'] }],
        [{ ...jwk, d: 'private' }],
        [{ ...jwk, x: 'x'.repeat(5000) }],
        [{ ...jwk, n: 'AQAB' }], // an RSA member on an OKP key
        [{ kty: 'RSA', e: 'AQAB' }], // no modulus
        Array.from({ length: 11 }, () => jwk),
      ];
      for (const keys of refused) expectProblem(await register(keys), 'validation_failed');
      expect(await footprint()).toEqual(before);
      // The domain rule (the CLI's path) refuses the same, and caps the whole set.
      expect(jwksProblem({ keys: [{ ...jwk, padding: 'x' }] })).toMatch(/does not have/);
      expect(jwksProblem({ keys: Array.from({ length: 10 }, () => ({ kty: 'RSA', e: 'AQAB', n: 'n'.repeat(2048) })) })).toMatch(/bytes/);
      expect(jwksProblem({ keys: [jwk] })).toBeUndefined();
      // The key alone registers.
      expect((await register([{ ...jwk, kid: 'k1', alg: 'EdDSA', use: 'sig' }])).statusCode).toBe(201);
    });

    it('hardening 14: an unsigned, signature-stripped or framed-wrong client token or key is 401 token_invalid, not unauthenticated', async () => {
      const client = (await newClient(owner.grant, { name: 'c', scopes: ['org.read'], auth_method: 'client_secret_basic' })).json<{
        client_id: string;
        client_secret: string;
      }>();
      const token = (await clientToken(client.client_id, client.client_secret)).json<{ access_token: string }>().access_token;
      const [header, payload] = token.split('.');
      const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
      const presented = [`${header}.${payload}.`, `${none}.${payload}.`, `${header}..`, `..`, `rk_ ${'a'.repeat(43)}`];
      for (const credential of presented) {
        const response = await server.app.inject({
          method: 'GET',
          url: `/api/v1/orgs/${org.id}`,
          headers: { authorization: `Bearer ${credential}` },
        });
        expect(response.statusCode, credential).toBe(401);
        expect(response.json<{ code: string }>().code, credential).toBe('token_invalid');
        expect(response.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      }
      // Each credentials authenticator refuses them itself, whatever the layer would make of a "none".
      const [keys, clients] = server.rampart.credentials.authenticators;
      const ask = (authorization: string) => ({
        method: 'GET',
        authorization,
        cookie: undefined,
        ip: '192.0.2.9',
        userAgent: undefined,
        headers: {},
      });
      for (const credential of presented.slice(0, 4)) {
        expect(await clients?.authenticate(ask(`Bearer ${credential}`)), credential).toMatchObject({
          outcome: 'rejected',
          code: 'token_invalid',
        });
      }
      expect(await keys?.authenticate(ask(`Bearer rk_ ${'a'.repeat(43)}`))).toMatchObject({ outcome: 'rejected', code: 'token_invalid' });
      // The real token still works.
      const ok = await server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
    });
  });
}
