/**
 * Retries, backoff and disabling (issue 15, item 3), on every backend, with the test clock: a
 * failed delivery waits its schedule's delay (±20 % jitter) before the next attempt and is given
 * up when the schedule is spent; an endpoint failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER
 * is disabled, with an audit entry, an error-level log line and a `webhook.endpoint_disabled` event;
 * one slow receiver holds only its own endpoint's slots, never the other endpoints' deliveries.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { receiverEnv, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

interface DeliveryBody {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
  attempts_log: { status_code: number | null; error_class: string | null }[];
}

for (const backend of await backends()) {
  describe(`webhook retries on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receivers: Receiver[];
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let org: OrgBody;
    let owner: OrgUser;
    let webhooks: Webhooks;

    async function start(env: Record<string, string>, count = 1): Promise<void> {
      store = await backend.create();
      receivers = await Promise.all(Array.from({ length: count }, () => startReceiver()));
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, {
        env: { ...ADMIN_ENV, ...receiverEnv(...receivers), ...env },
        audit,
        clock,
        webhooks: { manual: true },
      });
      webhooks = server.rampart.facade('webhooks');
      ({ org, owner } = await orgWithOwner(server.app, await login(server.app)));
    }

    beforeEach(() => {
      receivers = [];
    });

    afterEach(async () => {
      await server?.close();
      for (const receiver of receivers) await receiver.close();
      await store?.cleanup();
    });

    async function endpoint(receiver: Receiver): Promise<string> {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/webhooks`, {
        url: receiver.url(),
        events: ['role.*'],
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string }>().id;
    }

    async function roleChange(name = 'deployer'): Promise<void> {
      const response = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/${name}`, { permissions: ['jobs.read'] });
      expect(response.statusCode, response.body).toBeLessThan(300);
    }

    async function onlyDelivery(id: string): Promise<DeliveryBody> {
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/webhooks/${id}/deliveries`);
      const [first] = list.json<{ items: { id: string }[] }>().items;
      const one = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/webhooks/${id}/deliveries/${first!.id}`);
      return one.json<DeliveryBody>();
    }

    it('webhooks 3: a failed delivery is retried after its backoff (with jitter), then given up when the schedule is spent', async () => {
      await start({ RAMPART_WEBHOOK_RETRY_SCHEDULE: '10,100' });
      const [receiver] = receivers;
      receiver!.respond({ status: 500 });
      const id = await endpoint(receiver!);
      await roleChange();
      await webhooks.worker.drain();
      let delivery = await onlyDelivery(id);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_error: 'http_error' });
      const wait = Date.parse(delivery.next_attempt_at!) - clock.now();
      expect(wait).toBeGreaterThanOrEqual(8_000);
      expect(wait).toBeLessThanOrEqual(12_000);

      // Not due yet: nothing is sent.
      await webhooks.worker.drain();
      expect(receiver!.received).toHaveLength(1);

      clock.advance(12_001);
      await webhooks.worker.drain();
      delivery = await onlyDelivery(id);
      expect(delivery.attempts).toBe(2);
      const second = Date.parse(delivery.next_attempt_at!) - clock.now();
      expect(second).toBeGreaterThanOrEqual(80_000);
      expect(second).toBeLessThanOrEqual(120_000);

      clock.advance(120_001);
      await webhooks.worker.drain();
      delivery = await onlyDelivery(id);
      expect(delivery).toMatchObject({ status: 'failed', attempts: 3, next_attempt_at: null });
      expect(delivery.attempts_log).toEqual(
        Array.from({ length: 3 }, () => expect.objectContaining({ status_code: 500, error_class: 'http_error' })),
      );
      expect(new Set(receiver!.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
      // Nothing more, however long one waits.
      clock.advance(86_400_000);
      await webhooks.worker.drain();
      expect(receiver!.received).toHaveLength(3);
    });

    it('webhooks 3: an endpoint failing for longer than RAMPART_WEBHOOK_DISABLE_AFTER is disabled, audited, logged and announced', async () => {
      await start({ RAMPART_WEBHOOK_RETRY_SCHEDULE: '10,10,10,10,10', RAMPART_WEBHOOK_DISABLE_AFTER: '30' });
      const [receiver] = receivers;
      receiver!.respond({ status: 502 });
      const id = await endpoint(receiver!);
      await roleChange();
      for (let i = 0; i < 4; i++) {
        await webhooks.worker.drain();
        clock.advance(13_000);
      }
      const endpointNow = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/webhooks/${id}`);
      expect(endpointNow.json()).toMatchObject({ enabled: false, disabled_reason: 'failing' });
      expect(audit.events().find((event) => event.action === 'webhook.endpoint_disabled')).toMatchObject({
        org: org.id,
        actor: { type: 'system', id: null },
        resource: `webhook:${id}`,
        result: 'failure',
        reason: 'failing',
      });
      expect(server.logs.text).toContain('security alert: a webhook endpoint failing for too long was disabled');
      const events = await server.stored.db
        .selectFrom('event_outbox')
        .select(['type', 'data'])
        .where('type', '=', 'webhook.endpoint_disabled')
        .execute();
      expect(events.map((event) => JSON.parse(event.data) as unknown)).toEqual([{ endpoint_id: id, failing_since: expect.any(String) }]);

      // Disabled: nothing more is sent; enabling it again resumes the pending delivery.
      const sent = receiver!.received.length;
      clock.advance(60_000);
      await webhooks.worker.drain();
      expect(receiver!.received).toHaveLength(sent);
      receiver!.respond({ status: 200 });
      const enabled = await as(server.app, owner.grant, 'PATCH', `/api/v1/orgs/${org.id}/webhooks/${id}`, { enabled: true });
      expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
      await webhooks.worker.drain();
      expect((await onlyDelivery(id)).status).toBe('delivered');
    });

    it('webhooks 3: a slow receiver holds only its own endpoint: another endpoint’s deliveries go through meanwhile', async () => {
      await start({ RAMPART_WEBHOOK_ENDPOINT_CONCURRENCY: '1', RAMPART_WEBHOOK_WORKERS: '4' }, 2);
      const [slow, fast] = receivers;
      slow!.respond({ delayMs: 20_000 });
      await endpoint(slow!);
      await endpoint(fast!);
      for (const name of ['r1', 'r2', 'r3']) await roleChange(name);
      await webhooks.worker.pump();
      for (let i = 0; i < 400 && fast!.received.length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      // All three reached the fast receiver while the slow one still holds its first (and only) slot.
      expect(fast!.received).toHaveLength(3);
      expect(slow!.received).toHaveLength(1);
      await slow!.close();
    });
  });
}
