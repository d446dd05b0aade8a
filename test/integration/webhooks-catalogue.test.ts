/**
 * The rest of the event catalogue (issue 15, item 1) on every backend: API keys, service clients,
 * secrets, users and audit checkpoints append their events to `event_outbox` in the transaction
 * of the change — ids and metadata only, never a key, a client secret, a secret's value or an
 * email — a change the audit log refuses (503) appends none, and an endpoint subscribed to
 * `api_key.*` receives the key's events through a real local receiver.
 */
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, createUser, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { receiverEnv, startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

/** The audit log of these tests: in memory, and refusing every entry while `refusing` is set. */
class SwitchableAuditLog extends MemoryAuditLog {
  refusing = false;

  override record(event: AuditEvent): Promise<void> {
    if (this.refusing) return Promise.reject(new DomainError('audit_unavailable', 'The audit log is refusing entries'));
    return super.record(event);
  }
}

interface OutboxRow {
  type: string;
  org_id: string | null;
  data: Record<string, unknown>;
}

const SECRET_VALUE = 'catalogue-secret-value-5b1c';

for (const backend of await backends()) {
  describe(`event catalogue on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receiver: Receiver;
    let audit: SwitchableAuditLog;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;

    beforeEach(async () => {
      store = await backend.create();
      receiver = await startReceiver();
      audit = new SwitchableAuditLog();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...receiverEnv(receiver) }, audit, webhooks: { manual: true } });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await receiver?.close();
      await store?.cleanup();
    });

    /** The outbox's events of `types`, oldest first, read with the migrating role (past row-level security). */
    async function events(...types: string[]): Promise<OutboxRow[]> {
      const rows = await server.stored.db
        .selectFrom('event_outbox')
        .select(['type', 'org_id', 'data'])
        .where('type', 'in', types)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({ type: row.type, org_id: row.org_id, data: JSON.parse(row.data) as Record<string, unknown> }));
    }

    /** An org key of the owner, or (without `org`) a platform key of the admin. */
    async function createKey(org?: string): Promise<{ id: string; key: string }> {
      const response =
        org === undefined
          ? await as(server.app, admin, 'POST', '/api/v1/api-keys', { name: 'platform', scopes: ['users.manage'] })
          : await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['members.read'], org });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ id: string; key: string }>();
    }

    it('webhooks 1: api_key.created and api_key.revoked land in the key’s org, without the key', async () => {
      const created = await createKey(org.id);
      const revoked = await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${created.id}`);
      expect(revoked.statusCode, revoked.body).toBeLessThan(300);
      const rows = await events('api_key.created', 'api_key.revoked');
      expect(rows).toEqual([
        { type: 'api_key.created', org_id: org.id, data: expect.objectContaining({ api_key_id: created.id, owner_id: owner.id }) },
        { type: 'api_key.revoked', org_id: org.id, data: { api_key_id: created.id, owner_id: owner.id } },
      ]);
      expect(JSON.stringify(rows)).not.toContain(created.key);
    });

    it('webhooks 1: a key without an org emits a deployment event (org null)', async () => {
      const created = await createKey();
      expect(await events('api_key.created')).toEqual([
        expect.objectContaining({ org_id: null, data: expect.objectContaining({ api_key_id: created.id }) }),
      ]);
    });

    it('webhooks 1: client.created and client.revoked carry the client id, never its secret', async () => {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
        name: 'svc',
        scopes: ['members.read'],
        auth_method: 'client_secret_basic',
      });
      expect(response.statusCode, response.body).toBe(201);
      const client = response.json<{ client_id: string; client_secret: string }>();
      const revoked = await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/clients/${client.client_id}`);
      expect(revoked.statusCode, revoked.body).toBeLessThan(300);
      const rows = await events('client.created', 'client.revoked');
      expect(rows).toEqual([
        { type: 'client.created', org_id: org.id, data: expect.objectContaining({ client_id: client.client_id, name: 'svc' }) },
        { type: 'client.revoked', org_id: org.id, data: { client_id: client.client_id } },
      ]);
      expect(JSON.stringify(rows)).not.toContain(client.client_secret);
    });

    it('webhooks 1: secret.written and secret.deleted carry the name and version, never the value', async () => {
      const url = `/api/v1/orgs/${org.id}/secrets/db-password`;
      for (const value of [SECRET_VALUE, `${SECRET_VALUE}-2`]) {
        const put = await as(server.app, owner.grant, 'PUT', url, { value });
        expect(put.statusCode, put.body).toBe(200);
      }
      const deleted = await as(server.app, owner.grant, 'DELETE', url);
      expect(deleted.statusCode, deleted.body).toBeLessThan(300);
      const rows = await events('secret.written', 'secret.deleted');
      expect(rows).toEqual([
        { type: 'secret.written', org_id: org.id, data: { name: 'db-password', version: 1 } },
        { type: 'secret.written', org_id: org.id, data: { name: 'db-password', version: 2 } },
        { type: 'secret.deleted', org_id: org.id, data: { name: 'db-password' } },
      ]);
      expect(JSON.stringify(rows)).not.toContain(SECRET_VALUE);
    });

    it('webhooks 1: user.created and user.deleted are deployment events with the id only, never the email', async () => {
      const user = await createUser(server.app, admin);
      const deleted = await as(server.app, admin, 'DELETE', `/api/v1/users/${user.id}`);
      expect(deleted.statusCode, deleted.body).toBeLessThan(300);
      const rows = await events('user.created', 'user.deleted');
      expect(rows).toContainEqual({ type: 'user.created', org_id: null, data: { user_id: user.id } });
      expect(rows).toContainEqual({ type: 'user.deleted', org_id: null, data: { user_id: user.id } });
      expect(JSON.stringify(rows)).not.toContain(user.email);
      expect(JSON.stringify(rows)).not.toContain('@');
    });

    it('webhooks 1: a change the audit log refuses (503) emits no event', async () => {
      const key = await createKey(org.id);
      await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/kept`, { value: SECRET_VALUE });
      const before = await events(
        'api_key.created',
        'api_key.revoked',
        'secret.written',
        'secret.deleted',
        'client.created',
        'user.created',
      );
      audit.refusing = true;
      const refused = [
        await as(server.app, owner.grant, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['members.read'], org: org.id }),
        await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${key.id}`),
        await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/secrets/other`, { value: SECRET_VALUE }),
        await as(server.app, owner.grant, 'DELETE', `/api/v1/orgs/${org.id}/secrets/kept`),
        await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/clients`, {
          name: 'svc',
          scopes: ['members.read'],
          auth_method: 'client_secret_basic',
        }),
        await as(server.app, admin, 'POST', '/api/v1/users', {
          email: 'refused@example.test',
          password: 'correct horse battery staple 43',
        }),
      ];
      audit.refusing = false;
      for (const response of refused) {
        expect(response.statusCode, response.body).toBe(503);
        expect(response.json<{ code: string }>().code).toBe('audit_unavailable');
      }
      expect(
        await events('api_key.created', 'api_key.revoked', 'secret.written', 'secret.deleted', 'client.created', 'user.created'),
      ).toEqual(before);
    });

    it('webhooks 1: an endpoint subscribed to api_key.* receives the key’s events, signed', async () => {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/webhooks`, {
        url: receiver.url(),
        events: ['api_key.*'],
      });
      expect(response.statusCode, response.body).toBe(201);
      const { secret } = response.json<{ secret: string }>();
      const created = await createKey(org.id);
      await as(server.app, owner.grant, 'DELETE', `/api/v1/api-keys/${created.id}`);
      await createKey(); // a platform key: no org, so no endpoint of this org receives it
      await server.rampart.facade('webhooks').worker.drain();

      const payloads = receiver.received.map((request) =>
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ) as { type: string; data: { api_key_id: string } }[];
      // Deliveries of one endpoint may run concurrently: compare as a set.
      expect(payloads.map((payload) => [payload.type, payload.data.api_key_id]).sort()).toEqual([
        ['api_key.created', created.id],
        ['api_key.revoked', created.id],
      ]);
      expect(receiver.received.map((request) => request.body).join('')).not.toContain(created.key);
    });
  });

  describe(`audit checkpoint event on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('webhooks 1: each newly signed checkpoint emits one audit.checkpoint {tree_size}, a repeated one none', async () => {
      await login(server.app); // an audited sign-in: the log grows
      const auditing = server.rampart.facade('audit');
      await auditing.service.issueCheckpoint();
      await auditing.service.issueCheckpoint(); // the same size again: nothing new is signed
      const sizes = (await server.stored.db.selectFrom('audit_checkpoints').select('size').orderBy('size').execute()).map((row) =>
        Number(row.size),
      );
      const rows = await server.stored.db
        .selectFrom('event_outbox')
        .select(['org_id', 'data'])
        .where('type', '=', 'audit.checkpoint')
        .orderBy('seq')
        .execute();
      expect(sizes.length).toBeGreaterThan(0);
      expect(rows.map((row) => row.org_id)).toEqual(sizes.map(() => null));
      expect(rows.map((row) => (JSON.parse(row.data) as { tree_size: number }).tree_size)).toEqual(sizes);
    });
  });
}
