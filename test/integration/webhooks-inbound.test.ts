/**
 * Inbound webhooks end to end (issue 15 item 4), on SQLite and PostgreSQL: an org's hook source is
 * managed through the API, senders post to `/api/v1/hooks/{source}`, and the application receives
 * each verified event exactly once through `hooks.on(source, handler)`. The attacks — a wrong
 * signature, a stale timestamp, a replay, a body changed by one byte, a signature over a
 * re-serialised body — are each refused or ignored as documented, and the inbox and the handler's
 * calls are read back to show that nothing was stored or handed over twice. A platform source
 * (RAMPART_INBOUND_SOURCES) speaks Stripe's scheme; a secret change keeps the old secret valid for
 * the overlap; another org's source is 404.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import type { InboundEvent } from '../../src/webhooks/inbound/compose.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, MEMBER_PASSWORD, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const PARTNER_SECRET = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
const ROTATED_SECRET = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
const STRIPE_SECRET = 'whsec_platform_stripe_secret_for_tests';

interface SourceJson {
  readonly id: string;
  readonly name: string;
  readonly scheme: string;
  readonly url: string;
  readonly tolerance_seconds: number;
  readonly previous_secret_until: string | null;
}

for (const backend of await backends()) {
  describe(`inbound webhooks on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let source: SourceJson;
    const received: InboundEvent[] = [];

    const seconds = () => Math.floor(clock.now() / 1000);
    const signed = (body: string, id: string, secret = PARTNER_SECRET, at = seconds()) => ({
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(at),
      'webhook-signature': new Webhook(secret).sign(id, new Date(at * 1000), body),
    });
    const post = (key: string, body: string | Buffer, headers: Record<string, string>) =>
      server.app.inject({ method: 'POST', url: `/api/v1/hooks/${key}`, headers, payload: body });
    const inbox = async () => server.stored.db.selectFrom('webhook_inbox').selectAll().orderBy('received_at').execute();
    /** After the fake clock jumped past the access tokens' lifetime. */
    const relogin = async () => {
      admin = await login(server.app);
      owner = { ...owner, grant: await login(server.app, owner.email, MEMBER_PASSWORD) };
    };
    const hooks = () => server.rampart.facade('webhooks').hooks;

    beforeAll(async () => {
      instance = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 5, 1));
      audit = new MemoryAuditLog();
      server = await testServer(instance, {
        clock,
        audit,
        env: { ...ADMIN_ENV, RAMPART_INBOUND_SOURCES: `stripe=stripe:${STRIPE_SECRET}`, RAMPART_WEBHOOK_WORKERS: '0' },
      });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      hooks().on('partner', async (event) => void received.push(event));
    });

    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('webhooks 4: an org source is created with its secret, which is never returned', async () => {
      const created = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/partner`, {
        scheme: 'standard-webhooks',
        secret: PARTNER_SECRET,
      });
      expect(created.statusCode, created.body).toBe(201);
      source = created.json<SourceJson>();
      expect(source).toMatchObject({ name: 'partner', scheme: 'standard-webhooks', tolerance_seconds: 300, previous_secret_until: null });
      expect(source.id).toMatch(/^src_[a-f0-9]{32}$/);
      expect(source.url.endsWith(`/api/v1/hooks/${source.id}`)).toBe(true);
      expect(created.body).not.toContain(PARTNER_SECRET.slice(6, 20));
      const byName = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources/partner`);
      const byId = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources/${source.id}`);
      expect(byName.json()).toEqual(byId.json());
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources`);
      expect(list.json<{ items: SourceJson[] }>().items.map((item) => item.id)).toEqual([source.id]);
      const again = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/partner`, { tolerance_seconds: 120 });
      expect(again.statusCode).toBe(200);
      expect(again.json<SourceJson>()).toMatchObject({ id: source.id, tolerance_seconds: 120 });
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/partner`, { tolerance_seconds: 300 });
    });

    it('webhooks 4: a verified event is stored once and handed to the handler once', async () => {
      const body = '{"type":"invoice.paid","data":{"id":"in_1"}}';
      const answer = await post(source.id, body, signed(body, 'msg_first'));
      expect(answer.statusCode, answer.body).toBe(200);
      expect(answer.json()).toEqual({ status: 'accepted', event_id: 'msg_first' });
      await hooks().pump();
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        source: 'partner',
        sourceKey: source.id,
        orgId: org.id,
        eventId: 'msg_first',
        type: 'invoice.paid',
        attempt: 1,
      });
      expect(received[0]?.body.toString()).toBe(body);
      expect(received[0]?.payload).toEqual({ type: 'invoice.paid', data: { id: 'in_1' } });
      const rows = await inbox();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ org_id: org.id, source_key: source.id, event_id: 'msg_first' });
      expect(rows[0]?.processed_at).not.toBeNull();
    });

    it('webhooks 4: a replayed event id is answered 200 and not processed again', async () => {
      const body = '{"type":"invoice.paid","data":{"id":"in_1"}}';
      const replay = await post(source.id, body, signed(body, 'msg_first'));
      expect(replay.statusCode).toBe(200);
      expect(replay.json()).toEqual({ status: 'duplicate', event_id: 'msg_first' });
      await hooks().pump();
      expect(received).toHaveLength(1);
      expect(await inbox()).toHaveLength(1);
      expect(
        audit
          .events()
          .filter((event) => event.action === 'webhook.inbound_accepted')
          .map((event) => event.reason),
      ).toEqual([undefined, undefined, 'not_applied:duplicate']); // the replay's entry first, then its failure
    });

    it('webhooks 4: a wrong signature, a stale timestamp, a one-byte change and a re-serialised body are refused and audited once', async () => {
      const body = '{"type": "invoice.paid", "data": {"id": "in_2", "amount": 100}}';
      const attempts = [
        { body, headers: signed(body, 'msg_wrong', ROTATED_SECRET) },
        { body, headers: signed(body, 'msg_stale', PARTNER_SECRET, seconds() - 301) },
        { body: body.replace('100', '101'), headers: signed(body, 'msg_byte') },
        { body, headers: signed(JSON.stringify(JSON.parse(body)), 'msg_json') },
        { body, headers: { 'content-type': 'application/json' } },
      ];
      for (const attempt of attempts) {
        const refused = await post(source.id, attempt.body, attempt.headers);
        expectProblem(refused, 'token_invalid');
        expect(refused.body).not.toContain('stale');
      }
      await hooks().pump();
      expect(received).toHaveLength(1);
      expect(await inbox()).toHaveLength(1);
      // Aggregated: one entry for the source in this window, the rest counted.
      const refusals = audit.events().filter((event) => event.action === 'webhook.inbound_refused');
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({
        org: org.id,
        resource: `hook_source:${source.id}`,
        result: 'failure',
        reason: 'signature_invalid',
      });
      clock.advance(61_000);
      expectProblem(await post(source.id, body, signed(body, 'msg_wrong', ROTATED_SECRET)), 'token_invalid');
      const later = audit.events().filter((event) => event.action === 'webhook.inbound_refused');
      expect(later).toHaveLength(2);
      expect(later[1]?.details).toMatchObject({ suppressed_before: 4 });
    });

    it('webhooks 4: a changed secret — the previous one verifies during the overlap, not after', async () => {
      const put = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/partner`, { secret: ROTATED_SECRET });
      expect(put.statusCode).toBe(200);
      expect(put.json<SourceJson>().previous_secret_until).not.toBeNull();
      const body = '{"type":"invoice.paid"}';
      expect((await post(source.id, body, signed(body, 'msg_old_key', PARTNER_SECRET))).statusCode).toBe(200);
      expect((await post(source.id, body, signed(body, 'msg_new_key', ROTATED_SECRET))).statusCode).toBe(200);
      clock.advance(86_400_000 + 1_000);
      await relogin();
      expectProblem(await post(source.id, body, signed(body, 'msg_old_key_late', PARTNER_SECRET)), 'token_invalid');
      expect((await post(source.id, body, signed(body, 'msg_new_key_late', ROTATED_SECRET))).statusCode).toBe(200);
      await hooks().pump();
      expect(received.map((event) => event.eventId)).toEqual(['msg_first', 'msg_old_key', 'msg_new_key', 'msg_new_key_late']);
    });

    it('webhooks 4: a platform Stripe source verifies any of several v1 and takes the event id from the body', async () => {
      const stripe: InboundEvent[] = [];
      const off = hooks().on('stripe', async (event) => void stripe.push(event));
      const body = '{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1"}}}';
      const t = seconds();
      const v1 = (secret: string) => createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
      const header = { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1('whsec_other')},v1=${v1(STRIPE_SECRET)}` };
      expect((await post('stripe', body, header)).json()).toEqual({ status: 'accepted', event_id: 'evt_1' });
      expect((await post('stripe', body, header)).json()).toEqual({ status: 'duplicate', event_id: 'evt_1' });
      const stale = `t=${t - 301},v1=${createHmac('sha256', STRIPE_SECRET)
        .update(`${t - 301}.${body}`)
        .digest('hex')}`;
      expectProblem(await post('stripe', body, { 'content-type': 'application/json', 'stripe-signature': stale }), 'token_invalid');
      await hooks().pump();
      off();
      expect(stripe.map((event) => [event.eventId, event.orgId, event.type])).toEqual([['evt_1', null, 'payment_intent.succeeded']]);
    });

    it('webhooks 4: a failing handler is retried with backoff until it succeeds, the event accepted once', async () => {
      const calls: number[] = [];
      const off = hooks().on('retrying', async (event) => {
        calls.push(event.attempt);
        if (event.attempt < 3) throw new Error('the application is not ready');
      });
      const created = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/retrying`, { secret: PARTNER_SECRET });
      const id = created.json<SourceJson>().id;
      const body = '{"type":"order.created"}';
      expect((await post(id, body, signed(body, 'msg_retry'))).statusCode).toBe(200);
      await hooks().pump();
      expect(calls).toEqual([1]);
      await hooks().pump(); // not due yet: the backoff holds it
      expect(calls).toEqual([1]);
      clock.advance(1_000);
      await hooks().pump();
      clock.advance(2_000);
      await hooks().pump();
      expect(calls).toEqual([1, 2, 3]);
      const row = (await inbox()).find((entry) => entry.event_id === 'msg_retry');
      expect(row?.processed_at).not.toBeNull();
      expect(Number(row?.attempts)).toBe(3);
      off();
    });

    it('webhooks 4: events stored while no handler listens are handed over when one registers', async () => {
      const created = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/later`, { secret: PARTNER_SECRET });
      const id = created.json<SourceJson>().id;
      const body = '{"type":"late"}';
      expect((await post(id, body, signed(body, 'msg_waiting'))).statusCode).toBe(200);
      await hooks().pump();
      const late: InboundEvent[] = [];
      const off = hooks().on(id, async (event) => void late.push(event));
      await hooks().pump();
      off();
      expect(late.map((event) => event.eventId)).toEqual(['msg_waiting']);
    });

    it('webhooks 4: another org’s source id is 404 to its owner, and nothing changes', async () => {
      const other = await orgWithOwner(server.app, admin);
      for (const method of ['GET', 'DELETE'] as const) {
        expectProblem(
          await as(server.app, other.owner.grant, method, `/api/v1/orgs/${other.org.id}/hook-sources/${source.id}`),
          'not_found',
        );
      }
      expectProblem(await as(server.app, other.owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources/${source.id}`), 'not_found');
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources/${source.id}`)).statusCode).toBe(200);
    });

    it('webhooks 4: an unknown source is 404, a body over the limit 413, a bad put 400', async () => {
      const body = '{}';
      expectProblem(await post('src_' + '0'.repeat(32), body, signed(body, 'msg_x')), 'not_found');
      expectProblem(await post('nobody', body, signed(body, 'msg_x')), 'not_found');
      const huge = 'x'.repeat(262_145);
      expectProblem(await post(source.id, huge, signed(huge, 'msg_huge')), 'payload_too_large');
      const bad = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/nosecret`, { scheme: 'stripe' });
      expectProblem(bad, 'validation_failed');
      const badKey = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/hook-sources/badkey`, { secret: 'whsec_***' });
      expectProblem(badKey, 'validation_failed');
      expect((await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/hook-sources/nosecret`)).statusCode).toBe(404);
    });

    it('webhooks 4: deleting a source keeps its accepted events and refuses new ones', async () => {
      const deleted = await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/hook-sources/${source.id}`);
      expect(deleted.statusCode).toBe(204);
      const body = '{}';
      expectProblem(await post(source.id, body, signed(body, 'msg_after', ROTATED_SECRET)), 'not_found');
      expect((await inbox()).filter((row) => row.source_key === source.id).length).toBeGreaterThan(0);
    });
  });
}
