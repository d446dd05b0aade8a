/**
 * Hardening 2 (CSRF part): a refused cross-site request is audited as a policy violation
 * (`auth.csrf_failed`, result `failure`), and the audit cannot be turned into an amplifier.
 *
 * The exploit: a page on another site makes the victim's browser send cookie-authenticated
 * changes to Rampart. The CSRF rule refuses them (403 `csrf_failed`); before this, nobody could see
 * that it happened. But the refusal runs before the rate limiter, and the page can forge requests
 * in a loop: one entry each would let any web page write to the permanent log at will. So the
 * entries are aggregated: one per session a minute, a fixed number a minute per instance, and the
 * counts of what was not written travel in the next entry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CSRF_AUDIT_MAX_PER_WINDOW,
  CSRF_AUDIT_WINDOW_MS,
  CsrfRefusalAudit,
  type CsrfRefusal,
} from '../../src/identity/browser/services/csrf-refusal-audit.js';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import type { FastifyInstance } from 'fastify';
import { COOKIE_SHAPE, ORIGIN } from '../helpers/browser.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { uniqueSlug } from '../helpers/orgs.js';

const EVIL = 'https://evil.example';

/** A log that refuses CSRF entries (a database outage, say) and keeps every other. */
class CsrfFailingAuditLog extends MemoryAuditLog {
  override record(event: AuditEvent): Promise<void> {
    if (event.action === 'auth.csrf_failed') return Promise.reject(new Error('audit store unavailable'));
    return super.record(event);
  }
}

interface BrowserLogin {
  readonly cookie: string;
  readonly sessionId: string;
  readonly secret: string;
  readonly csrf: string;
}

/** A cookie login from the public origin; the session cookie is found among whatever cookies the answer sets. */
async function cookieLogin(app: FastifyInstance): Promise<BrowserLogin> {
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    headers: { origin: ORIGIN },
    payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, mode: 'cookie' },
  });
  expect(response.statusCode, response.body).toBe(200);
  const setCookie = response.headers['set-cookie'];
  const cookies = Array.isArray(setCookie) ? setCookie : [String(setCookie)];
  const match = cookies.map((line) => COOKIE_SHAPE.exec(line)).find((found) => found !== null);
  const [, sessionId = '', secret = ''] = match ?? [];
  expect(sessionId).not.toBe('');
  return {
    cookie: `__Host-rampart_session=${sessionId}.${secret}`,
    sessionId,
    secret,
    csrf: response.json<{ csrf_token: string }>().csrf_token,
  };
}

function refusal(sessionId: string, userId = 'usr_1'): CsrfRefusal {
  return {
    userId,
    sessionId,
    method: 'POST',
    route: '/api/v1/orgs',
    origin: EVIL,
    context: { ip: '203.0.113.9', userAgent: 'test', requestId: 'req-1' },
  };
}

describe('CsrfRefusalAudit caps', () => {
  it('hardening 2: one entry per session per window; the suppressed count travels in the next one', async () => {
    const audit = new MemoryAuditLog();
    const clock = new FakeClock();
    const refusals = new CsrfRefusalAudit(audit, clock);
    for (let i = 0; i < 40; i++) await refusals.record(refusal('ses_a'));
    expect(audit.events()).toHaveLength(1);
    expect(audit.events()[0]).toMatchObject({ action: 'auth.csrf_failed', result: 'failure', reason: 'csrf_failed', resource: 'ses_a' });
    clock.advance(CSRF_AUDIT_WINDOW_MS);
    await refusals.record(refusal('ses_a'));
    expect(audit.events()).toHaveLength(2);
    expect(audit.events()[1]?.details).toMatchObject({ suppressed_before: 39 });
  });

  it('hardening 2: at most the per-window cap in all, whatever the number of sessions; the rest are counted', async () => {
    const audit = new MemoryAuditLog();
    const clock = new FakeClock();
    const refusals = new CsrfRefusalAudit(audit, clock);
    for (let i = 0; i < CSRF_AUDIT_MAX_PER_WINDOW + 50; i++) await refusals.record(refusal(`ses_${i}`));
    expect(audit.events()).toHaveLength(CSRF_AUDIT_MAX_PER_WINDOW);
    clock.advance(CSRF_AUDIT_WINDOW_MS);
    await refusals.record(refusal('ses_new'));
    expect(audit.events().at(-1)?.details).toMatchObject({ dropped_before: 50 });
  });
});

for (const backend of await backends()) {
  describe(`CSRF refusals are audited on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let browser: BrowserLogin;

    beforeAll(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: { ...ADMIN_ENV }, audit, clock });
      browser = await cookieLogin(server.app);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    const forged = (slug: string) =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: { cookie: browser.cookie, origin: EVIL },
        payload: { name: 'Forged', slug },
      });

    const csrfEntries = () => audit.events().filter((event) => event.action === 'auth.csrf_failed');

    it('hardening 2: a forged cookie request is refused 403 csrf_failed, audited as a failure, and changes nothing', async () => {
      const slug = uniqueSlug();
      expectProblem(await forged(slug), 'csrf_failed');
      const entries = csrfEntries();
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({
        action: 'auth.csrf_failed',
        result: 'failure',
        reason: 'csrf_failed',
        resource: browser.sessionId,
        actor: { type: 'user' },
        details: { method: 'POST', route: '/api/v1/orgs', origin: EVIL },
      });
      // No session secret, cookie or CSRF token in the entry.
      const text = JSON.stringify(entries[0]);
      expect(text).not.toContain(browser.secret);
      expect(text).not.toContain(browser.csrf);
      const lookup = await server.app.inject({
        method: 'GET',
        url: `/api/v1/orgs/${slug}`,
        headers: { cookie: browser.cookie, origin: ORIGIN },
      });
      expect(lookup.statusCode).toBe(404);
    });

    it('hardening 2: a flood of forged requests writes one entry a minute for the session, then reports the count', async () => {
      const before = csrfEntries().length;
      for (let i = 0; i < 30; i++) expectProblem(await forged(uniqueSlug()), 'csrf_failed');
      expect(csrfEntries()).toHaveLength(before);
      clock.advance(CSRF_AUDIT_WINDOW_MS);
      expectProblem(await forged(uniqueSlug()), 'csrf_failed');
      expect(csrfEntries()).toHaveLength(before + 1);
      expect(csrfEntries().at(-1)?.details).toMatchObject({ suppressed_before: 30 });
    });

    it('hardening 2: the same request from the allowed origin passes and leaves no CSRF entry', async () => {
      clock.advance(CSRF_AUDIT_WINDOW_MS);
      const before = csrfEntries().length;
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/orgs',
        headers: { cookie: browser.cookie, origin: ORIGIN },
        payload: { name: 'Fine', slug: uniqueSlug() },
      });
      expect(response.statusCode, response.body).toBe(201);
      expect(csrfEntries()).toHaveLength(before);
    });
  });
}

describe('CSRF refusal when the audit log fails', () => {
  let store: BackendInstance;
  let server: TestServer;

  beforeAll(async () => {
    const [first] = await backends();
    store = await (first as NonNullable<typeof first>).create();
    server = await testServer(store, { env: { ...ADMIN_ENV }, audit: new CsrfFailingAuditLog() });
  });

  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });

  it('hardening 2: the answer is still 403 csrf_failed (never a 500) and the failure is logged', async () => {
    const browser = await cookieLogin(server.app);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: { cookie: browser.cookie, origin: EVIL },
      payload: { name: 'Forged', slug: uniqueSlug() },
    });
    expectProblem(response, 'csrf_failed');
    expect(server.logs.text).toContain('a CSRF refusal could not be audited');
    expect(server.logs.text).not.toContain(browser.secret);
  });
});
