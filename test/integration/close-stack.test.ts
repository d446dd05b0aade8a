/**
 * A start that fails at any step leaves no open handle: every socket, subscription and timer the
 * failed start opened is closed, newest first (src/kernel/close-stack.ts). Each capability's
 * step is made to fail in turn, before and after it composed, on PostgreSQL and Redis (real
 * sockets, a Redis subscriber), and the identity step fails for real inside its bootstrap.
 * Handles are followed with async_hooks from their creation: a resource created by Rampart's code
 * or its drivers during the start must be destroyed once the start has failed.
 */
import { createHook } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPABILITIES } from '../../src/capabilities.js';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../../src/kernel/adapters/sql/sql-database.js';
import { createLogger } from '../../src/kernel/adapters/log/pino-logger.js';
import { CloseStack } from '../../src/kernel/close-stack.js';
import type { Capability, CapabilityName } from '../../src/kernel/part.js';
import { composeRampart, createRampart } from '../../src/rampart.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { LogCapture, testConfig } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());

/** Resource types that hold the process open or leak a connection: sockets, pipes, timers. */
const HANDLE_TYPES = new Set([
  'TCPWRAP',
  'TCPCONNECTWRAP',
  'PIPEWRAP',
  'PIPECONNECTWRAP',
  'TLSWRAP',
  'Timeout',
  'Immediate',
  'FSEVENTWRAP',
]);
/** Frames that make a resource ours: Rampart's code and the drivers it opens. */
const OURS = /\/src\/|\/node_modules\/(pg|pg-pool|ioredis|kysely|better-sqlite3)\//;

/** The handles created while `work` runs that are still open `settleMs` after it, with where each was made. */
async function handlesLeftBy(work: () => Promise<unknown>, settleMs = 4000): Promise<string[]> {
  const open = new Map<number, string>();
  const limit = Error.stackTraceLimit;
  const hook = createHook({
    init(asyncId, type) {
      if (!HANDLE_TYPES.has(type)) return;
      Error.stackTraceLimit = 60;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      if (!OURS.test(stack)) return;
      const frame = stack.split('\n').find((line) => OURS.test(line)) ?? '';
      open.set(asyncId, `${type} ${frame.trim()}`);
    },
    destroy(asyncId) {
      open.delete(asyncId);
    },
  });
  hook.enable();
  try {
    await work();
  } finally {
    // Sockets end and pending one-shot timers fire asynchronously: give them time, then look.
    const deadline = Date.now() + settleMs;
    while (open.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    hook.disable();
  }
  return [...open.values()];
}

class InjectedFailure extends Error {}

/** The built-in capabilities, with the one named failing before or after it composed. */
function failingAt(name: CapabilityName, when: 'before' | 'after'): Capability<CapabilityName>[] {
  return CAPABILITIES.map((capability) =>
    capability.name !== name
      ? capability
      : {
          ...capability,
          async compose(kernel, earlier) {
            if (when === 'before') throw new InjectedFailure(`${name} fails before composing`);
            await capability.compose(kernel, earlier);
            throw new InjectedFailure(`${name} fails after composing`);
          },
        },
  );
}

describe('the close stack', () => {
  it('closes newest first, runs every closer when one fails, and reports each failure by name', async () => {
    const stack = new CloseStack();
    const order: string[] = [];
    stack.add('database', { close: async () => void order.push('database') });
    stack.defer('timer', () => {
      order.push('timer');
      throw new Error('boom');
    });
    stack.add('bus', { close: async () => void order.push('bus') });
    const failures = await stack.closeAll();
    expect(order).toEqual(['bus', 'timer', 'database']);
    expect(failures.map((failure) => failure.part)).toEqual(['timer']);
    expect(failures[0]?.message).toBe('closing timer failed: boom');
    expect(await stack.closeAll(), 'a second closeAll finds nothing left to close').toEqual([]);
    expect(order).toHaveLength(3);
  });

  it('unwind rethrows why the start failed, with the closers’ own failures attached', async () => {
    const stack = new CloseStack();
    stack.defer('redis', () => Promise.reject(new Error('already gone')));
    const cause = new Error('migration failed');
    await expect(stack.unwind(cause)).rejects.toBe(cause);
    expect((cause as Error & { closeFailures?: unknown[] }).closeFailures).toHaveLength(1);
  });
});

describe.skipIf(!ready)('a start that fails at any step leaves no open handle (PostgreSQL and Redis)', () => {
  let store: BackendInstance;
  const logger = createLogger('silent', new LogCapture());

  beforeAll(async () => {
    store = await postgresBackend.create();
    // Migrate once, so that each start below opens the same handles as a restart would.
    const rampart = await createRampart(testConfig(store, { RAMPART_REDIS_URL: REDIS_URL }), { logger });
    await rampart.close();
  });

  afterAll(async () => {
    await store?.cleanup();
  });

  it('a full start and close leaves nothing open (the baseline the failures are held to)', async () => {
    const left = await handlesLeftBy(async () => {
      const rampart = await createRampart(testConfig(store, { RAMPART_REDIS_URL: REDIS_URL }), { logger });
      await rampart.close();
    });
    expect(left).toEqual([]);
  });

  for (const capability of CAPABILITIES) {
    for (const when of ['before', 'after'] as const) {
      it(`when ${capability.name} fails ${when} composing, the start rejects with that failure and closes everything`, async () => {
        let failure: unknown;
        const left = await handlesLeftBy(async () => {
          failure = await composeRampart(
            testConfig(store, { RAMPART_REDIS_URL: REDIS_URL }),
            { logger },
            failingAt(capability.name, when),
          ).then(
            async (rampart) => {
              await rampart.close();
              return undefined;
            },
            (error: unknown) => error,
          );
        });
        expect(failure).toBeInstanceOf(InjectedFailure);
        expect(left).toEqual([]);
      });
    }
  }

  it('when the bootstrap admin cannot be created (PostgreSQL refuses the insert), the revocation subscription and the Redis subscriber are closed', async () => {
    // A fresh, migrated database with no user, whose `users` table refuses every insert: the
    // start gets as far as identity's bootstrap (after its revocation watcher subscribed) and fails there.
    const fresh = await postgresBackend.create();
    let failure: unknown;
    try {
      const config = testConfig(fresh, { RAMPART_REDIS_URL: REDIS_URL, RAMPART_BOOTSTRAP_ADMIN_EMAIL: 'admin@example.com' });
      const database = openDatabase({ url: config.databaseUrl, migrationUrl: config.databaseMigrationUrl, dataDir: config.dataDir });
      await migrateToLatest(database);
      await database.close();
      const admin = new pg.Client({ connectionString: fresh.databaseUrl });
      await admin.connect();
      await admin.query(
        `CREATE FUNCTION refuse_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'inserts refused by the test'; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER refuse_users BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse_insert();`,
      );
      await admin.end();
      const left = await handlesLeftBy(async () => {
        failure = await createRampart(config, { logger }).then(
          async (rampart) => {
            await rampart.close();
            return undefined;
          },
          (error: unknown) => error,
        );
      });
      expect(String(failure)).toContain('inserts refused by the test');
      expect(left).toEqual([]);
    } finally {
      await fresh.cleanup();
    }
  });

  it('a database that refuses the connection fails the start and leaves nothing open', async () => {
    let failure: unknown;
    const left = await handlesLeftBy(async () => {
      const url = new URL(store.workingDatabaseUrl ?? '');
      url.password = 'wrong-password';
      const config = testConfig(store, { RAMPART_REDIS_URL: REDIS_URL, RAMPART_DATABASE_URL: url.toString() });
      failure = await createRampart(config, { logger }).then(
        async (rampart) => {
          await rampart.close();
          return undefined;
        },
        (error: unknown) => error,
      );
    });
    expect(failure).toBeInstanceOf(Error);
    expect(left).toEqual([]);
  });
});
