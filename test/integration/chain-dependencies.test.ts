/**
 * The chain's order is written once (src/http/chain.ts) and enforced by Fastify: each layer's
 * fastify-plugin declaration names the layers it needs mounted before it and the request
 * decorations it reads. A layer mounted without them, or above them, stops the start at `ready()`.
 *
 * Fastify checks a plugin's `decorators` before its `dependencies` (fastify/lib/plugin-utils.js,
 * `registerPlugin`): on a bare instance the first refusal names the missing decoration; once a
 * host has decorated the request itself (as an embedding app with its own `request.principal`
 * might), the dependency check still names the missing layer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PluginMetadata } from 'fastify-plugin';
import { CHAIN, registerChain, type ChainSettings } from '../../src/http/chain.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { createRampart, type Rampart } from '../../src/rampart.js';
import { sqliteBackend, type BackendInstance } from '../helpers/backends.js';
import { LogCapture, testConfig } from '../helpers/rampart.js';

type Row = (typeof CHAIN)[number];

const SETTINGS: ChainSettings = { standalone: false, handleNotFound: true };

/** What each layer declares, as the chain's header states it. */
const EXPECTED: Record<string, { dependencies: string[]; request?: string[] }> = {
  logging: { dependencies: [] },
  metrics: { dependencies: [] },
  problems: { dependencies: [] },
  'request-id': { dependencies: [] },
  cors: { dependencies: [] },
  'security-headers': { dependencies: [] },
  'method-guard': { dependencies: [] },
  authentication: { dependencies: [] },
  'browser-sessions': { dependencies: ['rampart-authentication'], request: ['principal'] },
  'rate-limit': { dependencies: ['rampart-authentication'], request: ['principal'] },
  'body-limit': { dependencies: [] },
  validation: { dependencies: [] },
  authorization: { dependencies: ['rampart-request-id', 'rampart-authentication'], request: ['principal', 'requestId'] },
  idempotency: { dependencies: ['rampart-authentication', 'rampart-body-limit', 'rampart-authorization'], request: ['principal'] },
};

/** The request decorations each layer adds (checked below against the real plugins). */
const DECORATES: Record<string, string[]> = {
  'request-id': ['requestId'],
  authentication: ['principal'],
  authorization: ['tenantScope'],
};

function meta(row: Row): PluginMetadata {
  return (row.plugin as unknown as Record<symbol, PluginMetadata>)[Symbol.for('plugin-meta')] as PluginMetadata;
}

function row(name: string): Row {
  const found = CHAIN.find((candidate) => candidate.name === name);
  if (found === undefined) throw new Error(`no layer ${name}`);
  return found;
}

function named(plugin: string): string {
  return plugin.replace(/^rampart-/, '');
}

/** Every layer `name` needs, transitively, by row name. */
function needs(name: string): Set<string> {
  const all = new Set<string>();
  const visit = (layer: string): void => {
    for (const dependency of meta(row(layer)).dependencies ?? []) {
      if (all.has(named(dependency))) continue;
      all.add(named(dependency));
      visit(named(dependency));
    }
  };
  visit(name);
  return all;
}

const WITH_DEPENDENCIES = CHAIN.filter((candidate) => (meta(candidate).dependencies ?? []).length > 0).map((r) => r.name);

describe('the chain layers declare what they depend on', () => {
  it('each row mounts the plugin named rampart-<row>, for Fastify 5', () => {
    for (const layer of CHAIN) {
      expect(meta(layer).name, layer.name).toBe(`rampart-${layer.name}`);
      expect(meta(layer).fastify, layer.name).toBe('5.x');
    }
    expect(new Set(CHAIN.map((layer) => layer.name)).size).toBe(CHAIN.length);
  });

  it('as the chain header states', () => {
    const declared = Object.fromEntries(
      CHAIN.map((layer) => {
        const { dependencies, decorators } = meta(layer);
        return [layer.name, { dependencies, ...(decorators?.request === undefined ? {} : { request: decorators.request }) }];
      }),
    );
    expect(declared).toEqual(EXPECTED);
    expect(WITH_DEPENDENCIES).toEqual(['browser-sessions', 'rate-limit', 'authorization', 'idempotency']);
  });

  it('and every dependency is a layer above it in the table', () => {
    for (const [index, layer] of CHAIN.entries()) {
      for (const dependency of meta(layer).dependencies ?? []) {
        const at = CHAIN.findIndex((candidate) => `rampart-${candidate.name}` === dependency);
        expect(at, `${layer.name} → ${dependency}`).toBeGreaterThanOrEqual(0);
        expect(at, `${layer.name} → ${dependency}`).toBeLessThan(index);
      }
    }
  });
});

describe('Fastify enforces the declarations', () => {
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

  /** A bare Fastify instance (no Rampart server around it), closed after the suite. */
  function bare(): FastifyInstance {
    const app = Fastify({ logger: false });
    apps.push(app);
    return app;
  }

  /** Mounts `rows` in this order, with the options their chain rows build, as plugins load at `ready()`. */
  function mount(app: FastifyInstance, rows: readonly Row[]): void {
    for (const layer of rows) void app.register(layer.plugin, layer.options(rampart, SETTINGS) as never);
  }

  /** Why `ready()` refused, as Fastify's error code and message. */
  async function refusal(app: FastifyInstance): Promise<{ code: unknown; message: string }> {
    const error = await app.ready().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error, 'ready() should have been refused').toBeInstanceOf(Error);
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }

  it('the decorations the header names are the ones the layers add', async () => {
    for (const [name, decorations] of Object.entries(DECORATES)) {
      const app = bare();
      mount(app, [...CHAIN.filter((candidate) => needs(name).has(candidate.name)), row(name)]);
      await app.ready();
      for (const decoration of decorations) expect(app.hasRequestDecorator(decoration), `${name}: ${decoration}`).toBe(true);
    }
  });

  for (const name of ['browser-sessions', 'rate-limit', 'authorization', 'idempotency']) {
    describe(`${name}, alone on a bare instance`, () => {
      it('is refused at ready(), naming the request decoration it reads (checked first)', async () => {
        const app = bare();
        mount(app, [row(name)]);
        const [first] = EXPECTED[name]?.request ?? [];
        expect(await refusal(app)).toEqual({
          code: 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE',
          message: `The decorator '${first}' required by 'rampart-${name}' is not present in Request`,
        });
      });

      it('is refused at ready(), naming the missing layer, even when the host decorated the request', async () => {
        const app = bare();
        for (const decoration of EXPECTED[name]?.request ?? []) app.decorateRequest(decoration, undefined);
        mount(app, [row(name)]);
        const [first] = EXPECTED[name]?.dependencies ?? [];
        expect(await refusal(app)).toEqual({
          code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
          message: `The dependency '${first}' of plugin 'rampart-${name}' is not registered`,
        });
      });

      for (const dependency of EXPECTED[name]?.dependencies ?? []) {
        it(`is refused without ${dependency} when everything else it needs is mounted`, async () => {
          const missing = named(dependency);
          const app = bare();
          // Everything the layer needs but `missing` and what needs `missing`, in table order.
          const present = CHAIN.filter(
            (candidate) => needs(name).has(candidate.name) && candidate.name !== missing && !needs(candidate.name).has(missing),
          );
          // What `missing` would have decorated, by hand, so that only the dependency check is left.
          for (const decoration of DECORATES[missing] ?? []) app.decorateRequest(decoration, undefined);
          mount(app, [...present, row(name)]);
          expect(await refusal(app)).toEqual({
            code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
            message: `The dependency '${dependency}' of plugin 'rampart-${name}' is not registered`,
          });
        });
      }

      it('starts with what it needs mounted before it', async () => {
        const app = bare();
        mount(app, [...CHAIN.filter((candidate) => needs(name).has(candidate.name)), row(name)]);
        await expect(app.ready()).resolves.toBeDefined();
      });
    });
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
    }
  });

  it('refuses a table with authorization moved above authentication', async () => {
    const table = CHAIN.filter((candidate) => candidate.name !== 'authorization');
    table.splice(
      table.findIndex((candidate) => candidate.name === 'authentication'),
      0,
      row('authorization'),
    );
    expect(table.map((candidate) => candidate.name).indexOf('authorization')).toBeLessThan(
      table.map((candidate) => candidate.name).indexOf('authentication'),
    );

    const app = bare();
    mount(app, table);
    expect(await refusal(app)).toEqual({
      code: 'FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE',
      message: `The decorator 'principal' required by 'rampart-authorization' is not present in Request`,
    });

    // A host whose own plugin already decorates request.principal gets no pass: the layer is missing.
    const hosted = bare();
    hosted.decorateRequest('principal', undefined);
    mount(hosted, table);
    expect(await refusal(hosted)).toEqual({
      code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
      message: `The dependency 'rampart-authentication' of plugin 'rampart-authorization' is not registered`,
    });
  });

  it('refuses every table that moves a layer just above one of its dependencies', async () => {
    for (const layer of CHAIN) {
      for (const dependency of meta(layer).dependencies ?? []) {
        const table = CHAIN.filter((candidate) => candidate !== layer);
        table.splice(
          table.findIndex((candidate) => `rampart-${candidate.name}` === dependency),
          0,
          layer,
        );
        const app = bare();
        mount(app, table);
        const { code, message } = await refusal(app);
        expect(
          ['FST_ERR_PLUGIN_NOT_PRESENT_IN_INSTANCE', 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED'],
          `${layer.name} above ${dependency}`,
        ).toContain(code);
        expect(message, `${layer.name} above ${dependency}`).toContain(`'rampart-${layer.name}'`);
      }
    }
  });
});
