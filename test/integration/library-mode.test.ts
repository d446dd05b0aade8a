/**
 * Library mode: an application embeds Rampart in its own Fastify app with `createRampart(config)`
 * and `app.register(rampartPlugin, { rampart })`, importing nothing but the package entry
 * (src/index.ts). Rampart's routes must answer exactly as in the standalone server (its chain:
 * security headers, request ids, problem+json), while the host's own routes keep the host's
 * behaviour: none of Rampart's headers, parsers or error format, and no access declaration
 * demanded of them.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRampart, loadConfig, rampartPlugin, type Rampart } from '../../src/index.js';
import { tempDataDir } from '../helpers/backends.js';

const RAMPART_HEADERS = [
  'x-request-id',
  'strict-transport-security',
  'content-security-policy',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-opener-policy',
  'ratelimit-limit',
];

describe('Rampart embedded in a host Fastify app', () => {
  let dataDir: string;
  let rampart: Rampart;
  let app: FastifyInstance;

  beforeAll(async () => {
    dataDir = tempDataDir();
    rampart = await createRampart(loadConfig({ env: { RAMPART_DATA_DIR: dataDir, RAMPART_LOG_LEVEL: 'silent' } }));
    app = Fastify();
    // Host routes on both sides of the registration, none declaring an access.
    app.get('/host/before', async () => ({ host: 'before' }));
    // This host mounts Rampart with Rampart answering unknown paths (problem+json 404/405).
    await app.register(rampartPlugin, { rampart, handleNotFound: true });
    app.get('/host/after', async () => ({ host: 'after' }));
    app.post('/host/echo', async (request) => ({ echoed: request.body }));
    app.get('/host/boom', async () => {
      throw new Error('host failure');
    });
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await rampart?.close();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('createRampart returns the services: the database answers a ping', async () => {
    expect(await rampart.database.ping()).toBe(true);
    expect(rampart.readiness.map((probe) => probe.name)).toEqual(['database']);
    expect(Object.isFrozen(rampart.config)).toBe(true);
  });

  it("Rampart's routes answer through Rampart's chain", async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'host-probe-1' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    expect(response.headers['x-request-id']).toBe('host-probe-1');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['strict-transport-security']).toMatch(/^max-age=/);
    expect(response.headers['cache-control']).toBe('no-store');

    const readyz = await app.inject({ method: 'GET', url: '/readyz' });
    expect(readyz.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it("an unknown path under Rampart's /api/v1 is a problem+json 404 with the security headers", async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/no-such-resource' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, code: 'not_found', request_id: response.headers['x-request-id'] });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBeDefined();
  });

  it('another method on a Rampart route is a problem+json 405 with Allow', async () => {
    const response = await app.inject({ method: 'POST', url: '/healthz' });
    expect(response.statusCode).toBe(405);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers.allow).toMatch(/\bGET\b/);
    expect(response.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  it("the host's routes are untouched: no Rampart headers, the host's parsers and error format", async () => {
    for (const url of ['/host/before', '/host/after']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      for (const header of RAMPART_HEADERS)
        expect({ url, header, value: response.headers[header] }).toEqual({ url, header, value: undefined });
    }

    // Fastify's default text/plain parser, which Rampart's strict-JSON context does not have.
    const echo = await app.inject({ method: 'POST', url: '/host/echo', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(echo.statusCode).toBe(200);
    expect(echo.json()).toEqual({ echoed: 'hello' });

    // The host's own error format, not Rampart's problem+json.
    const boom = await app.inject({ method: 'GET', url: '/host/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.headers['content-type']).toMatch(/^application\/json/);
    expect(boom.json()).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
  });

  // Regression: Rampart's not-found handler used to claim the host's '/' prefix, so a host with its
  // own 404 handler could not register Rampart at all ("Not found handler already set").
  it('a host with its own 404 handler can embed Rampart and keeps its 404s', async () => {
    const host = Fastify();
    host.setNotFoundHandler((_request, reply) => reply.code(404).send({ host404: true }));
    try {
      await host.register(rampartPlugin, { rampart });
      await host.ready();
      const response = await host.inject({ method: 'GET', url: '/not-rampart' });
      expect(response.json()).toEqual({ host404: true });
    } finally {
      await host.close();
    }
  });
});
