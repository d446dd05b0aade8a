/**
 * A revocation is effective at the next status check on EVERY instance (issue 16 item 4): two
 * instances share PostgreSQL and Redis; an installation activated through the first keeps a
 * valid status on the second until the licence is revoked through the first, and the very next
 * check on the second — no sleep, well within a second — answers `valid: false, revoked: true`.
 * Status checks read the licence from the database on each call, so no cache can be stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, REDIS_URL, redisAvailable } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());
if (!ready && process.env.CI === 'true') throw new Error('PostgreSQL and Redis are required under CI');
if (!ready) console.warn('licence-two-instances: PostgreSQL or Redis is not answering; skipped');

describe.runIf(ready)('licence revocation across two instances (PostgreSQL + Redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;
  let org: OrgBody;
  let owner: OrgUser;
  const secondAudit = new MemoryAuditLog();

  beforeAll(async () => {
    store = await postgresBackend.create();
    const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env, audit: secondAudit });
    const admin = await login(first.app);
    ({ org, owner } = await orgWithOwner(first.app, admin));
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  it('licences 4: a licence revoked on the first instance is refused at the next check on the second, within a second', async () => {
    const issued = await as(first.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences`, { product: 'compiler', max_activations: 1 });
    expect(issued.statusCode, issued.body).toBe(201);
    const { id, licence_key: key } = issued.json<{ id: string; licence_key: string }>();
    const activated = await first.app.inject({
      method: 'POST',
      url: '/api/v1/licences/activate',
      payload: { licence_key: key, installation_id: 'i-1' },
    });
    expect(activated.statusCode, activated.body).toBe(200);
    const token = activated.json<{ token: string }>().token;
    const check = () =>
      second.app.inject({ method: 'GET', url: `/api/v1/licences/${id}/status`, headers: { authorization: `Bearer ${token}` } });
    expect((await check()).json()).toMatchObject({ valid: true, revoked: false });

    const revoked = await as(first.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences/${id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    const after = await check();
    expect(after.json()).toMatchObject({ valid: false, revoked: true });
    expect(after.json<{ token?: string }>().token).toBeUndefined();
    expect(secondAudit.events().some((e) => e.action === 'licence.check' && e.reason === 'revoked' && e.resource === id)).toBe(true);
  });
});
