/**
 * Outbound webhooks through the real server on every backend (issue 15, items 1, 3 and 5): an
 * endpoint is created with a `whsec_…` secret shown once; a change in the org (a member added)
 * appends its event in the change's transaction; the dispatcher fans it out and a worker delivers
 * it to a real receiver on 127.0.0.1 (allow-listed), signed so that the Standard Webhooks
 * reference implementation's `Webhook.verify` accepts it; every attempt carries the same
 * `webhook-id`; a rotated secret signs beside the new one; a change that rolls back emits nothing.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { withSystem } from '../../src/kernel/adapters/sql/rls-scope.js';
import { appendEvent } from '../../src/kernel/events/event-outbox.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, invite, inviteMember, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { receiverEnv, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

interface Created {
  id: string;
  secret: string;
  enabled: boolean;
}

for (const backend of await backends()) {
  describe(`outbound webhooks on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receiver: Receiver;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let webhooks: Webhooks;
    const hooks = (path = '') => `/api/v1/orgs/${org.id}/webhooks${path}`;

    beforeEach(async () => {
      store = await backend.create();
      receiver = await startReceiver();
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...receiverEnv(receiver) }, audit, webhooks: { manual: true } });
      webhooks = server.rampart.facade('webhooks');
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await receiver?.close();
      await store?.cleanup();
    });

    async function endpoint(events: string[] = ['member.*'], url = receiver.url()): Promise<Created> {
      const response = await as(server.app, owner.grant, 'POST', hooks(), { url, events, description: 'test receiver' });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<Created>();
    }

    it('webhooks 3: a member added is delivered, signed so that the reference Webhook.verify accepts it', async () => {
      const created = await endpoint();
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      await webhooks.worker.drain();

      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      const payload = new Webhook(created.secret).verify(request!.body, request!.headers as Record<string, string>);
      expect(payload).toEqual({ type: 'member.added', timestamp: expect.any(String), data: { user_id: member.id, role: 'viewer' } });
      expect(request!.headers['webhook-id']).toMatch(/^evt_[a-f0-9]{32}$/);
      expect(request!.headers['content-type']).toBe('application/json');

      const list = await as(server.app, owner.grant, 'GET', hooks(`/${created.id}/deliveries`));
      expect(list.statusCode, list.body).toBe(200);
      const items = list.json<{ items: { id: string; event_id: string; status: string; attempts: number }[] }>().items;
      expect(items).toEqual([expect.objectContaining({ event_id: request!.headers['webhook-id'], status: 'delivered', attempts: 1 })]);
      const one = await as(server.app, owner.grant, 'GET', hooks(`/${created.id}/deliveries/${items[0]!.id}`));
      expect(one.json<{ attempts_log: { status_code: number; error_class: null }[] }>().attempts_log).toEqual([
        expect.objectContaining({ status_code: 200, error_class: null }),
      ]);
    });

    it('webhooks 5: every attempt of a delivery carries the same webhook-id and body (the receiver’s idempotency key)', async () => {
      const created = await endpoint();
      receiver.respond({ status: 503 });
      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      await webhooks.worker.drain();
      const list = await as(server.app, owner.grant, 'GET', hooks(`/${created.id}/deliveries`));
      const [delivery] = list.json<{ items: { id: string; status: string; last_error: string; last_status_code: number }[] }>().items;
      expect(delivery).toEqual(expect.objectContaining({ status: 'pending', last_error: 'http_error', last_status_code: 503 }));

      receiver.respond({ status: 204 });
      const retried = await as(server.app, owner.grant, 'POST', hooks(`/${created.id}/deliveries/${delivery!.id}/retry`));
      expect(retried.statusCode, retried.body).toBe(202);
      await webhooks.worker.drain();
      expect(receiver.received).toHaveLength(2);
      const [first, second] = receiver.received;
      expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
      expect(second!.body).toBe(first!.body);
      new Webhook(created.secret).verify(second!.body, second!.headers as Record<string, string>);
      expect(audit.events().filter((event) => event.action === 'webhook.delivery_retry')).toHaveLength(1);
    });

    it('webhooks 1: after a rotation both secrets sign each delivery during the overlap', async () => {
      const created = await endpoint();
      const rotated = await as(server.app, owner.grant, 'POST', hooks(`/${created.id}/rotate-secret`));
      expect(rotated.statusCode, rotated.body).toBe(200);
      const next = rotated.json<{ secret: string; previous_secret_expires_at: string }>();
      expect(next.secret).not.toBe(created.secret);
      expect(Date.parse(next.previous_secret_expires_at)).toBeGreaterThan(Date.now());

      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      await webhooks.worker.drain();
      const [request] = receiver.received;
      expect(String(request!.headers['webhook-signature']).split(' ')).toHaveLength(2);
      for (const secret of [created.secret, next.secret]) {
        expect(new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>)).toMatchObject({
          type: 'member.added',
        });
      }
      expect(audit.events().map((event) => event.action)).toContain('webhook.rotate_secret');
    });

    it('webhooks 3: subscriptions decide: an endpoint of other events receives nothing, `*` everything', async () => {
      const none = await endpoint(['role.updated']);
      const all = await endpoint(['*']);
      const exact = await endpoint(['member.added']);
      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      await webhooks.worker.drain();
      const count = async (id: string) =>
        (await as(server.app, owner.grant, 'GET', hooks(`/${id}/deliveries`))).json<{ items: unknown[] }>().items.length;
      expect(await count(none.id)).toBe(0);
      // secret.written of each endpoint's signing secret (three), invitation.created, invitation.accepted, member.added
      expect(await count(all.id)).toBe(6);
      expect(await count(exact.id)).toBe(1);
    });

    it('webhooks 3: a change that rolls back emits no event, and a refused change none either', async () => {
      const created = await endpoint(['member.*']);
      // A transaction that appended an event and then failed: the event goes with it.
      await expect(
        withSystem(server.rampart.database.db, async (trx) => {
          await appendEvent(trx, { type: 'member.added', orgId: org.id, data: { user_id: 'usr_rolled_back', role: 'viewer' } }, Date.now());
          throw new Error('the change fails after its event');
        }),
      ).rejects.toThrow('the change fails');
      // A member invited again and accepting: refused (already a member), so no second member.added.
      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      const id = await invite(server.app, owner.grant, org.id, member.email, 'admin');
      const again = await as(server.app, member.grant, 'POST', `/api/v1/me/invitations/${id}/accept`);
      expect(again.statusCode).toBeGreaterThanOrEqual(400);
      await webhooks.worker.drain();
      expect(receiver.received.map((request) => JSON.parse(request.body) as { data: { user_id: string } })).toEqual([
        expect.objectContaining({ data: { user_id: member.id, role: 'viewer' } }),
      ]);
      const deliveries = await as(server.app, owner.grant, 'GET', hooks(`/${created.id}/deliveries`));
      expect(deliveries.json<{ items: unknown[] }>().items).toHaveLength(1);
    });

    it('webhooks 3: a fan-out runs once: draining again delivers nothing new', async () => {
      await endpoint();
      const member = await createUser(server.app, admin);
      await inviteMember(server.app, owner.grant, org.id, member, 'viewer');
      await webhooks.worker.drain();
      await webhooks.worker.drain();
      expect(await webhooks.queue.fanOut(Date.now(), 100)).toBe(0);
      expect(receiver.received).toHaveLength(1);
    });
  });
}
