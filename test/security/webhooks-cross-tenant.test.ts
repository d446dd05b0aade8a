/**
 * The exploit (issue 15): a manager of org B names org A's webhook or delivery ids in B's routes
 * (or in A's, without a role there) to read A's endpoint, its deliveries, change its URL, rotate
 * its secret, delete it or replay its deliveries. Every such request is 404 (or 403 without the
 * permission), and A's endpoint and deliveries are unchanged afterwards. The same file checks that
 * a change is audited, that names refuse control characters, and that no delivery, answer or log
 * holds a secret value.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, inviteMember, createUser, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { receiverEnv, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

for (const backend of await backends()) {
  describe(`webhooks across tenants on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receiver: Receiver;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let a: { org: OrgBody; owner: OrgUser };
    let b: { org: OrgBody; owner: OrgUser };
    let webhooks: Webhooks;
    let hook: { id: string; secret: string };
    let delivery: string;

    beforeAll(async () => {
      store = await backend.create();
      receiver = await startReceiver();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...receiverEnv(receiver) }, audit, webhooks: { manual: true } });
      webhooks = server.rampart.facade('webhooks');
      admin = await login(server.app);
      a = await orgWithOwner(server.app, admin);
      b = await orgWithOwner(server.app, admin);
      const created = await as(server.app, a.owner.grant, 'POST', `/api/v1/orgs/${a.org.id}/webhooks`, {
        url: receiver.url(),
        events: ['*'],
      });
      expect(created.statusCode, created.body).toBe(201);
      hook = created.json();
      await as(server.app, a.owner.grant, 'PUT', `/api/v1/orgs/${a.org.id}/secrets/db-password`, { value: 'the-db-password-value' });
      await inviteMember(server.app, a.owner.grant, a.org.id, await createUser(server.app, admin), 'viewer');
      await webhooks.worker.drain();
      const list = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}/deliveries`);
      delivery = list.json<{ items: { id: string }[] }>().items[0]!.id;
    }, 120_000);

    afterAll(async () => {
      await server?.close();
      await receiver?.close();
      await store?.cleanup();
    });

    it('webhooks 1: another org’s webhook and delivery ids are 404 in every route, and nothing changes', async () => {
      const before = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}`);
      const deliveriesBefore = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}/deliveries`);
      const inB = (path: string) => `/api/v1/orgs/${b.org.id}/webhooks/${hook.id}${path}`;
      const attempts: [method: 'GET' | 'PATCH' | 'DELETE' | 'POST', url: string, body?: object][] = [
        ['GET', inB('')],
        ['PATCH', inB(''), { url: 'https://attacker.example/hook' }],
        ['DELETE', inB('')],
        ['POST', inB('/rotate-secret')],
        ['GET', inB('/deliveries')],
        ['GET', inB(`/deliveries/${delivery}`)],
        ['POST', inB(`/deliveries/${delivery}/retry`)],
      ];
      for (const [method, url, body] of attempts) expectProblem(await as(server.app, b.owner.grant, method, url, body), 'not_found');
      // B's owner in A's routes: not a member there.
      for (const [method, url, body] of attempts) {
        const response = await as(server.app, b.owner.grant, method, url.replace(b.org.id, a.org.id), body);
        expect([403, 404], `${method} ${url}`).toContain(response.statusCode);
      }
      const after = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}`);
      expect(after.json()).toEqual(before.json());
      const deliveriesAfter = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}/deliveries`);
      expect(deliveriesAfter.json()).toEqual(deliveriesBefore.json());
    });

    it('webhooks 1: a viewer of the org may not manage its webhooks (403)', async () => {
      const viewer = await createUser(server.app, admin);
      await inviteMember(server.app, a.owner.grant, a.org.id, viewer, 'viewer');
      const response = await as(server.app, viewer.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks`);
      expectProblem(response, 'forbidden');
    });

    it('webhooks 1: update, rotation, retry and delete are audited; descriptions refuse control characters', async () => {
      const base = `/api/v1/orgs/${a.org.id}/webhooks`;
      const bad = await as(server.app, a.owner.grant, 'POST', base, { url: receiver.url(), events: ['*'], description: 'ok\u001b[2Jnot' });
      expectProblem(bad, 'validation_failed');
      const unknown = await as(server.app, a.owner.grant, 'POST', base, { url: receiver.url(), events: ['nothing.*'] });
      expectProblem(unknown, 'validation_failed');
      const created = await as(server.app, a.owner.grant, 'POST', base, { url: receiver.url(), events: ['member.*'] });
      const id = created.json<{ id: string }>().id;
      expect((await as(server.app, a.owner.grant, 'PATCH', `${base}/${id}`, { description: 'renamed' })).statusCode).toBe(200);
      expect((await as(server.app, a.owner.grant, 'POST', `${base}/${id}/rotate-secret`)).statusCode).toBe(200);
      expect((await as(server.app, a.owner.grant, 'DELETE', `${base}/${id}`)).statusCode).toBe(204);
      expectProblem(await as(server.app, a.owner.grant, 'GET', `${base}/${id}`), 'not_found');
      const actions = audit
        .events()
        .filter((event) => event.resource === `webhook:${id}`)
        .map((event) => event.action);
      expect(actions).toEqual(['webhook.create', 'webhook.update', 'webhook.rotate_secret', 'webhook.delete']);
      // The signing secret went with it.
      const secrets = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/secrets`);
      expect(secrets.body).not.toContain(id);
    });

    it('webhooks 1: no payload, listing, audit entry or log line holds a secret value', async () => {
      const payloads = receiver.received.map((request) => request.body).join('\n');
      expect(payloads.length).toBeGreaterThan(0);
      const listing = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks`);
      const one = await as(server.app, a.owner.grant, 'GET', `/api/v1/orgs/${a.org.id}/webhooks/${hook.id}/deliveries/${delivery}`);
      const stored = await server.stored.db.selectFrom('webhook_deliveries').select('payload').execute();
      const haystack = [
        payloads,
        listing.body,
        one.body,
        JSON.stringify(audit.events()),
        server.logs.text,
        ...stored.map((row) => row.payload),
      ].join('\n');
      const secret = hook.secret.slice('whsec_'.length);
      for (const needle of [hook.secret, secret, 'the-db-password-value', 'whsec_']) expect(haystack).not.toContain(needle);
    });
  });
}
