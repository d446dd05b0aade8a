/**
 * Issue 17 item 5: JWTs of trusted external issuers accepted as bearer tokens, against a real
 * OpenID Provider (`oidc-provider`) started here on loopback: its `/jwks` publishes the keys, and
 * its client-credentials grant (with a resource indicator) issues real JWT access tokens; tokens of
 * a second configured issuer are signed here with the provider's own private keys. On SQLite and
 * PostgreSQL: the mapped users and orgs are stored rows.
 *
 * The exploits: a token from an issuer nobody configured, for another audience, with an algorithm
 * outside the list (HMAC with a guessable secret, RSA-PSS), living longer than allowed, expired or
 * not yet valid, signed by a key the issuer never published under a published `kid`, naming an
 * unknown `kid` to make Rampart hammer the issuer, or naming an org the issuer may not speak for.
 * Each is refused with 401 `token_invalid`, audited, and leaves nothing changed.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustedIssuer } from '../../src/federation/issuers/compose-issuers.js';
import { parseTrustedIssuers } from '../../src/federation/issuers/domain/trusted-issuer.js';
import { trustedIssuerDoctorChecks } from '../../src/federation/issuers/doctor.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent, AuditLog } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createOrg, createUser, inviteMember, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testConfig, testServer, type TestServer } from '../helpers/rampart.js';

const AUDIENCE = 'https://rampart.test/api';
const MARKET_CLIENT = 'marketplace';
const MARKET_SECRET = 'a client secret only this test knows 0123456789';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256';
  readonly pair: KeyPair;
  readonly privateJwk: JWK;
}

async function signingKey(kid: string, alg: 'RS256' | 'ES256'): Promise<SigningKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, pair, privateJwk: { ...(await exportJWK(pair.privateKey)), kid, alg, use: 'sig' } };
}

type ProviderConstructor = new (issuer: string, configuration: object) => { callback(): RequestListener };

/**
 * A real OpenID Provider on loopback whose keys can be rotated: a rotation builds a new provider
 * with the new `jwks` and swaps it in behind the same socket. Counts the requests to `/jwks`.
 */
class LocalProvider {
  jwksRequests = 0;
  #handler: RequestListener | undefined;
  readonly #server: Server;
  #url = '';
  #orgClaim = '';

  constructor() {
    this.#server = createServer((request: IncomingMessage, response: ServerResponse) => {
      if (request.url?.startsWith('/jwks') === true) this.jwksRequests += 1;
      if (this.#handler === undefined) response.writeHead(503).end();
      else this.#handler(request, response);
    });
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Serves `keys` (the first signs the provider's own tokens); its access tokens carry `org`. */
  async use(keys: readonly SigningKey[], org: string): Promise<void> {
    this.#orgClaim = org;
    // oidc-provider ships no type declarations: a computed specifier keeps the checker out of it.
    const specifier = 'oidc-provider';
    const { default: Provider } = (await import(specifier)) as { default: ProviderConstructor };
    const signer = keys[0];
    const provider = new Provider(this.#url, {
      jwks: { keys: keys.map((key) => key.privateJwk) },
      clients: [
        {
          client_id: MARKET_CLIENT,
          client_secret: MARKET_SECRET,
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            audience: AUDIENCE,
            scope: 'org.read resources.read',
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: signer?.alg ?? 'RS256' } },
          }),
        },
      },
      extraTokenClaims: () => ({ org: this.#orgClaim }),
    });
    this.#handler = provider.callback();
  }

  /** A JWT access token from the provider's client-credentials grant (RFC 6749 §4.4, RFC 8707). */
  async clientCredentialsToken(): Promise<string> {
    const response = await fetch(`${this.#url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: MARKET_CLIENT,
        client_secret: MARKET_SECRET,
        resource: AUDIENCE,
        scope: 'org.read resources.read',
      }),
    });
    const body = (await response.json()) as { access_token?: string };
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.access_token?.split('.')).toHaveLength(3);
    return body.access_token as string;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** An audit log that keeps what it is given, and can be made to refuse. */
class KeptAudit implements AuditLog {
  readonly events: AuditEvent[] = [];
  refusing = false;

  record(event: AuditEvent): Promise<void> {
    if (this.refusing) return Promise.reject(new DomainError('audit_unavailable'));
    this.events.push(event);
    return Promise.resolve();
  }

  issuerRefusals(): AuditEvent[] {
    return this.events.filter((event) => event.action === 'federation.issuer_token');
  }
}

for (const backend of await backends()) {
  describe(`trusted external issuers on ${backend.name}`, () => {
    // Set when the server starts: the provider's own tokens carry the real time.
    let clock = new FakeClock();
    const audit = new KeptAudit();
    const provider = new LocalProvider();
    let instance: BackendInstance;
    let server: TestServer;
    let rsa1: SigningKey;
    let ec1: SigningKey;
    let rsa2: SigningKey;
    let admin: Grant;
    let owner: OrgUser;
    let orgA: OrgBody;
    let orgB: OrgBody;
    let orgC: OrgBody;
    let viewer: OrgUser;
    let env: Record<string, string>;

    const peopleIss = (): string => `${provider.url}/people`;

    /** A token of the `people` issuer, signed with `key` (a provider key unless a test says otherwise). */
    async function peopleToken(
      claims: JWTPayload,
      options: {
        key?: SigningKey;
        kid?: string;
        alg?: string;
        aud?: string;
        lifetime?: number;
        iat?: number;
        secret?: Parameters<SignJWT['sign']>[0];
      } = {},
    ): Promise<string> {
      const key = options.key ?? rsa1;
      const iat = options.iat ?? Math.floor(clock.now() / 1000);
      const jwt = new SignJWT({ email: owner.email, email_verified: true, org: orgA.id, ...claims })
        .setProtectedHeader({ alg: options.alg ?? key.alg, kid: options.kid ?? key.kid, typ: 'at+jwt' })
        .setIssuer(peopleIss())
        .setAudience(options.aud ?? AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + (options.lifetime ?? 300));
      return jwt.sign(options.secret ?? key.pair.privateKey);
    }

    const call = (token: string, method: 'GET' | 'POST', url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });

    function issuers(): object[] {
      return [
        {
          name: 'people',
          issuer: peopleIss(),
          jwks_uri: `${provider.url}/jwks`,
          audience: AUDIENCE,
          algorithms: ['RS256', 'ES256'],
          max_lifetime_seconds: 900,
          user: { claim: 'email', match: 'email' },
          orgs: [orgA.id, orgB.id],
          org_claim: 'org',
          role: 'viewer',
        },
        {
          name: 'market',
          issuer: provider.url,
          jwks_uri: `${provider.url}/jwks`,
          audience: AUDIENCE,
          algorithms: ['RS256'],
          max_lifetime_seconds: 600,
          service: { claim: 'sub', owner: owner.id },
          orgs: [orgA.id],
          org_claim: 'org',
          role: 'operator',
        },
        {
          // Nothing listens on port 9 of loopback: the JWKS is unreachable.
          name: 'offline',
          issuer: 'https://offline.issuer.test',
          jwks_uri: 'http://127.0.0.1:9/jwks',
          audience: AUDIENCE,
          algorithms: ['ES256'],
          max_lifetime_seconds: 300,
          user: { claim: 'sub', match: 'id' },
          orgs: [orgA.id],
          role: 'viewer',
        },
        {
          // The cloud metadata address: the SSRF guard refuses it before any connection.
          name: 'metadata',
          issuer: 'https://metadata.issuer.test',
          jwks_uri: 'https://169.254.169.254/jwks',
          audience: AUDIENCE,
          algorithms: ['ES256'],
          max_lifetime_seconds: 300,
          user: { claim: 'sub', match: 'id' },
          orgs: [orgA.id],
          role: 'viewer',
        },
      ];
    }

    beforeAll(async () => {
      [rsa1, ec1, rsa2] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256'), signingKey('rsa-2', 'RS256')]);
      instance = await backend.create();
      // First start: the users and orgs the issuers map to (their ids go into the configuration).
      const setup = await testServer(instance, { env: ADMIN_ENV });
      try {
        admin = await login(setup.app);
        ({ org: orgA, owner } = await orgWithOwner(setup.app, admin));
        orgB = await createOrg(setup.app, owner.grant);
        orgC = await createOrg(setup.app, owner.grant);
        viewer = await createUser(setup.app, admin);
        await inviteMember(setup.app, owner.grant, orgA.id, viewer, 'viewer');
      } finally {
        await setup.close();
      }
      await provider.start();
      await provider.use([rsa1, ec1], orgA.id);
      const port = new URL(provider.url).port;
      env = {
        ...ADMIN_ENV,
        RAMPART_TRUSTED_ISSUERS: JSON.stringify(issuers()),
        RAMPART_OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
        RAMPART_OUTBOUND_PORTS: `${port},9,443`,
      };
      clock = new FakeClock(Math.floor(Date.now() / 1000) * 1000);
      server = await testServer(instance, { env, clock, audit });
    });

    afterAll(async () => {
      await server?.close();
      await provider.close();
      await instance?.cleanup();
    });

    it('federation 5: an accepted token reaches a protected route as the mapped principal, bounded by the issuer role and org', async () => {
      const token = await peopleToken({});
      const before = audit.issuerRefusals().length;
      const org = await call(token, 'GET', `/api/v1/orgs/${orgA.id}`);
      expect(org.statusCode, org.body).toBe(200);
      expect(org.json<{ id: string }>().id).toBe(orgA.id);
      // The owner's own authority is bounded by the issuer's role (viewer) …
      const read = await call(token, 'POST', '/api/v1/authz/check', { org: orgA.id, permission: 'resources.read' });
      expect(read.json()).toMatchObject({ allowed: true });
      const manage = await call(token, 'POST', '/api/v1/authz/check', { org: orgA.id, permission: 'members.manage' });
      expect(manage.json()).toMatchObject({ allowed: false });
      // … and confined to the token's org: the owner's other org is not visible through it.
      expect((await call(token, 'GET', `/api/v1/orgs/${orgB.id}`)).statusCode).toBe(404);
      // Never a user principal: the account itself (its /me, API keys, password) is out of reach.
      expect((await call(token, 'GET', '/api/v1/me')).statusCode).toBe(403);
      // The same token for the other org it names is accepted there.
      const forB = await peopleToken({ org: orgB.id });
      expect((await call(forB, 'GET', `/api/v1/orgs/${orgB.id}`)).statusCode).toBe(200);
      // Successes cost no audit write per request: no refusal, and nothing recorded for the accepted tokens.
      expect(audit.issuerRefusals()).toHaveLength(before);
    });

    it("federation 5: a real JWT access token from the provider's client-credentials grant maps to an external principal", async () => {
      const token = await provider.clientCredentialsToken();
      const org = await call(token, 'GET', `/api/v1/orgs/${orgA.id}`);
      expect(org.statusCode, org.body).toBe(200);
      const check = await call(token, 'POST', '/api/v1/authz/check', { org: orgA.id, permission: 'resources.read' });
      expect(check.json()).toMatchObject({ allowed: true });
      // Its `scope` narrows the operator role: resources.write is the role's, not the token's.
      const write = await call(token, 'POST', '/api/v1/authz/check', { org: orgA.id, permission: 'resources.write' });
      expect(write.json()).toMatchObject({ allowed: false });
    });

    it('federation 5: a token from an unconfigured issuer is refused without any fetch, and audited', async () => {
      const jwks = provider.jwksRequests;
      const fetches = server.rampart
        .facade('federation')
        .issuers.trusted.map((i) => server.rampart.facade('federation').issuers.fetchCount(i.name));
      const forged = await new SignJWT({ sub: 'attacker', email: owner.email, email_verified: true, org: orgA.id })
        .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
        .setIssuer('https://evil.example')
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(clock.now() / 1000))
        .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
        .sign(rsa1.pair.privateKey);
      const response = await call(forged, 'GET', `/api/v1/orgs/${orgA.id}`);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ code: 'token_invalid' });
      expect(provider.jwksRequests).toBe(jwks);
      expect(
        server.rampart.facade('federation').issuers.trusted.map((i) => server.rampart.facade('federation').issuers.fetchCount(i.name)),
      ).toEqual(fetches);
      expect(audit.issuerRefusals().at(-1)).toMatchObject({
        result: 'failure',
        reason: 'untrusted_issuer',
        resource: 'untrusted',
        details: { issuer: null, claimed_issuer: 'https://evil.example' },
      });
    });

    const refusals: [string, () => Promise<string>, string][] = [
      ['a wrong audience', () => peopleToken({}, { aud: 'https://another.api' }), 'audience'],
      [
        'an algorithm outside the list (HS256 with a guessable secret)',
        () => peopleToken({}, { alg: 'HS256', secret: new TextEncoder().encode('secret'.repeat(8)) }),
        'algorithm',
      ],
      [
        'an algorithm outside the list (PS256)',
        async () => peopleToken({}, { alg: 'PS256', secret: (await generateKeyPair('PS256')).privateKey }),
        'algorithm',
      ],
      ['a lifetime (exp - iat) over the maximum', () => peopleToken({}, { lifetime: 901 }), 'lifetime'],
      ['an expired token', () => peopleToken({}, { iat: Math.floor(clock.now() / 1000) - 400, lifetime: 300 }), 'expired'],
      ['a token not yet valid (nbf in the future)', () => peopleToken({ nbf: Math.floor(clock.now() / 1000) + 600 }), 'not_yet_valid'],
      ['a bad signature (an unpublished key under a published kid)', () => peopleToken({}, { key: rsa2, kid: 'rsa-1' }), 'signature'],
      ['a mapping to an org the issuer may not speak for', () => peopleToken({ org: orgC.id }), 'org_not_allowed'],
      ['an email the issuer has not verified', () => peopleToken({ email_verified: false }), 'unknown_user'],
      ['an email no Rampart user has', () => peopleToken({ email: 'nobody@example.test' }), 'unknown_user'],
    ];
    for (const [what, mint, reason] of refusals) {
      it(`federation 5: ${what} is refused with token_invalid, audited, and changes nothing`, async () => {
        const members = await server.stored.db.selectFrom('memberships').selectAll().execute();
        const response = await call(await mint(), 'POST', '/api/v1/authz/check', { org: orgA.id, permission: 'org.read' });
        expect(response.statusCode, response.body).toBe(401);
        expect(response.json()).toMatchObject({ code: 'token_invalid', detail: 'The token is not valid' });
        expect(response.headers['www-authenticate']).toContain('invalid_token');
        await server.rampart.facade('federation').issuers.flushRefusals();
        expect(audit.issuerRefusals().some((event) => event.reason === reason && event.resource === 'people')).toBe(true);
        expect(await server.stored.db.selectFrom('memberships').selectAll().execute()).toEqual(members);
      });
    }

    it('federation 5: refusals are aggregated: the first of a minute at once, the rest as one entry with their count', async () => {
      clock.advance(61_000);
      await server.rampart.facade('federation').issuers.flushRefusals();
      const before = audit.issuerRefusals().length;
      const token = await peopleToken({}, { aud: 'https://yet.another.api' });
      for (let i = 0; i < 5; i++) expect((await call(token, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(401);
      expect(audit.issuerRefusals().length).toBe(before + 1);
      await server.rampart.facade('federation').issuers.flushRefusals();
      const summary = audit.issuerRefusals().at(-1);
      expect(audit.issuerRefusals().length).toBe(before + 2);
      expect(summary).toMatchObject({ reason: 'audience', details: { issuer: 'people', count: 4 } });
    });

    it('federation 5: a refusal the audit log cannot record is not answered as a plain refusal (503 audit_unavailable)', async () => {
      clock.advance(61_000);
      await server.rampart.facade('federation').issuers.flushRefusals();
      audit.refusing = true;
      try {
        const response = await call(await peopleToken({}, { aud: 'https://unrecorded.api' }), 'GET', `/api/v1/orgs/${orgA.id}`);
        expect(response.statusCode).toBe(503);
        expect(response.json()).toMatchObject({ code: 'audit_unavailable' });
      } finally {
        audit.refusing = false;
      }
    });

    it('federation 5: disabling the mapped user stops its tokens at once (the only revocation Rampart has over them)', async () => {
      const token = await peopleToken({ email: viewer.email });
      expect((await call(token, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(200);
      const disabled = await as(server.app, await login(server.app), 'PATCH', `/api/v1/users/${viewer.id}`, { disabled: true });
      expect(disabled.statusCode, disabled.body).toBe(200);
      const after = await call(token, 'GET', `/api/v1/orgs/${orgA.id}`);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ code: 'token_invalid' });
    });

    it('federation 5: key rotation at the provider is picked up on a new kid, and the refresh is throttled to once a minute', async () => {
      clock.advance(61_000); // past any refresh earlier tests caused
      const cached = await peopleToken({});
      expect((await call(cached, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(200);
      await provider.use([rsa2, ec1], orgA.id); // the provider rotates: rsa-1 withdrawn, rsa-2 published
      const jwks = provider.jwksRequests;
      const rotated = await peopleToken({}, { key: rsa2 });
      expect((await call(rotated, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(200);
      expect(provider.jwksRequests).toBe(jwks + 1);
      // The withdrawn key's tokens stop, cached or not.
      expect((await call(cached, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(401);
      // Another unknown kid within the minute: refused without a fetch.
      const stranger = await signingKey('rsa-3', 'RS256');
      for (let i = 0; i < 3; i++) {
        expect((await call(await peopleToken({}, { key: stranger }), 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(401);
      }
      expect(provider.jwksRequests).toBe(jwks + 1);
      // A minute later the provider publishes rsa-3 and one refresh picks it up.
      await provider.use([rsa2, stranger, ec1], orgA.id);
      clock.advance(60_000);
      expect((await call(await peopleToken({}, { key: stranger }), 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(200);
      expect(provider.jwksRequests).toBe(jwks + 2);
      await server.rampart.facade('federation').issuers.flushRefusals();
      expect(audit.issuerRefusals().some((event) => event.reason === 'unknown_key')).toBe(true);
    });

    it('federation 5: an unreachable JWKS with nothing cached fails closed (503), and is fetched again only after a minute', async () => {
      const token = await new SignJWT({ sub: owner.id })
        .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
        .setIssuer('https://offline.issuer.test')
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(clock.now() / 1000))
        .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
        .sign(ec1.pair.privateKey);
      const first = await call(token, 'GET', `/api/v1/orgs/${orgA.id}`);
      expect(first.statusCode).toBe(503);
      expect(first.json()).toMatchObject({ code: 'service_unavailable' });
      const issuers = server.rampart.facade('federation').issuers;
      expect(issuers.fetchCount('offline')).toBe(1);
      expect((await call(token, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(503);
      expect(issuers.fetchCount('offline')).toBe(1);
    });

    it('federation 5: the SSRF guard refuses a JWKS URL on a forbidden address: no keys, 503, and doctor fails it', async () => {
      const token = await new SignJWT({ sub: owner.id })
        .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
        .setIssuer('https://metadata.issuer.test')
        .setAudience(AUDIENCE)
        .setIssuedAt(Math.floor(clock.now() / 1000))
        .setExpirationTime(Math.floor(clock.now() / 1000) + 60)
        .sign(ec1.pair.privateKey);
      expect((await call(token, 'GET', `/api/v1/orgs/${orgA.id}`)).statusCode).toBe(503);
      const checks = await trustedIssuerDoctorChecks(testConfig(instance, env));
      expect(checks.find((check) => check.name === 'trusted-issuer metadata jwks')).toMatchObject({
        status: 'fail',
        reason: expect.stringContaining('ssrf_blocked'),
      });
      expect(checks.find((check) => check.name === 'trusted-issuer people jwks')).toMatchObject({ status: 'pass' });
      expect(checks.find((check) => check.name === 'trusted-issuer people tls')).toMatchObject({ status: 'warn' });
      expect(checks.find((check) => check.name === 'trusted-issuer offline jwks')).toMatchObject({ status: 'fail' });
    });
  });
}

describe('trusted issuers configuration', () => {
  const base = {
    name: 'market',
    issuer: 'https://issuer.example',
    jwks_uri: 'https://issuer.example/jwks',
    audience: AUDIENCE,
    algorithms: ['RS256'],
    max_lifetime_seconds: 600,
    service: { claim: 'sub', owner: 'usr_0123abcd' },
    orgs: ['org_0123abcd'],
    role: 'viewer',
  };
  const parse = (issuer: object): readonly TrustedIssuer[] => parseTrustedIssuers(JSON.stringify([issuer]), 'https://rampart.test');

  it('federation 5: a valid issuer is accepted and frozen', () => {
    const [issuer] = parse(base);
    expect(issuer).toMatchObject({ name: 'market', subject: { kind: 'service', owner: 'usr_0123abcd' }, orgClaim: undefined });
    expect(Object.isFrozen(issuer)).toBe(true);
  });

  it.each([
    ['HMAC (a shared secret)', { algorithms: ['HS256'] }],
    ['alg none', { algorithms: ['none'] }],
    ['an http JWKS off loopback', { jwks_uri: 'http://issuer.example/jwks' }],
    ['an unknown field', { extra: true }],
    ['both a user and a service mapping', { user: { claim: 'email', match: 'email' } }],
    ['several orgs without an org claim', { orgs: ['org_0123abcd', 'org_4567abcd'] }],
    ['a lifetime over a day', { max_lifetime_seconds: 86_401 }],
    ["Rampart's own issuer", { issuer: 'https://rampart.test' }],
    ['a custom role', { role: 'deployer' }],
  ])('federation 5: the configuration refuses %s', (_what, change) => {
    expect(() => parse({ ...base, ...change })).toThrow();
  });

  it('federation 5: the configuration refuses two issuers with the same iss', () => {
    expect(() => parseTrustedIssuers(JSON.stringify([base, { ...base, name: 'other' }]), 'https://rampart.test')).toThrow(/unique/);
  });
});
