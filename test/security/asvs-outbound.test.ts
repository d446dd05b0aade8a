/**
 * ASVS V12.3.2 and V15.3.2 for the connections Rampart opens itself. The exploit: a man in the
 * middle (or a poisoned DNS answer) presents a certificate of its own to Rampart's client, or a
 * compromised peer answers 3xx to send Rampart's request, credentials and all, somewhere else.
 * Each connection is made through Rampart's own code (WitnessUrl, openDatabase, connectRedis,
 * LicenceClient, SmtpMailer, LdapDirectoryClient, the federation's provider fetch and JWKS source)
 * to a throwaway server on loopback presenting a self-signed certificate: the
 * client must refuse the handshake before it sends anything, and must not follow a redirect.
 * Each refusal is paired with a control (a client that trusts the certificate gets through), so
 * the refusal is the verification's, not a broken server's. Webhook deliveries are proven in
 * test/security/ssrf-outbound.test.ts ('an untrusted certificate is a tls_error …').
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, createServer as createTlsServer, TLSSocket, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WitnessUrl } from '../../src/audit/adapters/witness-url.js';
import { secret } from '../../src/kernel/domain/secret.js';
import { openDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { connectRedis, whenReady } from '../../src/kernel/adapters/redis/redis-connection.js';
import { formatLicenceKey } from '../../src/licences/client/licence-key-text.js';
import { LicenceClient, type LicenceTokenStore } from '../../src/licences/client/licence-client.js';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { SmtpMailer } from '../../src/mail/adapters/smtp-mailer.js';
import { LdapDirectoryClient } from '../../src/federation/directories/adapters/ldap-directory-client.js';
import type { LdapDirectoryConfig } from '../../src/federation/directories/ldap-directory-config.js';
import { guardedFetch } from '../../src/federation/oidc/services/guarded-fetch.js';
import { ProviderClient } from '../../src/federation/oidc/services/provider-client.js';
import type { OidcProviderConfig } from '../../src/federation/oidc/domain/oidc-provider-config.js';
import { OutboundJwksSource } from '../../src/federation/issuers/adapters/outbound-jwks-source.js';
import type { TrustedIssuer } from '../../src/federation/issuers/domain/trusted-issuer.js';
import { systemResolver, type OutboundPolicy } from '../../src/kernel/net/outbound-policy.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { LogCapture } from '../helpers/rampart.js';

const execFile = promisify(execFileCallback);

/** The codes Node (OpenSSL) gives a certificate no trusted authority signed. */
const UNTRUSTED = /DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/;

let dir: string;
let key: Buffer;
let cert: Buffer;
const closers: (() => Promise<void>)[] = [];

const portOf = (server: HttpServer | TcpServer | TlsServer): number => (server.address() as AddressInfo).port;

async function listen<S extends HttpServer | TcpServer | TlsServer>(server: S): Promise<S> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return server;
}

/** Every `code` and message along an error's cause chain, for matching the TLS reason. */
function reasons(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, String((current as NodeJS.ErrnoException).code));
  }
  if (error instanceof AggregateError) for (const inner of error.errors) parts.push(reasons(inner));
  return parts.join(' ');
}

async function rejection(attempt: Promise<unknown>): Promise<string> {
  try {
    await attempt;
  } catch (error) {
    return reasons(error);
  }
  return 'resolved';
}

/** An HTTPS server with the self-signed certificate that counts the requests it gets. */
async function untrustedHttps(): Promise<{ port: number; requests: () => number }> {
  let count = 0;
  const server = await listen(
    createHttpsServer({ key, cert }, (_request: IncomingMessage, response: ServerResponse) => {
      count += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }),
  );
  return { port: portOf(server), requests: () => count };
}

/** The control: a client that trusts the certificate gets an answer from the same server. */
function trustedGet(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsGet({ host: '127.0.0.1', port, path: '/', ca: cert, servername: 'localhost', agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** An HTTP server that answers every request with `status` and a Location to `target`. */
async function redirecting(status: number, target: string): Promise<number> {
  const server = await listen(
    createHttpServer((_request, response) => {
      response.writeHead(status, { location: target }).end();
    }),
  );
  return portOf(server);
}

/** An HTTP server that counts what reaches it: the target a redirect would lead to. */
async function target(): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = await listen(
    createHttpServer((_request, response) => {
      count += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }),
  );
  return { url: `http://127.0.0.1:${portOf(server)}/stolen`, requests: () => count };
}

/** A well-formed key (its check group passes), so the client does go to the network. */
const LICENCE_KEY = formatLicenceKey(`lic_${'ab'.repeat(16)}`, new Uint8Array(64).fill(7));

const memoryTokens = (): LicenceTokenStore => {
  let token: string | undefined;
  return {
    load: () => Promise.resolve(token),
    save: (value: string | undefined) => {
      token = value;
      return Promise.resolve();
    },
  };
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-asvs-outbound-'));
  await execFile('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'untrusted.key'),
    '-out',
    join(dir, 'untrusted.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  key = readFileSync(join(dir, 'untrusted.key'));
  cert = readFileSync(join(dir, 'untrusted.crt'));
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('asvs V12.3.2: Rampart’s TLS clients refuse an untrusted server certificate', () => {
  it('asvs V12.3.2: the audit witness client refuses a self-signed certificate, and the witness gets no request', async () => {
    const server = await untrustedHttps();
    expect(await trustedGet(server.port)).toBe(200);
    const before = server.requests();
    const witness = new WitnessUrl(`https://127.0.0.1:${server.port}/witness`, 2000);
    expect(await rejection(witness.push('rampart.example.test/audit\n1\nAAAA\n'))).toMatch(UNTRUSTED);
    expect(await rejection(witness.latest())).toMatch(UNTRUSTED);
    expect(server.requests()).toBe(before);
  });

  it('asvs V12.3.2: the licence client refuses a self-signed licence server, sending no request', async () => {
    const server = await untrustedHttps();
    expect(await trustedGet(server.port)).toBe(200);
    const before = server.requests();
    const client = new LicenceClient({
      serverUrl: `https://127.0.0.1:${server.port}`,
      installationId: 'inst-asvs',
      keys: { keys: [] },
      store: memoryTokens(),
    });
    expect(await rejection(client.activate(LICENCE_KEY))).toMatch(UNTRUSTED);
    expect(server.requests()).toBe(before);
  });

  it('asvs V12.3.2: the PostgreSQL connection (sslmode=require and verify-full) refuses a server presenting an untrusted certificate', async () => {
    // A PostgreSQL server's first move: answer the client's SSLRequest with 'S', then TLS.
    let startupOverTls = 0;
    let sslRequests = 0;
    const server = await listen(
      createTcpServer((socket) => {
        socket.once('data', (first: Buffer) => {
          // SSLRequest: length 8, code 80877103 (PostgreSQL protocol §55.2.10).
          if (first.length === 8 && first.readInt32BE(4) === 80_877_103) {
            sslRequests += 1;
            socket.write('S');
            const tls = new TLSSocket(socket, { isServer: true, key, cert });
            tls.on('data', () => {
              startupOverTls += 1;
            });
            tls.on('error', () => tls.destroy());
          } else socket.destroy();
        });
        socket.on('error', () => socket.destroy());
      }),
    );
    for (const mode of ['require', 'verify-full']) {
      const url = `postgres://rampart:not-a-password@127.0.0.1:${portOf(server)}/rampart?sslmode=${mode}`;
      const errors: Error[] = [];
      const database = openDatabase({ url: secret(url), dataDir: dir, onError: (error) => errors.push(error) });
      try {
        expect(await rejection(sql`select 1`.execute(database.db)), mode).toMatch(UNTRUSTED);
      } finally {
        await database.close();
      }
    }
    expect(sslRequests).toBe(2);
    expect(startupOverTls).toBe(0);
  });

  it('asvs V12.3.2: the Redis connection (rediss://) refuses a server presenting an untrusted certificate, and sends it no command', async () => {
    let received = 0;
    const server = await listen(
      createTlsServer({ key, cert }, (socket) => {
        socket.on('data', () => {
          received += 1;
        });
        socket.on('error', () => socket.destroy());
      }),
    );
    // The control: a TLS client that trusts the certificate completes the handshake.
    await new Promise<void>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: portOf(server), ca: cert, servername: 'localhost' }, () => {
        socket.end();
        resolve();
      });
      socket.once('error', reject);
    });
    const errors: Error[] = [];
    const redis = connectRedis(secret(`rediss://127.0.0.1:${portOf(server)}`), (error) => errors.push(error), { commandTimeoutMs: 500 });
    try {
      expect(await whenReady(redis, 1500)).toBe(false);
      expect(errors.map(reasons).join(' ')).toMatch(UNTRUSTED);
      expect(await rejection(redis.ping())).not.toBe('resolved');
    } finally {
      redis.disconnect();
    }
    expect(received).toBe(0);
  });
});

describe('asvs V12.3.2: the clients this wave adds refuse an untrusted server certificate too', () => {
  const loopback = (port: number): OutboundPolicy => ({ allowCidrs: ['127.0.0.1/32'], ports: [port] });

  it('asvs V12.3.2: the OIDC provider fetch (discovery, token, JWKS) refuses a self-signed provider, sending no request', async () => {
    const server = await untrustedHttps();
    const fetchProvider = guardedFetch(loopback(server.port), systemResolver());
    const attempt = fetchProvider(`https://127.0.0.1:${server.port}/.well-known/openid-configuration`, {
      method: 'GET',
      headers: {},
    } as never);
    expect(await rejection(attempt)).toMatch(/tls_error/);
    expect(server.requests()).toBe(0);
  });

  it('asvs V12.3.2: the trusted-issuer JWKS source refuses a self-signed JWKS host, sending no request', async () => {
    const server = await untrustedHttps();
    const source = new OutboundJwksSource(loopback(server.port), systemResolver());
    const issuer = { name: 'asvs', issuer: 'https://issuer.example', jwksUri: `https://127.0.0.1:${server.port}/jwks` } as TrustedIssuer;
    expect(await rejection(source.fetch(issuer))).toMatch(/tls_error/);
    expect(server.requests()).toBe(0);
  });

  it('asvs V12.3.2: the SMTP client refuses a self-signed mail server (smtps:// and STARTTLS), delivering nothing', async () => {
    let delivered = 0;
    const mailServer = (secure: boolean): SMTPServer =>
      new SMTPServer({
        secure,
        key,
        cert,
        authOptional: true,
        logger: false,
        onData(stream, _session, callback) {
          stream.resume();
          stream.on('end', () => {
            delivered += 1;
            callback();
          });
        },
      });
    const mail = { to: 'someone@example.test', subject: 'asvs', text: 'body', html: '<p>body</p>' };
    for (const secure of [true, false]) {
      const server = mailServer(secure);
      // The refused handshakes surface on the server as socket errors: expected here.
      server.on('error', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const port = (server.server.address() as AddressInfo).port;
      // The control: a client that trusts the certificate delivers.
      const trusting = createTransport({ host: '127.0.0.1', port, secure, tls: { ca: cert, servername: 'localhost' } });
      await trusting.sendMail({ from: 'rampart@example.test', to: mail.to, subject: mail.subject, text: mail.text });
      const before = delivered;
      expect(before).toBeGreaterThan(0);
      const url = `${secure ? 'smtps' : 'smtp'}://127.0.0.1:${port}`;
      const mailer = new SmtpMailer({ url: secret(url), allowPlaintext: false, timeoutMs: 3000 });
      const result = await mailer.send('rampart@example.test', mail);
      expect(result, url).toMatchObject({ ok: false });
      expect(delivered, url).toBe(before);
    }
  });

  it('asvs V12.3.2: the LDAP client refuses a self-signed directory (ldaps://), and connects once given its CA', async () => {
    let received = 0;
    const server = await listen(
      createTlsServer({ key, cert }, (socket) => {
        socket.on('data', () => {
          received += 1;
          socket.destroy();
        });
        socket.on('error', () => socket.destroy());
      }),
    );
    const directory = (tlsCa: string | undefined): LdapDirectoryConfig =>
      ({
        name: 'asvs',
        url: `ldaps://127.0.0.1:${portOf(server)}`,
        startTls: false,
        tlsCa,
        bindDn: 'cn=rampart,dc=example,dc=test',
        bindPassword: secret('not-a-password'),
        baseDn: 'dc=example,dc=test',
        timeoutMs: 2000,
      }) as LdapDirectoryConfig;
    const logs = new LogCapture();
    const logger = createLogger('info', logs);
    const untrusting = new LdapDirectoryClient(directory(undefined), logger);
    // The caller sees service_unavailable; the log says why.
    expect(await rejection(untrusting.connect())).toMatch(/service_unavailable/);
    expect(logs.text).toMatch(/self-signed certificate|unable to verify/);
    expect(received).toBe(0);
    // The control: with the directory's CA configured, TLS completes (our fake server then hangs up).
    const trusting = new LdapDirectoryClient(directory(cert.toString('utf8')), logger);
    await rejection(trusting.connect());
    expect(received).toBeGreaterThan(0);
  });
});

describe('asvs V15.3.2: outbound calls do not follow redirects', () => {
  for (const status of [301, 302, 303, 307, 308]) {
    it(`asvs V15.3.2: a witness that answers ${status} is not followed: the push and the read fail, the target gets nothing`, async () => {
      const stolen = await target();
      const port = await redirecting(status, stolen.url);
      const witness = new WitnessUrl(`http://127.0.0.1:${port}/witness`, 2000);
      expect(await rejection(witness.push('rampart.example.test/audit\n1\nAAAA\n'))).not.toBe('resolved');
      expect(await rejection(witness.latest())).not.toBe('resolved');
      expect(stolen.requests()).toBe(0);
    });
  }

  it('asvs V15.3.2: a licence server that answers 307 is not followed: the activation fails, the target gets nothing', async () => {
    const stolen = await target();
    const port = await redirecting(307, stolen.url);
    const client = new LicenceClient({
      serverUrl: `http://127.0.0.1:${port}`,
      installationId: 'inst-asvs',
      keys: { keys: [] },
      store: memoryTokens(),
    });
    expect(await rejection(client.activate(LICENCE_KEY))).not.toBe('resolved');
    expect(stolen.requests()).toBe(0);
  });
});

describe('asvs V10.5.3: the OpenID Connect client checks the provider’s metadata', () => {
  it('asvs V10.5.3: discovery metadata naming another issuer than the configured one is refused; the matching one is used', async () => {
    let announced = '';
    const server = await listen(
      createHttpServer((request, response) => {
        const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            issuer: announced,
            authorization_endpoint: `${base}/auth`,
            token_endpoint: `${base}/token`,
            jwks_uri: `${base}/jwks`,
            response_types_supported: ['code'],
            subject_types_supported: ['public'],
            id_token_signing_alg_values_supported: ['ES256'],
          }),
        );
        request.resume();
      }),
    );
    const issuer = `http://127.0.0.1:${portOf(server)}`;
    const provider = (): ProviderClient =>
      new ProviderClient(
        {
          name: 'asvs',
          displayName: 'ASVS',
          kind: 'oidc',
          issuer,
          endpoints: undefined,
          clientId: 'rampart',
          clientSecret: secret('client-secret'),
          tokenAuth: 'client_secret_basic',
          scopes: ['openid', 'email'],
          profile: undefined,
          provision: undefined,
        } satisfies OidcProviderConfig,
        'https://rampart.example.test/api/v1/auth/oidc/asvs/callback',
        guardedFetch({ allowCidrs: ['127.0.0.1/32'], ports: [portOf(server)] }, systemResolver()),
      );
    for (const other of ['https://evil.example', `${issuer}/other-tenant`, issuer.replace('127.0.0.1', 'localhost')]) {
      announced = other;
      expect(await rejection(provider().configuration()), other).not.toBe('resolved');
    }
    announced = issuer;
    const configuration = await provider().configuration();
    expect(configuration.serverMetadata().issuer).toBe(issuer);
  });
});
