/**
 * Crash safety and several instances (issue 15, item 3), against a real second process on the
 * same database, killed with SIGKILL:
 *
 * - killed after its changes committed and before any fan-out: the events are in the outbox, and
 *   the surviving instance delivers each exactly once — nothing lost;
 * - killed while its deliveries are in flight (leased, the receiver holding the requests): once the
 *   lease ends, the surviving instance sends them again with the same `webhook-id` — delivered at
 *   least once, duplicated only as documented, and recorded once;
 * - on PostgreSQL, two instances draining the same deliveries at once send each event once
 *   (`FOR UPDATE SKIP LOCKED` and the lease).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Webhooks } from '../../src/webhooks/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { cleanEnv } from '../helpers/processes.js';
import { receiverEnv, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const CHILD = fileURLToPath(new URL('../helpers/webhooks-crash-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the child on `env` and resolves once it printed `marker`. */
async function child(env: Record<string, string>, marker: string): Promise<ChildProcess> {
  const process_ = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    env: cleanEnv({ ...env, RAMPART_LOG_LEVEL: 'silent' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  process_.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    process_.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes(marker)) resolve();
    });
    process_.on('exit', (code) => reject(new Error(`the child exited (${code}) before "${marker}": ${errors.slice(-2000)}`)));
  });
  return process_;
}

async function kill9(process_: ChildProcess): Promise<void> {
  const exited = once(process_, 'exit');
  process_.kill('SIGKILL');
  await exited;
}

for (const backend of await backends()) {
  describe(`webhook crash safety on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receiver: Receiver;
    let org: OrgBody;
    let owner: OrgUser;
    let webhooks: Webhooks;
    let running: ChildProcess | undefined;
    let env: Record<string, string>;

    beforeEach(async () => {
      store = await backend.create();
      receiver = await startReceiver();
      // What test/helpers/rampart.ts's testConfig sets, so that the child loads the same configuration.
      env = {
        ...ADMIN_ENV,
        ...receiverEnv(receiver),
        RAMPART_MFA_REQUIRED_FOR_ADMINS: 'false',
        RAMPART_LOGIN_MAX_WAIT_MS: '0',
        ...store.env,
      };
      server = await testServer(store, { env, webhooks: { manual: true, leaseMs: 1500 } });
      webhooks = server.rampart.facade('webhooks');
      ({ org, owner } = await orgWithOwner(server.app, await login(server.app)));
      const created = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/webhooks`, {
        url: receiver.url(),
        events: ['role.*'],
      });
      expect(created.statusCode, created.body).toBe(201);
    });

    afterEach(async () => {
      if (running !== undefined && running.exitCode === null && running.signalCode === null) await kill9(running);
      running = undefined;
      await server?.close();
      await receiver?.close();
      await store?.cleanup();
    });

    it('webhooks 3: kill -9 after the changes commit and before any delivery loses nothing; another instance delivers each once', async () => {
      running = await child(
        { ...env, CRASH_PHASE: 'after-change', CRASH_CHANGES: '5', CRASH_ORG: org.id, CRASH_TOKEN: owner.grant.access_token },
        'changed',
      );
      await kill9(running);
      expect(receiver.received).toEqual([]);

      await webhooks.worker.drain();
      const bodies = receiver.received.map((request) => JSON.parse(request.body) as { type: string; data: { role: string } });
      expect(bodies.map((body) => body.data.role).sort()).toEqual(['crash-0', 'crash-1', 'crash-2', 'crash-3', 'crash-4']);
      expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(5);
    }, 120_000);

    it('webhooks 3: kill -9 mid-delivery: after the lease another instance sends it again with the same webhook-id (at least once)', async () => {
      const role = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.read'] });
      expect(role.statusCode, role.body).toBeLessThan(300);
      receiver.respond({ delayMs: 60_000 });
      running = await child({ ...env, CRASH_PHASE: 'mid-delivery', CRASH_LEASE_MS: '1500' }, 'sending');
      for (let i = 0; i < 400 && receiver.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(receiver.received).toHaveLength(1);
      await kill9(running);

      receiver.respond({ status: 200 });
      // While the dead instance's lease lasts, the delivery is not taken again.
      await webhooks.worker.drain();
      expect(receiver.received).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      await webhooks.worker.drain();
      expect(receiver.received).toHaveLength(2);
      expect(receiver.received[1]!.headers['webhook-id']).toBe(receiver.received[0]!.headers['webhook-id']);
      expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/webhooks`);
      const id = list.json<{ items: { id: string }[] }>().items[0]!.id;
      const deliveries = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/webhooks/${id}/deliveries`);
      expect(deliveries.json<{ items: unknown[] }>().items).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1 })]);
    }, 120_000);

    it.runIf(backend.name === 'postgres')(
      'webhooks 3: two instances draining at once deliver each event once',
      async () => {
        const second = await testServer(store, { env, webhooks: { manual: true } });
        try {
          for (let i = 0; i < 30; i++) {
            const response = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/r${i}`, { permissions: ['jobs.read'] });
            expect(response.statusCode, response.body).toBeLessThan(300);
          }
          await Promise.all([webhooks.worker.drain(), second.rampart.facade('webhooks').worker.drain()]);
          const ids = receiver.received.map((request) => String(request.headers['webhook-id']));
          expect(ids).toHaveLength(30);
          expect(new Set(ids).size).toBe(30);
        } finally {
          await second.close();
        }
      },
      120_000,
    );
  });
}
