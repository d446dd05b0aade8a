import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Authenticator, CredentialRequest } from '../../src/kernel/ports/authenticator.js';
import type { AuthenticationResult } from '../../src/kernel/domain/principal.js';
import { buildServer } from '../../src/http/server.js';
import { createRampart } from '../../src/rampart.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { expectProblem } from '../helpers/problems.js';
import { LogCapture, testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const GOOD_TOKEN = 'good-token-usr_1';
const BAD_TOKEN = 'revoked-token';

/** The Authenticator port, as the identity service will fill it: one valid token, one refused. */
const tokenAuthenticator: Authenticator = {
  name: 'test-bearer',
  authenticate(request: CredentialRequest): Promise<AuthenticationResult> {
    if (request.authorization === `Bearer ${GOOD_TOKEN}`) {
      return Promise.resolve({ outcome: 'authenticated', principal: { type: 'user', id: 'usr_1', via: 'bearer' } });
    }
    if (request.authorization === `Bearer ${BAD_TOKEN}`) return Promise.resolve({ outcome: 'rejected', code: 'token_invalid' });
    return Promise.resolve({ outcome: 'none' });
  },
};

const declaredRoutes = async (app: FastifyInstance) => {
  app.get('/test/public', { config: { access: 'public' } }, async (request) => ({ principal: request.principal?.id ?? null }));
  app.get('/test/me', { config: { access: 'authenticated' } }, async (request) => ({ principal: request.principal?.id ?? null }));
  app.get('/test/admin', { config: { access: { permission: 'widgets.manage', scope: 'platform' } } }, async () => ({ ok: true }));
};

describe('the server refuses to start', () => {
  let store: BackendInstance;

  beforeAll(async () => {
    store = await sqliteBackend.create();
  });

  afterAll(async () => {
    await store.cleanup();
  });

  /** Builds the server with `routes` and returns why it refused to start; the stores are closed either way. */
  async function startFailure(routes: (app: FastifyInstance) => Promise<void>): Promise<unknown> {
    const config = testConfig(store);
    const rampart = await createRampart(config, { logger: createLogger('silent', new LogCapture()) });
    try {
      const app = await buildServer(rampart, routes);
      await app.close();
      return undefined;
    } catch (error) {
      return error;
    } finally {
      await rampart.close();
    }
  }

  it('when a route declares no access, naming the method and URL', async () => {
    const error = await startFailure(async (app) => {
      app.get('/test/forgotten', async () => ({ ok: true }));
    });
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toMatch(/route GET \/test\/forgotten declares no access/);
  });

  it('through testServer too (the promise rejects)', async () => {
    await expect(
      testServer(store, {
        routes: async (app) => {
          app.post('/test/forgotten-post', async () => ({ ok: true }));
        },
      }),
    ).rejects.toThrow(/POST \/test\/forgotten-post/);
  });

  for (const [name, access] of [
    ['a permission that is not a dotted name', { permission: 'x' }],
    ['a permission without a scope', { permission: 'widgets.manage' }],
    ['an unknown scope', { permission: 'widgets.manage', scope: 'galaxy' }],
    ['an unknown word', 'everyone'],
    ['null', null],
  ] as const) {
    it(`when a route declares ${name}`, async () => {
      const error = await startFailure(async (app) => {
        // Deliberately malformed: what a typo or a missing cast in a route file would produce.
        app.get('/test/malformed', { config: { access: access as never } }, async () => ({ ok: true }));
      });
      expect(String(error)).toMatch(/route GET \/test\/malformed /);
    });
  }

  it('and starts when every route declares its access (the refusals above are not blanket)', async () => {
    expect(await startFailure(declaredRoutes)).toBeUndefined();
  });
});

describe('access at run time with no authenticator (the default)', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { routes: declaredRoutes });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('answers an anonymous call to an authenticated route 401 unauthenticated with WWW-Authenticate: Bearer', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/me' });
    expectProblem(response, 'unauthenticated');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('answers an anonymous call to a permission route 401, even with the deny-all authorizer', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/admin' });
    expectProblem(response, 'unauthenticated');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  it('hardening 14: does not take a credential nobody can verify as a caller: 401 token_invalid, not unauthenticated', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/me', headers: { authorization: `Bearer ${GOOD_TOKEN}` } });
    expectProblem(response, 'token_invalid');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('lets anyone call a public route', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/public' });
    expect(response.statusCode).toBe(200);
  });
});

describe('access at run time with an authenticator', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { routes: declaredRoutes, authenticators: [tokenAuthenticator] });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('lets an authenticated caller into an authenticated route', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/me', headers: { authorization: `Bearer ${GOOD_TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ principal: 'usr_1' });
  });

  it('answers an authenticated caller without the permission 403 forbidden (deny-all authorizer)', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/admin', headers: { authorization: `Bearer ${GOOD_TOKEN}` } });
    expectProblem(response, 'forbidden');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('answers a rejected token on a non-public route 401 token_invalid with an invalid_token challenge', async () => {
    for (const url of ['/test/me', '/test/admin']) {
      const response = await server.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${BAD_TOKEN}` } });
      expectProblem(response, 'token_invalid');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    }
  });

  it('answers a public route the same to a rejected token as to no token', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/test/public', headers: { authorization: `Bearer ${BAD_TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ principal: null });
  });

  it('hardening 14: answers a credential no authenticator recognises 401 token_invalid; a missing one stays unauthenticated', async () => {
    for (const authorization of ['Bearer someone-else', 'Basic dXNlcjpwYXNz', 'Token abc']) {
      const response = await server.app.inject({ method: 'GET', url: '/test/me', headers: { authorization } });
      expectProblem(response, 'token_invalid');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    }
    expectProblem(await server.app.inject({ method: 'GET', url: '/test/me' }), 'unauthenticated');
    // A cookie header is not a credential by itself: a browser sends the host's other cookies too.
    expectProblem(await server.app.inject({ method: 'GET', url: '/test/me', headers: { cookie: 'theme=dark' } }), 'unauthenticated');
  });
});
