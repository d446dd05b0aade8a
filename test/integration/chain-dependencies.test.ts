/**
 * The chain's order is written once (src/http/chain.ts) and checked twice:
 * - by the table itself: each row names the rows it needs above it, and `registerChain` refuses
 *   a table that breaks one of those needs before registering anything, naming the row;
 * - by Fastify, for the plugins after the request pass: each declares the pass (which decorates
 *   `principal`, `requestId` and `routeConfig`) as its dependency, and `ready()` refuses a plugin
 *   mounted without it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PluginMetadata } from 'fastify-plugin';
import { CHAIN, ChainOrderError, checkChainOrder, registerChain, type ChainSettings, type Row } from '../../src/http/chain.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createRampart, type Rampart } from '../../src/rampart.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { LogCapture, testConfig } from '../helpers/rampart.js';

const SETTINGS: ChainSettings = { standalone: false, handleNotFound: true };

/** What each row needs above it, as the chain's header states it. */
const NEEDS: Record<string, string[]> = {
  logging: [],
  metrics: [],
  problems: [],
  'request-id': [],
  cors: [],
  'security-headers': [],
  'method-guard': [],
  draining: [],
  authentication: ['method-guard'],
  'browser-sessions': ['authentication'],
  'privilege-change': ['authentication'],
  'rate-limit': ['authentication'],
  'body-limit': [],
  validation: [],
  authorization: ['request-id', 'authentication'],
  'read-audit': ['authorization'],
  idempotency: ['authentication', 'body-limit', 'authorization'],
};

/** The Fastify plugins after the pass, and the pass dependency and decorations each declares. */
const PLUGINS_NEEDING_THE_PASS = ['privilege-change', 'authorization', 'read-audit', 'idempotency'];

function row(name: string): Row {
  const found = CHAIN.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no layer ${name}`);
  return found;
}

function meta(name: string): PluginMetadata {
  const found = row(name);
  if (found.kind !== 'plugin') throw new Error(`${name} is not a plugin`);
  return (found.plugin as unknown as Record<symbol, PluginMetadata>)[Symbol.for('plugin-meta')] as PluginMetadata;
}

/** The table with `layer` moved to just above `above`. */
function moved(layer: string, above: string): Row[] {
  const table = CHAIN.filter((candidate) => candidate.name !== layer);
  table.splice(
    table.findIndex((candidate) => candidate.name === above),
    0,
    row(layer),
  );
  return table;
}

describe('the chain table states what each layer needs above it', () => {
  it('as the chain header says, with every need a row above it', () => {
    expect(Object.fromEntries(CHAIN.map((candidate) => [candidate.name, [...candidate.needs]]))).toEqual(NEEDS);
    expect(() => checkChainOrder(CHAIN)).not.toThrow();
  });

  it('the steps of the pass run in the spec order: request id, CORS, headers, method guard, authentication, rate limit', () => {
    const steps = CHAIN.filter((candidate) => candidate.kind === 'step').map((candidate) => candidate.name);
    expect(steps).toEqual([
      'request-id',
      'cors',
      'security-headers',
      'method-guard',
      'draining',
      'authentication',
      'browser-sessions',
      'rate-limit',
    ]);
  });

  it('refuses every table that moves a layer just above one it needs, naming both', () => {
    for (const layer of CHAIN) {
      for (const needed of layer.needs) {
        const table = moved(layer.name, needed);
        expect(() => checkChainOrder(table), `${layer.name} above ${needed}`).toThrow(ChainOrderError);
        expect(() => checkChainOrder(table), `${layer.name} above ${needed}`).toThrow(
          `the chain's ${layer.name} layer needs the ${needed} layer above it`,
        );
      }
    }
  });

  it('each plugin after the pass declares the pass as its dependency, for Fastify 5', () => {
    for (const name of PLUGINS_NEEDING_THE_PASS) {
      expect(meta(name).fastify, name).toBe('5.x');
      expect(meta(name).dependencies, name).toContain('rampart-request-pass');
      expect(meta(name).decorators?.request, name).toContain('principal');
    }
  });
});

describe('the order is enforced at start', () => {
  let store: BackendInstance;
  let rampart: Rampart;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    store = await sqliteBackend.create();
    rampart = await createRampart(testConfig(store), { logger: createLogger('silent', new LogCapture()) });
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await rampart.close();
    await store.cleanup();
  });

  function bare(): FastifyInstance {
    const app = Fastify({ logger: false });
    apps.push(app);
    return app;
  }

  it('the real chain, mounted in table order, starts and answers', async () => {
    const app = bare();
    await app.register(async (context) => {
      await registerChain(context, rampart, SETTINGS);
      context.get('/test/me', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
      context.get('/test/admin', { config: { access: { permission: 'widgets.manage', scope: 'platform' } } }, async () => ({ ok: true }));
    });
    await app.ready();
    for (const url of ['/test/me', '/test/admin']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(401);
      expect(response.json(), url).toMatchObject({ code: 'unauthenticated' });
      expect(response.headers['x-request-id'], url).toBeDefined();
      expect(response.headers['content-security-policy'], url).toBeDefined();
    }
  });

  it('refuses to start a table with authorization moved above authentication, before registering anything', async () => {
    const app = bare();
    await expect(registerChain(app, rampart, SETTINGS, moved('authorization', 'authentication'))).rejects.toThrow(
      "the chain's authorization layer needs the authentication layer above it",
    );
    expect(app.hasRequestDecorator('principal')).toBe(false);
  });

  it('refuses to start the rate limiter above authentication (every caller would be its address)', async () => {
    await expect(registerChain(bare(), rampart, SETTINGS, moved('rate-limit', 'authentication'))).rejects.toThrow(ChainOrderError);
  });

  for (const name of PLUGINS_NEEDING_THE_PASS) {
    it(`Fastify refuses ${name} mounted without the request pass, naming what is missing`, async () => {
      const app = bare();
      const found = row(name);
      if (found.kind !== 'plugin') throw new Error('not a plugin');
      void app.register(found.plugin, found.options(rampart, SETTINGS) as never);
      const error = await app.ready().then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error, 'ready() should have been refused').toBeInstanceOf(Error);
      expect(['FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE', 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED']).toContain(
        (error as { code?: unknown }).code,
      );
      expect((error as Error).message).toContain(`'rampart-${name === 'privilege-change' ? 'browser-sessions' : name}'`);
    });
  }
});
