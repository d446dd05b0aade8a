/**
 * `rampart/fastify` and `rampart/express` against a REAL Rampart listening on a socket (issue 21
 * item 3), with a real Fastify app and a real Express app: a valid token passes and maps to a
 * principal; a forged, expired or wrong-audience token is refused; a logout in Rampart is refused
 * by the app as soon as the feed delivers it; a membership change drops the cached decision; the
 * feed resumes with Last-Event-ID after its connection drops (a TCP proxy plays the network), and
 * while it is down past its bound every token is refused (fail closed, 503).
 * The middleware is storage-independent: one backend (SQLite) is enough here.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampartExpress, type RampartExpress } from '../../src/middleware/express.js';
import { rampartFastify } from '../../src/middleware/fastify.js';
import { RampartGuard } from '../../src/middleware/rampart-guard.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { clientToken, eventually, registerClient, type WatchClient } from '../helpers/revocation-feed.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';

const ISSUER = ADMIN_ENV.RAMPART_PUBLIC_URL!;

function portOf(address: AddressInfo | string | null): number {
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('application middleware against a real Rampart', () => {
  let store: BackendInstance;
  let server: TestServer;
  let proxy: TcpProxy;
  let rampartUrl: string;
  let admin: Grant;
  let org: OrgBody;
  let owner: OrgUser;
  let client: WatchClient;
  let fastifyApp: FastifyInstance;
  let expressGuard: RampartExpress;
  let expressUrl: string;
  let closeExpress: () => Promise<void>;
  let authzCalls = 0;
  const countingFetch: typeof fetch = (input, init) => {
    if (String(input instanceof Request ? input.url : input).endsWith('/api/v1/authz/check')) authzCalls += 1;
    return fetch(input, init);
  };

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_REVOCATION_HEARTBEAT: '1' } });
    await server.app.listen({ port: 0, host: '127.0.0.1' });
    proxy = await TcpProxy.start(`http://127.0.0.1:${portOf(server.app.server.address())}`);
    rampartUrl = proxy.url('http://127.0.0.1:1').replace(/\/$/, '');
    admin = await login(server.app);
    ({ org, owner } = await orgWithOwner(server.app, admin));
    client = await registerClient(server.app, owner.grant, org.id, ['sessions.watch']);
    const options = { url: rampartUrl, issuer: ISSUER, client, feedStaleAfterMs: 3000, fetch: countingFetch };

    fastifyApp = Fastify();
    await fastifyApp.register(rampartFastify, options);
    fastifyApp.get('/whoami', { preHandler: fastifyApp.rampartAuthenticate }, async (request) => request.rampart);
    fastifyApp.get<{ Params: { org: string } }>(
      '/orgs/:org/people',
      {
        preHandler: [fastifyApp.rampartAuthenticate, fastifyApp.rampartAuthorize('members.read', (r) => (r.params as { org: string }).org)],
      },
      async () => ({ ok: true }),
    );
    await fastifyApp.ready();

    expressGuard = rampartExpress(options);
    await expressGuard.ready;
    const app = express();
    app.get('/whoami', expressGuard.authenticate, (_req, res) => {
      res.json(res.locals.rampart);
    });
    app.get(
      '/orgs/:org/people',
      expressGuard.authenticate,
      expressGuard.authorize('members.read', (req) => String(req.params.org)),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    const listening = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
    expressUrl = `http://127.0.0.1:${portOf(listening.address())}`;
    closeExpress = () => new Promise<void>((resolve) => listening.close(() => resolve()));
  });

  afterAll(async () => {
    await fastifyApp?.close();
    await expressGuard?.close();
    await closeExpress?.();
    await proxy?.close();
    await server?.close();
    await store?.cleanup();
  });

  const viaFastify = (path: string, token: string) =>
    fastifyApp.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${token}` } });
  const viaExpress = async (path: string, token: string) => {
    const response = await fetch(`${expressUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { statusCode: response.status, body: await response.text() };
  };
  const both = async (path: string, token: string) => [await viaFastify(path, token), await viaExpress(path, token)];

  it('adoption 3: a valid token passes both apps and maps to {userId, sessionId, org, scope}', async () => {
    for (const response of await both('/whoami', owner.grant.access_token)) {
      expect(response.statusCode, response.body).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ userId: owner.id, sessionId: owner.grant.session_id });
    }
  });

  it('adoption 3: a forged, an expired and a wrong-audience token are refused (401)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA');
    const kid = decodeProtectedHeader(owner.grant.access_token).kid!;
    await exportJWK(publicKey);
    const forged = await new SignJWT({ sid: owner.grant.session_id, scope: 'org.read' })
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'at+jwt' })
      .setIssuer(ISSUER)
      .setAudience(ISSUER)
      .setSubject(owner.id)
      .setJti('forged')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    for (const response of await both('/whoami', forged)) {
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'token_invalid' });
    }
    const later = new RampartGuard({ url: rampartUrl, issuer: ISSUER, now: () => Date.now() + 20 * 60_000 });
    const expired = await later.authenticate(`Bearer ${owner.grant.access_token}`);
    expect(expired).toMatchObject({ ok: false, refusal: { status: 401, code: 'token_expired' } });
    const elsewhere = new RampartGuard({ url: rampartUrl, issuer: ISSUER, audience: 'https://another.app.example' });
    expect(await elsewhere.authenticate(`Bearer ${owner.grant.access_token}`)).toMatchObject({
      ok: false,
      refusal: { code: 'token_invalid' },
    });
    expect((await viaFastify('/whoami', '')).statusCode).toBe(401);
  });

  it('promises 4: an application pins its own audience: a token asked for it (RFC 8707) passes, Rampart’s own does not', async () => {
    const created = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
      name: 'vms',
      scopes: ['org.read'],
      auth_method: 'client_secret_basic',
      audiences: ['https://vms.app.example'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ client_id: string; client_secret: string }>();
    const vms = { id: body.client_id, secret: body.client_secret };
    const guard = new RampartGuard({ url: rampartUrl, issuer: ISSUER, audience: 'https://vms.app.example' });
    const forApp = await clientToken(server.app, vms, { resource: 'https://vms.app.example' });
    expect(await guard.authenticate(`Bearer ${forApp}`)).toMatchObject({
      ok: true,
      principal: { userId: vms.id, clientId: vms.id, org: org.id },
    });
    expect(await guard.authenticate(`Bearer ${owner.grant.access_token}`)).toMatchObject({ ok: false, refusal: { code: 'token_invalid' } });
  });

  it('adoption 3: after a logout in Rampart both apps refuse the token as soon as the feed delivers it', async () => {
    const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
    for (const response of await both('/whoami', member.grant.access_token)) expect(response.statusCode).toBe(200);
    expect((await as(server.app, member.grant, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    await eventually(async () => (await viaFastify('/whoami', member.grant.access_token)).statusCode === 401, 2000, 'fastify refusal');
    await eventually(async () => (await viaExpress('/whoami', member.grant.access_token)).statusCode === 401, 2000, 'express refusal');
    expect(JSON.parse((await viaExpress('/whoami', member.grant.access_token)).body)).toMatchObject({ code: 'session_revoked' });
  });

  it('adoption 3: authorize caches the decision; a membership change drops it at once', async () => {
    const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
    const path = `/orgs/${org.id}/people`;
    expect((await viaFastify(path, member.grant.access_token)).statusCode).toBe(403);
    const calls = authzCalls;
    expect((await viaFastify(path, member.grant.access_token)).statusCode).toBe(403);
    expect(authzCalls).toBe(calls);
    const patch = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/members/${member.id}`, { role: 'admin' });
    expect(patch.statusCode, patch.body).toBe(200);
    await eventually(async () => (await viaFastify(path, member.grant.access_token)).statusCode === 200, 2000, 'fastify allow');
    await eventually(async () => (await viaExpress(path, member.grant.access_token)).statusCode === 200, 2000, 'express allow');
  });

  it('adoption 3: the feed resumes with Last-Event-ID after a drop; down past its bound, every token is refused (503)', async () => {
    const member = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
    const guard = fastifyApp.rampartGuard;
    await proxy.stop();
    // Logged out while the apps' feed is cut: only a resume from the durable position brings it.
    expect((await as(server.app, member.grant, 'POST', '/api/v1/auth/logout')).statusCode).toBe(204);
    await eventually(() => !guard.live, 6000, 'the feed to count as down');
    const down = await viaFastify('/whoami', owner.grant.access_token);
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ code: 'revocation_feed_unavailable' });
    await proxy.resume();
    await eventually(() => guard.live, 8000, 'the feed to come back');
    await eventually(
      async () => (await viaFastify('/whoami', member.grant.access_token)).statusCode === 401,
      2000,
      'the missed revocation',
    );
    expect((await viaFastify('/whoami', owner.grant.access_token)).statusCode).toBe(200);
  });
});
