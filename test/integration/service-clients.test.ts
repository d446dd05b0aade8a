/**
 * OAuth 2 service clients through the real server on every backend:
 * registration under `clients.manage` with scopes bounded by the creator, the `client_credentials`
 * grant with `client_secret_basic` (RFC 6749 §2.3.1, §4.4) and `private_key_jwt` (RFC 7523),
 * RFC 6749 §5.2 error bodies, introspection (RFC 7662), revocation (RFC 7009), and revoking a
 * client with every token it holds.
 */
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { hashClientSecret } from '../../src/credentials/crypto/client-secret.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ISSUER = ADMIN_ENV.RAMPART_PUBLIC_URL!;
const TOKEN_URL = `${ISSUER}/api/v1/oauth/token`;
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface CreatedClient {
  client_id: string;
  client_secret?: string;
  scopes: string[];
  org: string;
  auth_method: string;
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function expectOAuthError(response: LightMyRequestResponse, error: string, status = error === 'invalid_client' ? 401 : 400): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json()).toMatchObject({ error });
  expect(response.headers['cache-control']).toBe('no-store');
  if (status === 401) expect(response.headers['www-authenticate']).toMatch(/^Basic /);
}

for (const backend of await backends()) {
  describe(`service clients on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    const post = (url: string, body: string, headers: Record<string, string> = {}) =>
      server.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: body,
      });
    const tokenRequest = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      post('/api/v1/oauth/token', form(body), headers);

    async function register(grant: Grant, body: object, orgRef = org.id): Promise<CreatedClient> {
      const response = await as(server.app, grant, 'POST', `/api/v1/orgs/${orgRef}/clients`, body);
      expect(response.statusCode, response.body).toBe(201);
      return response.json<CreatedClient>();
    }

    async function secretToken(
      client: CreatedClient,
      scope?: string,
    ): Promise<{ access_token: string; scope: string; expires_in: number }> {
      const response = await tokenRequest(
        { grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) },
        { authorization: basic(client.client_id, client.client_secret ?? '') },
      );
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    }

    const members = (token: string, orgRef = org.id) =>
      server.app.inject({ method: 'GET', url: `/api/v1/orgs/${orgRef}/members`, headers: { authorization: `Bearer ${token}` } });

    beforeEach(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('client_secret_basic: registered under clients.manage, secret shown once and stored hashed, token acts within its scopes', async () => {
      const client = await register(owner.grant, {
        name: 'billing',
        scopes: ['members.read', 'org.read'],
        auth_method: 'client_secret_basic',
      });
      expect(client.client_id).toMatch(/^cli_[0-9a-f]{32}$/);
      expect(client.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const row = await server.stored.db
        .selectFrom('service_clients')
        .selectAll()
        .where('id', '=', client.client_id)
        .executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(hashClientSecret(client.client_secret ?? ''));
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/clients`);
      expect(list.statusCode).toBe(200);
      expect(list.body).not.toContain(client.client_secret);
      expect(list.json<{ items: CreatedClient[] }>().items).toEqual([expect.objectContaining({ client_id: client.client_id })]);

      const token = await secretToken(client, 'members.read');
      expect(token).toMatchObject({ token_type: 'Bearer', scope: 'members.read' });
      expect(token.expires_in).toBeGreaterThan(0);
      const claims = JSON.parse(Buffer.from(token.access_token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
      expect(claims).toMatchObject({ sub: client.client_id, client_id: client.client_id, org: org.id, scope: 'members.read', iss: ISSUER });
      expect((await members(token.access_token)).statusCode).toBe(200);
      expectProblem(
        await server.app.inject({
          method: 'GET',
          url: `/api/v1/orgs/${org.id}`,
          headers: { authorization: `Bearer ${token.access_token}` },
        }),
        'forbidden',
      );
      // No scope asked: all of the client's.
      expect((await secretToken(client)).scope).toBe('members.read org.read');
      expect(audit.events().some((e) => e.action === 'client.create' && e.resource === client.client_id)).toBe(true);
      expect(audit.events().some((e) => e.action === 'oauth.token' && e.actor.id === client.client_id)).toBe(true);
      expect(JSON.stringify(audit.events())).not.toContain(client.client_secret);
    });

    it('refuses to register scopes beyond the creator (403) or without clients.manage (403), storing nothing', async () => {
      const operator = await userWithRole(server.app, admin, owner.grant, org, 'operator');
      expectProblem(
        await as(server.app, operator.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'x',
          scopes: ['org.read'],
          auth_method: 'client_secret_basic',
        }),
        'forbidden',
      );
      const manager = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      expectProblem(
        await as(server.app, manager.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'x',
          scopes: ['org.delete'],
          auth_method: 'client_secret_basic',
        }),
        'forbidden',
      );
      expectProblem(
        await as(server.app, manager.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'x',
          scopes: ['users.manage'],
          auth_method: 'client_secret_basic',
        }),
        'forbidden',
      );
      expectProblem(
        await as(server.app, manager.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'x',
          scopes: ['org.read'],
          auth_method: 'private_key_jwt',
        }),
        'validation_failed',
      );
      expectProblem(
        await as(server.app, manager.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'x',
          scopes: ['org.read'],
          auth_method: 'private_key_jwt',
          jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'private' }] },
        }),
        'validation_failed',
      );
      expect(await server.stored.db.selectFrom('service_clients').select('id').execute()).toEqual([]);
    });

    it('token endpoint errors are RFC 6749 §5.2 bodies: invalid_client, invalid_scope, unsupported_grant_type, invalid_request', async () => {
      const client = await register(owner.grant, { name: 'c', scopes: ['members.read'], auth_method: 'client_secret_basic' });
      const good = { authorization: basic(client.client_id, client.client_secret ?? '') };
      expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'wrong-secret') }),
        'invalid_client',
      );
      expectOAuthError(
        await tokenRequest(
          { grant_type: 'client_credentials' },
          { authorization: basic(client.client_id, `${client.client_secret ?? ''}x`) },
        ),
        'invalid_client',
      );
      expectOAuthError(
        await tokenRequest(
          { grant_type: 'client_credentials' },
          { authorization: basic('cli_00000000000000000000000000000000', client.client_secret ?? '') },
        ),
        'invalid_client',
      );
      expectOAuthError(await tokenRequest({ grant_type: 'client_credentials' }), 'invalid_client');
      expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials', scope: 'members.read members.manage' }, good),
        'invalid_scope',
      );
      expectOAuthError(await tokenRequest({ grant_type: 'password', username: 'a', password: 'b' }, good), 'unsupported_grant_type');
      expectOAuthError(await tokenRequest({}, good), 'invalid_request');
      expectOAuthError(
        await post('/api/v1/oauth/token', 'grant_type=client_credentials&grant_type=client_credentials', good),
        'invalid_request',
      );
      const json = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: good,
        payload: { grant_type: 'client_credentials' },
      });
      expectOAuthError(json, 'invalid_request');
      expect(audit.events().filter((e) => e.action === 'oauth.client_authentication' && e.result === 'failure')).toHaveLength(2);
    });

    it('private_key_jwt: a signed assertion gets a token; forged, replayed, expired, long-lived or wrong-audience ones are invalid_client', async () => {
      const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'EdDSA' };
      const client = await register(owner.grant, {
        name: 'jwt',
        scopes: ['members.read'],
        auth_method: 'private_key_jwt',
        jwks: { keys: [jwk] },
      });
      expect(client).not.toHaveProperty('client_secret');
      const assertion = async (key: CryptoKey, claims: { aud?: string; expIn?: number; jti?: string; sub?: string } = {}) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
          .setIssuer(claims.sub ?? client.client_id)
          .setSubject(claims.sub ?? client.client_id)
          .setAudience(claims.aud ?? TOKEN_URL)
          .setIssuedAt(Math.floor(clock.now() / 1000))
          .setExpirationTime(Math.floor(clock.now() / 1000) + (claims.expIn ?? 60))
          .setJti(claims.jti ?? randomUUID())
          .sign(key);
      const withAssertion = (value: string) =>
        tokenRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: value });

      const first = await assertion(privateKey);
      const granted = await withAssertion(first);
      expect(granted.statusCode, granted.body).toBe(200);
      expect((await members(granted.json<{ access_token: string }>().access_token)).statusCode).toBe(200);
      expect((await withAssertion(await assertion(privateKey, { aud: ISSUER }))).statusCode).toBe(200);

      expectOAuthError(await withAssertion(first), 'invalid_client'); // replayed jti
      const other = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      expectOAuthError(await withAssertion(await assertion(other.privateKey)), 'invalid_client'); // forged
      expectOAuthError(await withAssertion(await assertion(privateKey, { aud: 'https://elsewhere.example/token' })), 'invalid_client');
      expectOAuthError(await withAssertion(await assertion(privateKey, { expIn: 3600 })), 'invalid_client'); // too long-lived
      // An assertion made for another server, replayed here with that server's Host header.
      const elsewhere = await assertion(privateKey, { aud: 'http://elsewhere.example/api/v1/oauth/token' });
      const spoofed = await post(
        '/api/v1/oauth/token',
        form({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: elsewhere }),
        { host: 'elsewhere.example' },
      );
      expectOAuthError(spoofed, 'invalid_client');
      const stale = await assertion(privateKey, { expIn: 30 });
      clock.advance(60_000);
      expectOAuthError(await withAssertion(stale), 'invalid_client'); // expired
      const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: client.client_id, sub: client.client_id, aud: TOKEN_URL, exp: Math.floor(clock.now() / 1000) + 60, jti: 'x' })).toString('base64url')}.`;
      expectOAuthError(await withAssertion(none), 'invalid_client');
      expectOAuthError(
        await tokenRequest({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:other',
          client_assertion: await assertion(privateKey),
        }),
        'invalid_request',
      );
      // A secret is no way into a private_key_jwt client.
      expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, 'anything') }),
        'invalid_client',
      );
    });

    it('introspection (RFC 7662) and revocation (RFC 7009): revoked, unknown and other-org tokens are inactive', async () => {
      const client = await register(owner.grant, { name: 'rs', scopes: ['members.read'], auth_method: 'client_secret_basic' });
      const auth = { authorization: basic(client.client_id, client.client_secret ?? '') };
      const token = (await secretToken(client)).access_token;
      const introspect = async (value: string, headers = auth) => post('/api/v1/oauth/introspect', form({ token: value }), headers);
      const active = await introspect(token);
      expect(active.statusCode, active.body).toBe(200);
      expect(active.json()).toMatchObject({
        active: true,
        client_id: client.client_id,
        scope: 'members.read',
        org: org.id,
        token_type: 'Bearer',
      });
      expect((await introspect('not-a-token')).json()).toEqual({ active: false });
      expectOAuthError(await introspect(token, { authorization: basic(client.client_id, 'wrong') }), 'invalid_client');

      // A client of another org learns nothing about this org's tokens.
      const other = await orgWithOwner(server.app, admin);
      const outsider = await register(
        other.owner.grant,
        { name: 'o', scopes: ['org.read'], auth_method: 'client_secret_basic' },
        other.org.id,
      );
      expect((await introspect(token, { authorization: basic(outsider.client_id, outsider.client_secret ?? '') })).json()).toEqual({
        active: false,
      });
      // …and cannot revoke it.
      const foreign = await post('/api/v1/oauth/revoke', form({ token }), {
        authorization: basic(outsider.client_id, outsider.client_secret ?? ''),
      });
      expectOAuthError(foreign, 'unauthorized_client');
      expect((await members(token)).statusCode).toBe(200);

      const revoked = await post('/api/v1/oauth/revoke', form({ token, token_type_hint: 'access_token' }), auth);
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect((await introspect(token)).json()).toEqual({ active: false });
      expectProblem(await members(token), 'token_invalid');
      // Unknown tokens: 200, nothing happens (RFC 7009 §2.2).
      expect((await post('/api/v1/oauth/revoke', form({ token: 'whatever' }), auth)).statusCode).toBe(200);
      // The client itself still works.
      expect((await members((await secretToken(client)).access_token)).statusCode).toBe(200);
    });

    it('deleting a client revokes it and every token it holds at once', async () => {
      const client = await register(owner.grant, { name: 'doomed', scopes: ['members.read'], auth_method: 'client_secret_basic' });
      const token = (await secretToken(client)).access_token;
      expect((await members(token)).statusCode).toBe(200);
      const removed = await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/clients/${client.client_id}`);
      expect(removed.statusCode).toBe(204);
      expectProblem(await members(token), 'token_invalid');
      expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret ?? '') }),
        'invalid_client',
      );
      expect(audit.events().some((e) => e.action === 'client.revoke' && e.resource === client.client_id)).toBe(true);
      // A restarted instance still refuses the token (seeded from the store).
      const again = await testServer(store, { env: ADMIN_ENV, clock });
      try {
        expectProblem(
          await again.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}/members`, headers: { authorization: `Bearer ${token}` } }),
          'token_invalid',
        );
      } finally {
        await again.close();
      }
    });

    it("a client of org A cannot act in org B (404), nor manage A's clients from B", async () => {
      const client = await register(owner.grant, { name: 'a', scopes: ['members.read'], auth_method: 'client_secret_basic' });
      const token = (await secretToken(client)).access_token;
      const other = await as(server.app, owner.grant, 'POST', '/api/v1/orgs', { name: 'B', slug: `b-${org.slug}` });
      const b = other.json<OrgBody>();
      expectProblem(await members(token, b.id), 'not_found');
      expectProblem(await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${b.id}/clients/${client.client_id}`), 'not_found');
      expect((await members(token)).statusCode).toBe(200);
    });

    it('a creator who loses a permission takes it from the client: at use, and at the token endpoint', async () => {
      const manager = await userWithRole(server.app, admin, owner.grant, org, 'admin');
      const client = await register(manager.grant, { name: 'bounded', scopes: ['members.read'], auth_method: 'client_secret_basic' });
      const token = (await secretToken(client)).access_token;
      expect((await members(token)).statusCode).toBe(200);
      await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${manager.id}`, { role: 'viewer' });
      expectProblem(await members(token), 'forbidden');
      expectOAuthError(
        await tokenRequest({ grant_type: 'client_credentials' }, { authorization: basic(client.client_id, client.client_secret ?? '') }),
        'invalid_scope',
      );
    });
  });
}
