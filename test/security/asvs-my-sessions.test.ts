/**
 * ASVS V7.5.2: a user sees their live sessions and ends any or all of them — but only after
 * authenticating again (step-up). On every backend, through the real server: a stale session's
 * `DELETE /api/v1/me/sessions/{id}` and `DELETE /api/v1/me/sessions` are 401 `step_up_required`
 * and every session stays live; a fresh one ends the others at once, keeping its own.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_EMAIL, ADMIN_ENV, ADMIN_PASSWORD, login } from '../helpers/identity.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const WINDOW_MS = 300_000;

function call(app: FastifyInstance, token: string, method: 'GET' | 'DELETE', url: string): Promise<LightMyRequestResponse> {
  return app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
}

async function liveSessionIds(app: FastifyInstance, token: string): Promise<string[]> {
  const response = await call(app, token, 'GET', '/api/v1/me/sessions');
  expect(response.statusCode).toBe(200);
  const body = response.json<{ id: string }[] | { items: { id: string }[] }>();
  return (Array.isArray(body) ? body : body.items).map((session) => session.id).sort();
}

for (const backend of await backends()) {
  describe(`the caller's sessions on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: ADMIN_ENV, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('asvs V7.5.2: past the step-up window, ending one session or every other one is 401 step_up_required and every session stays live', async () => {
      const current = await login(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      const other = await login(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      clock.advance(WINDOW_MS + 1);
      const before = await liveSessionIds(server.app, current.access_token);
      expect(before).toEqual([current.session_id, other.session_id].sort());
      expectProblem(await call(server.app, current.access_token, 'DELETE', `/api/v1/me/sessions/${other.session_id}`), 'step_up_required');
      expectProblem(await call(server.app, current.access_token, 'DELETE', '/api/v1/me/sessions'), 'step_up_required');
      expect(await liveSessionIds(server.app, current.access_token)).toEqual(before);
      expect((await call(server.app, other.access_token, 'GET', '/api/v1/me')).statusCode).toBe(200);
    });

    it('asvs V7.5.2: a fresh session ends every other session of the caller at once and keeps its own', async () => {
      const current = await login(server.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      const others = [await login(server.app, ADMIN_EMAIL, ADMIN_PASSWORD), await login(server.app, ADMIN_EMAIL, ADMIN_PASSWORD)];
      const ended = await call(server.app, current.access_token, 'DELETE', '/api/v1/me/sessions');
      expect(ended.statusCode).toBe(200);
      expect(ended.json()).toEqual({ revoked: 2 });
      for (const other of others) expect((await call(server.app, other.access_token, 'GET', '/api/v1/me')).statusCode).toBe(401);
      expect(await liveSessionIds(server.app, current.access_token)).toEqual([current.session_id]);
      expect(audit.events()).toContainEqual(
        expect.objectContaining({ action: 'session.revoke_others', result: 'success', details: { kept: current.session_id } }),
      );
    });
  });
}
