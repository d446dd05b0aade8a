/**
 * Downgrade attacks on TLS: a client (or a man in the middle rewriting its ClientHello) that offers
 * only legacy protocol versions or legacy suites — TLS 1.1, CBC-mode suites with their padding
 * oracles (Lucky 13), TLS 1.3's truncated-tag CCM_8 — tries to get the server to accept a weaker
 * channel than TLS 1.2/1.3 with AEAD and forward secrecy (ASVS V12.1). Rampart's HTTPS listener
 * (`RAMPART_TLS_CERT`/`RAMPART_TLS_KEY`, via `startServer`) must refuse each handshake itself:
 * every refusal is paired with a throwaway permissive server that accepts the very same client,
 * so the client was willing and the refusal is the server's (its alert is what the client reads).
 * Run with an ECDSA P-256 and an RSA 2048 certificate, so that ECDHE-ECDSA and ECDHE-RSA suites
 * are both exercised. Plain HTTP gets nothing on the TLS port, and the optional plain listener
 * only redirects to RAMPART_PUBLIC_URL — never to a host taken from the request.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get as httpGet, request as httpRequest } from 'node:http';
import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions, type Server as TlsServer, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/serve.js';
import { freePort } from '../helpers/processes.js';
import { LogCapture } from '../helpers/rampart.js';

const execFile = promisify(execFileCallback);
const PUBLIC_URL = 'https://rampart.example:8443';

interface Handshake {
  readonly protocol: string | null;
  readonly cipher: string;
}

/** Connects with `options`; resolves with what was negotiated, or rejects with the TLS error. */
function handshake(port: number, ca: Buffer, options: ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ...options }, () => {
      resolve({ protocol: socket.getProtocol(), cipher: socket.getCipher().name });
      socket.end();
    });
    socket.once('error', reject);
  });
}

/** The error code of a refused handshake (`ERR_SSL_…`). */
async function refusal(attempt: Promise<Handshake>): Promise<string> {
  try {
    const negotiated = await attempt;
    return `accepted ${negotiated.protocol ?? '?'} ${negotiated.cipher}`;
  } catch (error) {
    return String((error as NodeJS.ErrnoException).code);
  }
}

/** A throwaway server that accepts what Rampart refuses: the control of each refusal. */
async function permissive(options: { cert: Buffer; key: Buffer } & Record<string, unknown>): Promise<TlsServer> {
  const server = createServer(options, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: TlsServer): number => (server.address() as { port: number }).port;

function request(url: string, path: string): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    httpGet(new URL(path, url), { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    }).on('error', reject);
  });
}

const CERTIFICATES = [
  {
    kind: 'ECDSA P-256',
    file: 'ecdsa',
    args: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    gcm: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    cbc: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA',
  },
  {
    kind: 'RSA 2048',
    file: 'rsa',
    args: ['-newkey', 'rsa:2048'],
    gcm: 'ECDHE-RSA-AES128-GCM-SHA256',
    cbc: 'ECDHE-RSA-AES128-SHA256:ECDHE-RSA-AES128-SHA',
  },
] as const;

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-tls-'));
  for (const certificate of CERTIFICATES) {
    await execFile('openssl', [
      'req',
      '-x509',
      ...certificate.args,
      '-nodes',
      '-keyout',
      join(dir, `${certificate.file}.key`),
      '-out',
      join(dir, `${certificate.file}.crt`),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

for (const certificate of CERTIFICATES) {
  describe(`HTTPS with an ${certificate.kind} certificate`, () => {
    let server: RunningServer;
    let port: number;
    let cert: Buffer;
    let key: Buffer;
    const controls: TlsServer[] = [];

    beforeAll(async () => {
      const certFile = join(dir, `${certificate.file}.crt`);
      const keyFile = join(dir, `${certificate.file}.key`);
      cert = readFileSync(certFile);
      key = readFileSync(keyFile);
      const config = loadConfig({
        env: {
          RAMPART_DATA_DIR: join(dir, `data-${certificate.file}`),
          RAMPART_PORT: '0',
          RAMPART_TLS_CERT: certFile,
          RAMPART_TLS_KEY: keyFile,
          RAMPART_HTTP_REDIRECT_PORT: '0',
          RAMPART_PUBLIC_URL: PUBLIC_URL,
          RAMPART_LOG_LEVEL: 'warn',
        },
      });
      server = await startServer(config, { logger: createLogger(config.logLevel, new LogCapture()) });
      port = Number(new URL(server.url).port);
    });

    afterAll(async () => {
      for (const control of controls) control.close();
      await server?.close();
    });

    async function control(options: Record<string, unknown>): Promise<number> {
      const made = await permissive({ cert, key, ...options });
      controls.push(made);
      return portOf(made);
    }

    function getHealthz(options: ConnectionOptions): Promise<{ status: number; hsts: unknown; socket: TLSSocket }> {
      return new Promise((resolve, reject) => {
        httpsGet({ host: '127.0.0.1', port, path: '/healthz', servername: 'localhost', ca: cert, agent: false, ...options }, (res) => {
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], socket: res.socket as TLSSocket }),
          );
        }).on('error', reject);
      });
    }

    it('serves a TLS 1.3 client, with Strict-Transport-Security', async () => {
      const answer = await getHealthz({ minVersion: 'TLSv1.3' });
      expect(answer.status).toBe(200);
      expect(answer.hsts).toMatch(/^max-age=\d+/);
      expect(server.url).toMatch(/^https:\/\//);
      expect(await handshake(port, cert, { minVersion: 'TLSv1.3' })).toMatchObject({ protocol: 'TLSv1.3' });
    });

    it(`serves a TLS 1.2 client offering ${certificate.gcm} (ECDHE + AES-GCM)`, async () => {
      const answer = await getHealthz({ maxVersion: 'TLSv1.2', ciphers: certificate.gcm });
      expect(answer.status).toBe(200);
      expect(answer.hsts).toMatch(/^max-age=\d+/);
      expect(await handshake(port, cert, { maxVersion: 'TLSv1.2', ciphers: certificate.gcm })).toEqual({
        protocol: 'TLSv1.2',
        cipher: certificate.gcm,
      });
    });

    it('refuses a client offering only CBC suites (the server sends handshake_failure)', async () => {
      const client: ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: certificate.cbc };
      expect(await handshake(await control({ maxVersion: 'TLSv1.2', ciphers: certificate.cbc }), cert, client)).toMatchObject({
        protocol: 'TLSv1.2',
      });
      expect(await refusal(handshake(port, cert, client))).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    });

    it('refuses a client offering only TLS 1.1 (the server sends protocol_version)', async () => {
      const client: ConnectionOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };
      expect(await handshake(await control({ minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }), cert, client)).toMatchObject({
        protocol: 'TLSv1.1',
      });
      expect(await refusal(handshake(port, cert, client))).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    });

    it('refuses a TLS 1.3 client offering only TLS_AES_128_CCM_8_SHA256 (truncated tag)', async () => {
      const client: ConnectionOptions = { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_8_SHA256' };
      expect(await handshake(await control({ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_CCM_8_SHA256' }), cert, client)).toEqual({
        protocol: 'TLSv1.3',
        cipher: 'TLS_AES_128_CCM_8_SHA256',
      });
      expect(await refusal(handshake(port, cert, client))).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    });

    it('answers nothing to plain HTTP on the TLS port', async () => {
      await expect(request(`http://127.0.0.1:${port}`, '/healthz')).rejects.toThrow();
    });

    it('the plain-HTTP listener answers 308 to RAMPART_PUBLIC_URL + the path, and nothing else', async () => {
      const redirect = server.redirectUrl ?? '';
      expect(redirect).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await request(redirect, '/healthz?probe=1')).toEqual({ status: 308, location: `${PUBLIC_URL}/healthz?probe=1` });
    });

    it('asvs 2 (V4.1.2): the plain-HTTP listener refuses the API and every non-GET with 403 https_required, never a redirect, and counts it', async () => {
      const redirect = server.redirectUrl ?? '';
      const metric = async (): Promise<number> =>
        (await server.rampart.metrics.getSingleMetric('rampart_plain_http_refused_total')?.get())?.values.find(
          (value) => value.labels.credential === 'yes',
        )?.value ?? 0;
      const before = await metric();
      const attempts: [string, string][] = [
        ['POST', '/api/v1/auth/login'],
        ['GET', '/api/v1/me'],
        ['GET', '/api'],
        ['POST', '/healthz'],
        ['DELETE', '/'],
      ];
      for (const [method, path] of attempts) {
        const answer = await fetch(`${redirect}${path}`, {
          method,
          redirect: 'manual',
          headers: { authorization: 'Bearer not-a-real-token-but-sent-in-clear', 'content-type': 'application/json' },
          ...(method === 'POST' ? { body: JSON.stringify({ email: 'a@example.test', password: 'sent in clear by mistake' }) } : {}),
        });
        expect({ method, path, status: answer.status, location: answer.headers.get('location') }).toEqual({
          method,
          path,
          status: 403,
          location: null,
        });
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        const body = (await answer.json()) as { code: string; detail: string };
        expect(body.code).toBe('https_required');
        expect(body.detail).toContain('HTTPS');
      }
      expect((await metric()) - before).toBe(attempts.length);
      // A person's browser still gets its redirect.
      expect(await request(redirect, '/console?x=1')).toEqual({ status: 308, location: `${PUBLIC_URL}/console?x=1` });
    });

    it('the redirect of //evil.example/x (or an absolute-form target) stays on the public host', async () => {
      const redirect = new URL(server.redirectUrl ?? '');
      const location = (path: string) =>
        new Promise<string>((resolve, reject) => {
          httpRequest({ host: redirect.hostname, port: redirect.port, path, agent: false }, (res) => {
            res.resume();
            expect(res.statusCode).toBe(308);
            resolve(res.headers.location ?? '');
          })
            .on('error', reject)
            .end();
        });
      for (const path of ['//evil.example/x', '/\\evil.example/x', 'http://evil.example/x']) {
        const target = new URL(await location(path));
        expect({ path, host: target.host, protocol: target.protocol }).toEqual({ path, host: 'rampart.example:8443', protocol: 'https:' });
      }
    });
  });
}

describe('a TLS configuration that cannot work stops the start', () => {
  async function start(env: Record<string, string>): Promise<unknown> {
    const config = loadConfig({
      env: { RAMPART_DATA_DIR: join(dir, 'data-broken'), RAMPART_PORT: '0', RAMPART_LOG_LEVEL: 'warn', ...env },
    });
    try {
      const server = await startServer(config, { logger: createLogger(config.logLevel, new LogCapture()) });
      await server.close();
      return 'started';
    } catch (error) {
      return error;
    }
  }

  // Regression: OpenSSL accepts an RSA key beside an ECDSA certificate, and the server started
  // with every handshake failing.
  it("a key that is not the certificate's is a ConfigError naming RAMPART_TLS_KEY", async () => {
    const error = await start({ RAMPART_TLS_CERT: join(dir, 'ecdsa.crt'), RAMPART_TLS_KEY: join(dir, 'rsa.key') });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable: 'RAMPART_TLS_KEY' });
  });

  it('a certificate file that cannot be read is a ConfigError naming RAMPART_TLS_CERT', async () => {
    const error = await start({ RAMPART_TLS_CERT: join(dir, 'missing.crt'), RAMPART_TLS_KEY: join(dir, 'rsa.key') });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ variable: 'RAMPART_TLS_CERT' });
  });

  it('a redirect port already in use fails the start and leaves the HTTPS port closed', async () => {
    const taken = createTcpServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const httpsPort = await freePort();
      const error = await start({
        RAMPART_PORT: String(httpsPort),
        RAMPART_TLS_CERT: join(dir, 'rsa.crt'),
        RAMPART_TLS_KEY: join(dir, 'rsa.key'),
        RAMPART_HTTP_REDIRECT_PORT: String((taken.address() as { port: number }).port),
      });
      expect(error).toMatchObject({ code: 'EADDRINUSE' });
      // Regression: the HTTPS listener stayed open (and the process alive) after the failed start.
      const refused = await new Promise<string>((resolve) => {
        const socket = tcpConnect(httpsPort, '127.0.0.1', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (failure: NodeJS.ErrnoException) => resolve(failure.code ?? failure.message));
      });
      expect(refused).toBe('ECONNREFUSED');
    } finally {
      taken.close();
    }
  });
});
