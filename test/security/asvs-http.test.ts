/**
 * ASVS 5.0 rows proven at the HTTP edge, each test named after its requirement. The exploits:
 * a downgrade through a short HSTS max-age (V3.4.1) or an injected `<base>` (V3.4.3); a browser
 * sniffing a JSON answer's charset (V4.1.1); credentials copied into a URL where proxies, logs and
 * the Referer header keep them (V14.2.1); a repeated query parameter that one layer reads first and
 * another last (V15.3.7); a request smuggled past the message boundary (V4.2.1); a stray `.git`
 * or a directory listing (V13.4.1, V13.4.3); hostile text that breaks out of the JSON it is echoed
 * in (V1.2.3) or out of a URL it is built into (V1.2.2); a hint or secret question that helps a
 * guesser (V6.4.2). Each refusal is checked on the wire and, where state could change, read back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, bearer, MEMBER_PASSWORD } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { listeningPort, rawExchange } from '../helpers/raw-http.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { subscribes as webhookMatches } from '../../src/webhooks/domain/webhook-endpoint.js';

const ONE_YEAR_SECONDS = 31_536_000;

/** One answer of each status class, errors included: the headers hold on all of them. */
const STATUS_CASES: readonly { name: string; status: number; request: InjectOptions }[] = [
  { name: 'a 200', status: 200, request: { method: 'GET', url: '/healthz' } },
  { name: 'a 401', status: 401, request: { method: 'GET', url: '/api/v1/me' } },
  { name: 'a 404', status: 404, request: { method: 'GET', url: '/no/such/route' } },
  { name: 'a 405', status: 405, request: { method: 'POST', url: '/healthz' } },
  {
    name: 'a 400',
    status: 400,
    request: { method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{' },
  },
];

/** The directives of a Content-Security-Policy header, by name. */
function cspDirectives(header: string): Map<string, string> {
  return new Map(
    header
      .split(';')
      .map((part) => part.trim())
      .filter((part) => part !== '')
      .map((part) => {
        const [name = '', ...values] = part.split(/\s+/);
        return [name.toLowerCase(), values.join(' ')];
      }),
  );
}

/** Every answer a raw exchange gives back: the HTTP/1.1 status lines in what the socket read. */
function statusLines(raw: { status: number; body: string }): number {
  return 1 + (raw.body.match(/HTTP\/1\.1 \d{3} /g)?.length ?? 0);
}

describe('ASVS at the HTTP edge', () => {
  let store: BackendInstance;
  let server: TestServer;
  let admin: Grant;
  let port: number;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { ...ADMIN_ENV } });
    admin = await login(server.app);
    port = await listeningPort(server.app);
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  for (const { name, status, request } of STATUS_CASES) {
    it(`asvs V3.4.1: HSTS max-age is at least one year (31,536,000 s) as a number, with includeSubDomains, on ${name}`, async () => {
      const response = await server.app.inject(request);
      expect(response.statusCode).toBe(status);
      const hsts = String(response.headers['strict-transport-security']);
      const maxAge = Number(/(?:^|;)\s*max-age=(\d+)\s*(?:;|$)/i.exec(hsts)?.[1]);
      expect(maxAge).toBeGreaterThanOrEqual(ONE_YEAR_SECONDS);
      expect(hsts.split(';').map((part) => part.trim().toLowerCase())).toContain('includesubdomains');
    });

    it(`asvs V3.4.3: the CSP sets base-uri 'none' and object-src falls back to default-src 'none', on ${name}`, async () => {
      const response = await server.app.inject(request);
      expect(response.statusCode).toBe(status);
      const directives = cspDirectives(String(response.headers['content-security-policy']));
      // base-uri does not fall back to default-src (CSP3 §6.3.1), so it must be named itself.
      expect(directives.get('base-uri')).toBe("'none'");
      expect(directives.get('object-src') ?? directives.get('default-src')).toBe("'none'");
      expect(directives.get('frame-ancestors')).toBe("'none'");
    });
  }

  it('asvs V4.1.1: JSON and problem+json answers name their charset (utf-8)', async () => {
    const answers = [
      await server.app.inject({ method: 'GET', url: '/healthz' }),
      await as(server.app, admin, 'GET', '/api/v1/users?limit=1'),
      await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' }),
      await server.app.inject({ method: 'GET', url: '/api/v1/me' }),
      await server.app.inject({ method: 'GET', url: '/no/such/route' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 401, 404]);
    const types = answers.map((answer) => String(answer.headers['content-type']).toLowerCase().replace(/\s+/g, ''));
    expect(types).toEqual([
      'application/json;charset=utf-8',
      'application/json;charset=utf-8',
      'application/json;charset=utf-8',
      'application/problem+json;charset=utf-8',
      'application/problem+json;charset=utf-8',
    ]);
  });

  it('asvs V14.2.1: credentials in a query string are refused: a valid access token or API key there authenticates nothing', async () => {
    const org = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Query probe', slug: 'query-probe' });
    expect(org.statusCode, org.body).toBe(201);
    const members = `/api/v1/orgs/${org.json<{ id: string }>().id}/members`;
    const key = await as(server.app, admin, 'POST', '/api/v1/api-keys', {
      name: 'query probe',
      scopes: ['members.read'],
      org: org.json<{ id: string }>().id,
    });
    expect(key.statusCode, key.body).toBe(201);
    const apiKey = key.json<{ key: string }>().key;
    expect((await server.app.inject({ method: 'GET', url: members, headers: { authorization: `Bearer ${apiKey}` } })).statusCode).toBe(200);
    for (const query of [
      `access_token=${admin.access_token}`,
      `token=${admin.access_token}`,
      `authorization=${encodeURIComponent(`Bearer ${admin.access_token}`)}`,
      `api_key=${apiKey}`,
      `key=${apiKey}`,
    ]) {
      expectProblem(await server.app.inject({ method: 'GET', url: `/api/v1/me?${query}` }), 'unauthenticated');
      expectProblem(await server.app.inject({ method: 'GET', url: `${members}?${query}` }), 'unauthenticated');
    }
    // With the same token in the header the request works: the query string alone was refused.
    expect((await as(server.app, admin, 'GET', members)).statusCode).toBe(200);
  });

  it('asvs V14.2.1: a password in the query string of a login is refused and opens no session', async () => {
    const query = new URLSearchParams({
      email: ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_EMAIL ?? '',
      password: ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_PASSWORD ?? '',
    });
    const before = await server.stored.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const response = await server.app.inject({ method: 'POST', url: `/api/v1/auth/login?${query.toString()}` });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).not.toContain('access_token');
    const after = await server.stored.db
      .selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('asvs V15.3.7: a repeated query parameter is refused with 400 naming it, never read as its first or last value', async () => {
    for (const url of [
      '/api/v1/users?limit=1&limit=200',
      '/api/v1/users?limit=1&limit=1',
      `/api/v1/users?email=${encodeURIComponent('a@example.test')}&email=${encodeURIComponent('b@example.test')}`,
      '/api/v1/users?cursor=a&cursor=b',
      '/api/v1/api-keys?limit=1&limit=1000',
    ]) {
      const problem = expectProblem(await as(server.app, admin, 'GET', url), 'validation_failed');
      const name = /\?(\w+)=/.exec(url)?.[1] ?? '';
      expect(JSON.stringify(problem), url).toContain(name);
    }
    // The single parameter is accepted, so the refusal is the repetition's.
    expect((await as(server.app, admin, 'GET', '/api/v1/users?limit=1')).statusCode).toBe(200);
  });

  describe('asvs V4.2.1: request smuggling over a raw socket', () => {
    const smuggled = 'GET /api/v1/no-such-smuggled-route HTTP/1.1\r\nHost: x\r\n\r\n';
    const cases: readonly { name: string; request: string }[] = [
      {
        name: 'Content-Length with Transfer-Encoding (CL.TE)',
        request: `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`,
      },
      {
        name: 'two different Content-Length headers',
        request: `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: ${2 + smuggled.length}\r\n\r\n{}${smuggled}`,
      },
      {
        name: 'an obfuscated Transfer-Encoding (a space before the colon)',
        request: `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${smuggled}`,
      },
      {
        name: 'an obfuscated Transfer-Encoding (chunked, then identity)',
        request: `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${smuggled}`,
      },
      {
        name: 'an obfuscated Transfer-Encoding (xchunked)',
        request: `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n${smuggled}`,
      },
    ];

    for (const { name, request } of cases) {
      it(`asvs V4.2.1: ${name} is refused with 400 and the request behind it is never answered`, async () => {
        const answer = await rawExchange(port, request);
        expect(answer.status).toBe(400);
        expect(answer.headers.connection).toBe('close');
        expect(statusLines(answer)).toBe(1);
        expect(answer.body).not.toContain('not_found');
      });
    }
  });

  describe('asvs V13.4.1 / V13.4.3: no source-control metadata, no listing', () => {
    const probes = [
      '/.git/HEAD',
      '/.git/config',
      '/.git/',
      '/.svn/entries',
      '/.hg/store',
      '/.env',
      '/package.json',
      '/src/',
      '/dist/',
      '/node_modules/',
      '/api/',
      '/api/v1/',
      '/..%2f.git/HEAD',
    ];

    it('asvs V13.4.1: /.git/HEAD and other source-control files are 404 problems on a started server, their content never served', async () => {
      for (const path of probes.filter((probe) => /\.(git|svn|hg|env)|package\.json/.test(probe))) {
        const answer = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect([400, 404], path).toContain(answer.status);
        expect(answer.headers['content-type'], path).toMatch(/^application\/problem\+json/);
        expect(answer.body, path).not.toMatch(/ref: refs\/|\[core\]|"dependencies"|RAMPART_/);
      }
    });

    it('asvs V13.4.3: a directory path gets a 404 problem, never a listing', async () => {
      for (const path of probes.filter((probe) => probe.endsWith('/'))) {
        const answer = await rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(answer.status, path).toBe(404);
        expect(answer.headers['content-type'], path).toMatch(/^application\/problem\+json/);
        expect(answer.body, path).not.toMatch(/Index of|<html|\.ts"|\.js"/i);
      }
    });
  });

  it('asvs V1.2.3: hostile text (quotes, backslashes, </script>, escapes, comments) round-trips through a JSON answer unchanged in structure', async () => {
    // Controls, U+2028/2029 and bidi overrides are refused in names (validation); what passes is echoed.
    const hostile = `"},"admin":true,"x":"</script><script>alert(1)</script>\\'\\u0000 <!-- ]]> ${'\u{1F600}'}`;
    const created = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: hostile, slug: 'hostile-text' });
    expect(created.statusCode, created.body).toBe(201);
    const read = await as(server.app, admin, 'GET', `/api/v1/orgs/${created.json<{ id: string }>().id}`);
    for (const answer of [created, read]) {
      expect(answer.headers['content-type']).toMatch(/^application\/json; charset=utf-8$/);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      const body = JSON.parse(answer.body) as Record<string, unknown>;
      expect(body.name).toBe(hostile);
      expect(body).not.toHaveProperty('admin');
      // Control characters leave the serializer escaped: nothing raw can end the string early.
      expect([...answer.body].filter((char) => char.charCodeAt(0) < 0x20)).toEqual([]);
    }
  });

  it('asvs V1.2.2: an e-mail with URL metacharacters is percent-encoded in the otpauth:// URI; its secret and issuer cannot be overridden', async () => {
    const email = 'x&secret=AAAAAAAA&issuer=Evil#/?@example.test';
    const created = await as(server.app, admin, 'POST', '/api/v1/users', { email, password: MEMBER_PASSWORD });
    expect(created.statusCode, created.body).toBe(201);
    const user = await login(server.app, email, MEMBER_PASSWORD);
    const started = await server.app.inject({ method: 'POST', url: '/api/v1/me/mfa/totp', headers: bearer(user) });
    expect(started.statusCode, started.body).toBe(200);
    const { secret, otpauth_url: uri } = started.json<{ secret: string; otpauth_url: string }>();
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.hash).toBe('');
    expect(parsed.searchParams.getAll('secret')).toEqual([secret]);
    expect(parsed.searchParams.getAll('issuer')).toEqual(['Rampart']);
    expect(decodeURIComponent(parsed.pathname.replace(/^\/\/?totp\//, '').replace(/^\//, ''))).toBe(`Rampart:${email.toLowerCase()}`);
  });

  it('asvs V1.2.9: regex metacharacters in a webhook subscription are refused, and a prefix matches literally, never as a pattern', async () => {
    const org = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Regex probe', slug: 'regex-probe' });
    expect(org.statusCode, org.body).toBe(201);
    const hooks = `/api/v1/orgs/${org.json<{ id: string }>().id}/webhooks`;
    for (const events of [['.*'], ['member.(added|removed)'], ['^member'], ['member.[a-z]+'], ['(a+)+$'], ['member\\..*']]) {
      const refused = await as(server.app, admin, 'POST', hooks, { url: 'https://hooks.asvs-probe.invalid/', events });
      expect([400, 422], JSON.stringify(events)).toContain(refused.statusCode);
    }
    const listed = await as(server.app, admin, 'GET', hooks);
    expect(listed.json<{ items: unknown[] }>().items).toEqual([]);
    expect(webhookMatches(['member.*'], 'member.added')).toBe(true);
    expect(webhookMatches(['member.*'], 'memberXadded')).toBe(false);
    expect(webhookMatches(['m.*'], 'member.added')).toBe(false);
  });

  it('asvs V5.4.2: files served for download carry a Content-Disposition filename of safe characters only, built by the server', async () => {
    const org = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Export "name"; filename=evil.exe', slug: 'export-probe' });
    expect(org.statusCode, org.body).toBe(201);
    const orgExport = await as(server.app, admin, 'GET', `/api/v1/orgs/${org.json<{ id: string }>().id}/export`);
    expect(orgExport.statusCode, orgExport.body).toBe(200);
    expect(orgExport.headers['content-disposition']).toBe('attachment; filename="rampart-org-export-export-probe.json"');
    for (const slug of ['a"b', 'a;b', 'a\\b', 'a/b', 'a b', 'A-B', 'a\u00e9']) {
      const refused = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Bad slug', slug });
      expectProblem(refused, 'validation_failed');
    }
  });

  it('asvs V3.7.1: the one HTML page Rampart serves (the new-device link) uses no script, plugin or outside resource, and its CSP forbids them', async () => {
    const page = await server.app.inject({ method: 'GET', url: '/api/v1/auth/new-device/ndt_not-a-real-token' });
    expect(page.statusCode).toBeLessThan(500);
    expect(page.headers['content-type']).toMatch(/^text\/html; charset=utf-8$/);
    expect(page.body).not.toMatch(/<(script|object|embed|applet|iframe|link|style|img)\b|javascript:|\son\w+=/i);
    const directives = cspDirectives(String(page.headers['content-security-policy']));
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.has('script-src')).toBe(false);
    expect(directives.get('base-uri')).toBe("'none'");
  });

  it('asvs V9.2.4: one key signs for one audience: a user token and a service client token both carry exactly the configured aud', async () => {
    const org = await as(server.app, admin, 'POST', '/api/v1/orgs', { name: 'Audience probe', slug: 'audience-probe' });
    expect(org.statusCode, org.body).toBe(201);
    const created = await as(server.app, admin, 'POST', `/api/v1/orgs/${org.json<{ id: string }>().id}/clients`, {
      name: 'audience',
      scopes: ['members.read'],
      auth_method: 'client_secret_basic',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { client_id: id, client_secret: secret } = created.json<{ client_id: string; client_secret: string }>();
    const token = await server.app.inject({
      method: 'POST',
      url: '/api/v1/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    });
    expect(token.statusCode, token.body).toBe(200);
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { aud: unknown };
    const audience = ADMIN_ENV.RAMPART_PUBLIC_URL;
    expect(claims(admin.access_token).aud).toBe(audience);
    expect(claims(token.json<{ access_token: string }>().access_token).aud).toBe(audience);
  });

  it('asvs V6.4.2: no route asks for or answers a password hint or a secret question', async () => {
    const document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<unknown>();
    const names = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'properties' && value !== null && typeof value === 'object') for (const name of Object.keys(value)) names.add(name);
          walk(value);
        }
      }
    };
    walk(document);
    expect(names.size).toBeGreaterThan(50);
    // token_type_hint is RFC 7009's revocation parameter; hints, WebAuthn's authenticator hints.
    const suspicious = [...names].filter(
      (name) => !['token_type_hint', 'hints'].includes(name) && /hint|question|answer|reminder|mother|pet_name/i.test(name),
    );
    expect(suspicious).toEqual([]);
  });
});

describe('asvs V16.3.3: attempts to get past input validation and anti-automation are logged', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_RATE_LIMIT: '3' } });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('asvs V16.3.3: a refused input (400), a probe (404) and a rate-limited request (429) each leave a log line with status, route, address and request id', async () => {
    const answers = [
      await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'x@example.test', password: 'p', admin: true },
      }),
      await server.app.inject({ method: 'GET', url: '/.git/HEAD', remoteAddress: '203.0.113.9' }),
    ];
    const caller = await login(server.app);
    for (let i = 0; i < 6; i++) answers.push(await as(server.app, caller, 'GET', '/api/v1/orgs'));
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.slice(0, 2)).toEqual([400, 404]);
    expect(statuses).toContain(429);
    const lines = server.logs.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request completed');
    for (const answer of answers) {
      const id = answer.headers['x-request-id'];
      const line = lines.find((candidate) => candidate.reqId === id || candidate.request_id === id);
      expect(line, `no log line for ${String(id)} (${answer.statusCode})`).toBeDefined();
      expect(line).toMatchObject({ status: answer.statusCode });
      expect(typeof line?.ip).toBe('string');
      expect(line).toHaveProperty('url');
    }
  });
});
