import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/kernel/ports/clock.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const NOW = Date.parse('2026-04-02T14:30:00.000Z');
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const PUBLIC_URL = 'https://auth.example.com';
const fixedClock: Clock = { now: () => NOW };

/** RFC 9116 §2.4: `Field: value` lines; comments (`#`) and blank lines ignored. */
function fields(text: string): [string, string][] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const colon = line.indexOf(': ');
      return [line.slice(0, colon), line.slice(colon + 2)];
    });
}

describe('/.well-known/security.txt', () => {
  let store: BackendInstance;

  beforeAll(async () => {
    store = await sqliteBackend.create();
  });

  afterAll(async () => {
    await store.cleanup();
  });

  async function securityTxt(env: Record<string, string>): Promise<{ type: string; lines: [string, string][] }> {
    const server = await testServer(store, { env: { RAMPART_PUBLIC_URL: PUBLIC_URL, ...env }, clock: fixedClock });
    try {
      const response = await server.app.inject({ method: 'GET', url: '/.well-known/security.txt' });
      expect(response.statusCode).toBe(200);
      return { type: String(response.headers['content-type']), lines: fields(response.body) };
    } finally {
      await server.close();
    }
  }

  it('answers RFC 9116 text/plain with Contact, Expires, Canonical and no Policy when none is configured', async () => {
    const { type, lines } = await securityTxt({});
    expect(type).toMatch(/^text\/plain; charset=utf-8$/);
    const names = lines.map(([name]) => name);
    expect(names).toContain('Contact');
    expect(names.filter((name) => name === 'Expires')).toHaveLength(1); // §2.5.5: exactly once
    expect(names).not.toContain('Policy');
    expect(Object.fromEntries(lines)).toMatchObject({
      Contact: 'mailto:security@auth.example.com',
      Canonical: `${PUBLIC_URL}/.well-known/security.txt`,
    });
  });

  it('sets Expires in the future and less than a year ahead (§2.5.5)', async () => {
    const { lines } = await securityTxt({});
    const expires = Object.fromEntries(lines).Expires ?? '';
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/); // RFC 3339
    const at = Date.parse(expires);
    expect(at).toBeGreaterThan(NOW);
    expect(at).toBeLessThan(NOW + YEAR_MS);
  });

  it('carries the configured contact and policy', async () => {
    const { lines } = await securityTxt({
      RAMPART_SECURITY_CONTACT: 'https://example.com/security',
      RAMPART_SECURITY_POLICY: 'https://example.com/disclosure',
    });
    expect(Object.fromEntries(lines)).toMatchObject({ Contact: 'https://example.com/security', Policy: 'https://example.com/disclosure' });
  });
});

describe('/metrics (default configuration)', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store);
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('answers loopback with Prometheus text that counts requests', async () => {
    await server.app.inject({ method: 'GET', url: '/healthz' });
    for (const remoteAddress of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
      expect(response.statusCode, remoteAddress).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(response.body).toContain('# TYPE rampart_http_requests_total counter');
      expect(response.body).toMatch(/^rampart_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    }
  });

  it('answers a remote address without credentials 401', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    expectProblem(response, 'unauthenticated');
    expect(response.body).not.toContain('rampart_http_requests_total');
  });
});

describe('/metrics with RAMPART_METRICS_ALLOW=203.0.113.0/24', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    store = await sqliteBackend.create();
    server = await testServer(store, { env: { RAMPART_METRICS_ALLOW: '203.0.113.0/24' } });
  });

  afterAll(async () => {
    await server.close();
    await store.cleanup();
  });

  it('answers 203.0.113.7 with the metrics', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.7' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('rampart_http_requests_total');
  });

  it('still refuses an address outside the range', async () => {
    expectProblem(await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.114.7' }), 'unauthenticated');
  });
});
