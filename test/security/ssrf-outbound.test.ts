/**
 * The outbound client under attack. The exploits: a name that resolves to a public address when
 * the URL is checked and to 127.0.0.1 when the request is sent (DNS rebinding); a receiver that
 * redirects to an internal address; a receiver that never answers, trickles its answer or streams
 * an endless body to tie up Rampart's workers; a certificate that does not match. Each ends in a
 * classified outcome, and the internal receiver reached by the trick counts no request. Receivers
 * listen on 127.0.0.1 and are reached only through the allow-list; nothing else is connected to.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeOutboundConnections, sendOutbound } from '../../src/kernel/net/outbound-http.js';
import { systemResolver, type OutboundPolicy, type Resolver } from '../../src/kernel/net/outbound-policy.js';
import { checkUrl } from '../../src/kernel/net/ssrf-guard.js';

const execFile = promisify(execFileCallback);

interface Receiver {
  readonly port: number;
  readonly requests: { method: string; url: string; host: string | undefined; body: string }[];
  close(): Promise<void>;
}

const servers: Server[] = [];

async function receiver(handle: (request: IncomingMessage, response: ServerResponse) => void, server?: Server): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const listening = server ?? createServer();
  listening.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        host: request.headers.host,
        body: Buffer.concat(chunks).toString(),
      });
      handle(request, response);
    });
  });
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  servers.push(listening);
  return {
    port: (listening.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        listening.closeAllConnections?.();
        listening.close(() => resolve());
      }),
  };
}

/** A resolver that answers `answers` in turn (the last one repeating), counting its lookups. */
function rebinding(...answers: (readonly string[])[]): Resolver & { lookups: number } {
  const resolver = {
    lookups: 0,
    lookup: async (): Promise<readonly string[]> => answers[Math.min(resolver.lookups++, answers.length - 1)] ?? [],
  };
  return resolver;
}

const loopbackPolicy = (port: number): OutboundPolicy => ({ allowCidrs: ['127.0.0.1/32'], ports: [port] });
const quick = { connectMs: 500, headersMs: 300, bodyMs: 300 };

afterEach(async () => {
  await closeOutboundConnections();
  for (const server of servers.splice(0)) {
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('sending through the SSRF guard', () => {
  it('webhooks 2: a name public at check time and 127.0.0.1 at send time is never sent to', async () => {
    const internal = await receiver((_request, response) => response.end('internal'));
    // The endpoint was checked at creation while the name pointed at a public address…
    const resolver = rebinding(['93.184.215.14'], ['127.0.0.1']);
    const policy: OutboundPolicy = { allowCidrs: [], ports: [internal.port] };
    expect((await checkUrl(`http://hook.rebind.test:${internal.port}/`, policy, resolver)).ok).toBe(true);
    // …and at delivery it points at loopback: the delivery is refused, nothing is sent.
    const result = await sendOutbound(
      { url: `http://hook.rebind.test:${internal.port}/`, method: 'POST', headers: {}, body: Buffer.from('{}') },
      policy,
      resolver,
    );
    expect(result).toMatchObject({ outcome: 'ssrf_blocked', reason: 'the host resolves to a denied address (loopback)' });
    expect(internal.requests).toEqual([]);
  });

  it('webhooks 2: the connection goes to the address checked, not to a second DNS answer', async () => {
    const checked = await receiver((_request, response) => response.end('checked'));
    // Allow-listed loopback first, then an address the guard would refuse: the socket must use the first.
    const resolver = rebinding(['127.0.0.1'], ['10.0.0.1']);
    const url = `http://pinned.rebind.test:${checked.port}/deliver`;
    const result = await sendOutbound(
      { url, method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"a":1}') },
      loopbackPolicy(checked.port),
      resolver,
    );
    expect(result).toMatchObject({ outcome: 'ok', status: 200 });
    expect(result.body?.toString()).toBe('checked');
    expect(resolver.lookups).toBe(1);
    // The name, not the address, is what the receiver sees in Host.
    expect(checked.requests).toEqual([{ method: 'POST', url: '/deliver', host: `pinned.rebind.test:${checked.port}`, body: '{"a":1}' }]);
  });

  it('webhooks 2: a redirect to an internal address is not followed', async () => {
    const internal = await receiver((_request, response) => response.end('secret'));
    const redirecting = await receiver((_request, response) => {
      response.writeHead(302, { location: `http://127.0.0.1:${internal.port}/admin` }).end();
    });
    const policy: OutboundPolicy = { allowCidrs: ['127.0.0.1/32'], ports: [redirecting.port, internal.port] };
    const result = await sendOutbound({ url: `http://127.0.0.1:${redirecting.port}/`, method: 'POST', headers: {} }, policy, rebinding());
    expect(result).toMatchObject({ outcome: 'redirect', status: 302 });
    expect(redirecting.requests).toHaveLength(1);
    expect(internal.requests).toEqual([]);
  });

  it('webhooks 2: a receiver that never answers times out', async () => {
    const silent = await receiver(() => undefined);
    const result = await sendOutbound(
      { url: `http://127.0.0.1:${silent.port}/`, method: 'POST', headers: {}, body: Buffer.from('x'), timeouts: quick },
      loopbackPolicy(silent.port),
      rebinding(),
    );
    expect(result.outcome).toBe('timeout');
    expect(result.latencyMs).toBeLessThan(5_000);
  });

  it('webhooks 2: a receiver that trickles its body one byte at a time is cut at the body deadline', async () => {
    const slow = await receiver((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const result = await sendOutbound(
      { url: `http://127.0.0.1:${slow.port}/`, method: 'GET', headers: {}, timeouts: quick },
      loopbackPolicy(slow.port),
      rebinding(),
    );
    expect(result).toMatchObject({ outcome: 'timeout', status: 200 });
  });

  it('webhooks 2: a receiver that answers slowly but within the limits succeeds', async () => {
    const slow = await receiver((_request, response) => setTimeout(() => response.end('late'), 100));
    const result = await sendOutbound(
      { url: `http://127.0.0.1:${slow.port}/`, method: 'POST', headers: {}, timeouts: { headersMs: 2_000 } },
      loopbackPolicy(slow.port),
      rebinding(),
    );
    expect(result).toMatchObject({ outcome: 'ok', status: 200 });
    expect(result.latencyMs).toBeGreaterThanOrEqual(90);
  });

  it('webhooks 2: a receiver streaming a huge body is cut at the cap and its connection destroyed', async () => {
    let written = 0;
    let closed = false;
    const flood = await receiver((_request, response) => {
      response.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = (): void => {
        while (!response.destroyed && written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
      };
      response.on('close', () => (closed = true));
      pump();
    });
    const result = await sendOutbound(
      { url: `http://127.0.0.1:${flood.port}/`, method: 'POST', headers: {}, maxResponseBytes: 4096 },
      loopbackPolicy(flood.port),
      rebinding(),
    );
    expect(result).toMatchObject({ outcome: 'too_large', status: 200 });
    expect(result.body).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(true);
    expect(written).toBeLessThan(64 * 1024 * 1024);
  });

  it('webhooks 2: non-2xx answers, refused connections and unresolvable names are classified', async () => {
    const failing = await receiver((_request, response) => response.writeHead(503).end('down'));
    const answer = await sendOutbound(
      { url: `http://127.0.0.1:${failing.port}/`, method: 'POST', headers: {} },
      loopbackPolicy(failing.port),
      rebinding(),
    );
    expect(answer).toMatchObject({ outcome: 'http_error', status: 503 });

    const gone = await receiver(() => undefined);
    await gone.close();
    const refused = await sendOutbound(
      { url: `http://127.0.0.1:${gone.port}/`, method: 'POST', headers: {} },
      loopbackPolicy(gone.port),
      rebinding(),
    );
    expect(refused).toMatchObject({ outcome: 'connect_error', reason: 'ECONNREFUSED' });

    const nowhere = await sendOutbound(
      { url: 'https://nowhere.invalid/', method: 'POST', headers: {} },
      { allowCidrs: [], ports: [443] },
      rebinding([]),
    );
    expect(nowhere).toMatchObject({ outcome: 'connect_error', reason: 'the host name does not resolve' });
  });

  it('webhooks 2: an unlisted port or a blocked address is refused before any connection', async () => {
    const listening = await receiver((_request, response) => response.end('no'));
    const blocked = await sendOutbound(
      { url: `http://127.0.0.1:${listening.port}/`, method: 'POST', headers: {} },
      { allowCidrs: [], ports: [listening.port] },
      rebinding(),
    );
    expect(blocked.outcome).toBe('ssrf_blocked');
    const wrongPort = await sendOutbound(
      { url: `http://127.0.0.1:${listening.port}/`, method: 'POST', headers: {} },
      { allowCidrs: ['127.0.0.1/32'], ports: [443] },
      rebinding(),
    );
    expect(wrongPort.outcome).toBe('ssrf_blocked');
    expect(listening.requests).toEqual([]);
  });
});

describe('TLS', () => {
  let dir: string;
  let cert: Buffer;
  let key: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rampart-ssrf-tls-'));
    await execFile('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=receiver.test',
      '-addext',
      'subjectAltName=DNS:receiver.test',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ]);
    cert = readFileSync(join(dir, 'cert.pem'));
    key = readFileSync(join(dir, 'key.pem'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('webhooks 2: an untrusted certificate is a tls_error, and the receiver gets no request', async () => {
    const tlsReceiver = await receiver((_request, response) => response.end('tls'), createHttpsServer({ cert, key }));
    const result = await sendOutbound(
      { url: `https://receiver.test:${tlsReceiver.port}/`, method: 'POST', headers: {}, body: Buffer.from('{}') },
      loopbackPolicy(tlsReceiver.port),
      rebinding(['127.0.0.1']),
    );
    expect(result.outcome).toBe('tls_error');
    expect(tlsReceiver.requests).toEqual([]);
  });

  it('webhooks 2: plain HTTP from the receiver on an https URL is a tls_error', async () => {
    const plain = await receiver((_request, response) => response.end('plain'));
    const result = await sendOutbound(
      { url: `https://receiver.test:${plain.port}/`, method: 'POST', headers: {} },
      loopbackPolicy(plain.port),
      rebinding(['127.0.0.1']),
    );
    expect(result.outcome).toBe('tls_error');
  });
});

describe('systemResolver', () => {
  it('webhooks 2: answers every address of a name, caches it, and does not cache a failure', async () => {
    const resolver = systemResolver({ cacheMs: 60_000 });
    const first = resolver.lookup('localhost');
    expect(resolver.lookup('LOCALHOST')).toBe(first);
    expect(await first).toContain('127.0.0.1');
    const missing = resolver.lookup('no-such-host.invalid');
    await expect(missing).rejects.toThrow();
    expect(resolver.lookup('no-such-host.invalid')).not.toBe(missing);
    await resolver.lookup('no-such-host.invalid').catch(() => undefined);
    expect(() => systemResolver({ cacheMs: -1 })).toThrow(RangeError);
  });
});
