/**
 * ASVS rows about the server as `rampart serve` starts it (src/serve.ts `startServer`) and as
 * `rampart doctor` judges it. The exploits: a client (or a man in the middle rewriting its
 * ClientHello) that offers only suites without forward secrecy or with legacy ciphers, or lists the
 * weaker suite first to get it chosen (V12.1.2); a deployment that serves plain HTTP on a public
 * interface (V12.2.1) or a certificate no public client trusts (V12.2.2); a production process with
 * an inspector port open or test routes compiled in (V13.4.2, V15.2.3). Every suite refusal is
 * paired with a permissive control server that accepts the same client, so the refusal is
 * Rampart's; suites the local OpenSSL cannot offer at all are skipped, named.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { url as inspectorUrl } from 'node:inspector';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, getCiphers, rootCertificates, type ConnectionOptions, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTls } from '../../src/cli/doctor.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { startServer, type RunningServer } from '../../src/serve.js';
import { LogCapture } from '../helpers/rampart.js';

const execFile = promisify(execFileCallback);

let dir: string;
let cert: Buffer;
let key: Buffer;

async function openssl(...args: string[]): Promise<void> {
  await execFile('openssl', args);
}

/** Connects with `options`; the cipher and protocol negotiated, or the TLS error's code. */
function handshake(port: number, options: ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: cert, ...options }, () => {
      resolve(`${socket.getProtocol() ?? '?'} ${socket.getCipher().name}`);
      socket.end();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`refused ${error.code ?? error.message}`));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rampart-asvs-tls-'));
  const subject = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    join(dir, 'rsa.key'),
    '-out',
    join(dir, 'rsa.crt'),
    '-days',
    '2',
    ...subject,
  );
  // A private CA and a leaf it issued: trusted by nobody but whoever holds the CA's root.
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Private CA',
  );
  await openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    join(dir, 'leaf.key'),
    '-out',
    join(dir, 'leaf.csr'),
    '-subj',
    '/CN=localhost',
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    join(dir, 'leaf.csr'),
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
    '-CAcreateserial',
    '-out',
    join(dir, 'leaf.crt'),
    '-days',
    '2',
  );
  writeFileSync(join(dir, 'chain.crt'), Buffer.concat([readFileSync(join(dir, 'leaf.crt')), readFileSync(join(dir, 'ca.crt'))]));
  for (const file of ['rsa.key', 'ca.key', 'leaf.key']) chmodSync(join(dir, file), 0o600);
  cert = readFileSync(join(dir, 'rsa.crt'));
  key = readFileSync(join(dir, 'rsa.key'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the HTTPS listener', () => {
  let server: RunningServer;
  let port: number;
  const controls: TlsServer[] = [];

  beforeAll(async () => {
    const config = loadConfig({
      env: {
        RAMPART_DATA_DIR: join(dir, 'data-tls'),
        RAMPART_PORT: '0',
        RAMPART_TLS_CERT: join(dir, 'rsa.crt'),
        RAMPART_TLS_KEY: join(dir, 'rsa.key'),
        RAMPART_PUBLIC_URL: 'https://rampart.example:8443',
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

  async function control(options: ConnectionOptions & { ciphers: string }): Promise<number> {
    const made = createServer(
      { cert, key, dhparam: 'auto', ciphers: `${options.ciphers}:@SECLEVEL=0`, minVersion: 'TLSv1', maxVersion: 'TLSv1.2' },
      (socket) => socket.end(),
    );
    await new Promise<void>((resolve) => made.listen(0, '127.0.0.1', resolve));
    controls.push(made);
    return (made.address() as { port: number }).port;
  }

  const LEGACY = [
    { name: 'static RSA key exchange with AES-GCM (no forward secrecy)', cipher: 'AES128-GCM-SHA256' },
    { name: 'static RSA with AES-256-GCM', cipher: 'AES256-GCM-SHA384' },
    { name: 'ARIA-GCM', cipher: 'ECDHE-RSA-ARIA128-GCM-SHA256' },
    { name: 'Camellia-CBC', cipher: 'CAMELLIA128-SHA' },
    { name: '3DES (Sweet32)', cipher: 'DES-CBC3-SHA' },
    { name: 'RC4', cipher: 'RC4-SHA' },
    { name: 'DHE with AES-CBC', cipher: 'DHE-RSA-AES128-SHA' },
  ];
  const offered = new Set(getCiphers().map((name) => name.toUpperCase()));

  for (const { name, cipher } of LEGACY) {
    it.skipIf(!offered.has(cipher))(
      `asvs V12.1.2: a TLS 1.2 client offering only ${name} is refused (a permissive server accepts it)`,
      async () => {
        const client: ConnectionOptions = { maxVersion: 'TLSv1.2', ciphers: `${cipher}:@SECLEVEL=0` };
        expect(await handshake(await control({ ciphers: cipher }), client)).toMatch(/^TLSv1\.2 /);
        expect(await handshake(port, client)).toMatch(/^refused /);
      },
    );
  }

  it('asvs V12.1.2: the server picks the strongest suite it shares, whatever the client’s order (AES-256-GCM before AES-128-GCM)', async () => {
    const weakerFirst = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384';
    expect(await handshake(port, { maxVersion: 'TLSv1.2', ciphers: weakerFirst })).toBe('TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384');
  });

  it('asvs V12.1.2: a client that offers TLS 1.2 and 1.3 gets TLS 1.3 with AES-256-GCM first', async () => {
    expect(await handshake(port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' })).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384');
  });

  it('asvs V12.2.2: rampart doctor warns when the certificate is self-signed or from a private CA, and passes a publicly trusted one', () => {
    const doctor = (tlsCert: string, tlsKey: string) =>
      checkTls(
        loadConfig({
          env: {
            RAMPART_DATA_DIR: join(dir, 'data-doctor'),
            RAMPART_PUBLIC_URL: 'https://rampart.example',
            RAMPART_TLS_CERT: tlsCert,
            RAMPART_TLS_KEY: tlsKey,
          },
        }),
      );
    const selfSigned = doctor(join(dir, 'rsa.crt'), join(dir, 'rsa.key'));
    expect(selfSigned).toMatchObject({ name: 'tls', status: 'warn' });
    expect(selfSigned.reason).toContain('not issued by a publicly trusted CA');
    expect(doctor(join(dir, 'chain.crt'), join(dir, 'leaf.key'))).toMatchObject({ status: 'warn' });
    // A root of the public store itself stands for a chain that ends there (its key is not needed here).
    writeFileSync(join(dir, 'public-root.crt'), rootCertificates[0] ?? '');
    expect(doctor(join(dir, 'public-root.crt'), join(dir, 'leaf.key'))).toMatchObject({ status: 'pass' });
  });
});

describe('the server as rampart serve starts it', () => {
  it('asvs V12.2.1: rampart doctor fails plain HTTP on a public interface, warns on loopback, passes TLS or an https proxy', () => {
    const doctor = (env: Record<string, string>) =>
      checkTls(loadConfig({ env: { RAMPART_DATA_DIR: join(dir, 'data-doctor'), RAMPART_PUBLIC_URL: 'http://localhost:8080', ...env } }));
    expect(doctor({ RAMPART_HOST: '0.0.0.0' })).toMatchObject({ status: 'fail' });
    expect(doctor({ RAMPART_HOST: '0.0.0.0' }).reason).toContain('plain HTTP');
    expect(doctor({ RAMPART_HOST: '127.0.0.1' })).toMatchObject({ status: 'warn' });
    expect(
      doctor({ RAMPART_HOST: '0.0.0.0', RAMPART_PUBLIC_URL: 'https://rampart.example', RAMPART_TRUST_PROXY: '10.0.0.1' }),
    ).toMatchObject({
      status: 'pass',
    });
  });

  it('asvs V13.4.2 / V15.2.3: a started server has no inspector, logs at info, and registers exactly the documented routes (no test route)', async () => {
    const config = loadConfig({
      env: {
        RAMPART_DATA_DIR: join(dir, 'data-serve'),
        RAMPART_PORT: '0',
        RAMPART_HOST: '127.0.0.1',
        RAMPART_PUBLIC_URL: 'http://localhost:8080',
      },
    });
    expect(config.logLevel).toBe('info');
    const server = await startServer(config, { logger: createLogger(config.logLevel, new LogCapture()) });
    try {
      expect(inspectorUrl()).toBeUndefined();
      const documented = new Set<string>();
      const document = (await server.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<{ paths: Record<string, object> }>();
      for (const path of Object.keys(document.paths)) documented.add(path.replace(/\{(\w+)\}/g, ':$1'));
      const registered = new Set<string>();
      const stack: string[] = [];
      for (const line of server.app.printRoutes({ commonPrefix: false }).split('\n')) {
        const match = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
        if (match === null) continue;
        stack.length = (match[1] ?? '').length / 4;
        const path = `${stack.join('')}${match[2] ?? ''}`;
        stack.push(match[2] ?? '');
        if ((match[3] ?? '').split(',').some((method) => !['HEAD', 'OPTIONS', ''].includes(method.trim()))) registered.add(path);
      }
      expect([...registered].filter((path) => /(^|\/)(test|debug|__)/i.test(path))).toEqual([]);
      expect([...registered].filter((path) => !documented.has(path)).sort()).toEqual([]);
      const unknown = await fetch(`${server.url}/test/throws`);
      expect(unknown.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
