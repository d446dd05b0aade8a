/**
 * The exploit (issue 15, items 1 and 2): an org manager points a webhook at the installation's own
 * network — a private address, loopback, a cloud metadata endpoint — or at a public name whose DNS
 * answer is later switched to 127.0.0.1 (rebinding), so that Rampart's deliveries reach services
 * that trust the internal network. The refusals: creation and update are 422 `ssrf_blocked` and store
 * nothing (no endpoint, no secret); a name that turns internal after creation is checked again at
 * delivery, the attempt is recorded as failed with `ssrf_blocked`, and the receiver is never hit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Resolver } from '../../src/kernel/net/outbound-policy.js';
import type { Webhooks } from '../../src/webhooks/index.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.js';

const REFUSED = [
  'http://127.0.0.1/hook',
  'http://10.0.0.5/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]/hook',
  'http://[::ffff:127.0.0.1]/hook',
  'http://0x7f000001/hook',
  'http://2130706433/hook',
  'http://192.168.1.1:443/hook',
  'https://user:pw@10.0.0.1/hook',
  'http://rebind.example.test/hook#@93.184.215.14',
];

for (const backend of await backends()) {
  describe(`webhook SSRF refusals on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let receiver: Receiver;
    let org: OrgBody;
    let owner: OrgUser;
    let webhooks: Webhooks;
    /** What the test resolver answers, by host name: switched by the tests. */
    const dns = new Map<string, readonly string[]>();
    const resolver: Resolver = {
      lookup: (hostname) => {
        const answer = dns.get(hostname);
        return answer === undefined
          ? Promise.reject(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }))
          : Promise.resolve(answer);
      },
    };

    beforeEach(async () => {
      store = await backend.create();
      receiver = await startReceiver();
      dns.clear();
      dns.set('rebind.example.test', ['127.0.0.1']);
      // No allow-list: loopback is refused; only the receiver's port is a permitted port.
      server = await testServer(store, {
        env: { ...ADMIN_ENV, RAMPART_OUTBOUND_PORTS: `80,443,${receiver.port}` },
        webhooks: { manual: true, resolver },
      });
      webhooks = server.rampart.facade('webhooks');
      ({ org, owner } = await orgWithOwner(server.app, await login(server.app)));
    });

    afterEach(async () => {
      await server?.close();
      await receiver?.close();
      await store?.cleanup();
    });

    const hooks = (path = '') => `/api/v1/orgs/${org.id}/webhooks${path}`;

    it('webhooks 2: an internal or disguised URL is refused at creation with 422 ssrf_blocked, and nothing is stored', async () => {
      for (const url of REFUSED) {
        const response = await as(server.app, owner.grant, 'POST', hooks(), { url, events: ['*'] });
        expect(response.statusCode, `${url}: ${response.body}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, url).toBeLessThan(500);
        if (response.statusCode === 422) {
          const problem = expectProblem(response, 'ssrf_blocked');
          // The detail names no range, address or rule.
          expect(problem.detail).not.toMatch(/127|10\.|169\.254|loopback|private|range/i);
        }
      }
      const list = await as(server.app, owner.grant, 'GET', hooks());
      expect(list.json()).toEqual({ items: [], next_cursor: null });
      const secrets = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/secrets`);
      expect(secrets.json()).toEqual({ items: [], next_cursor: null });
    });

    it('webhooks 2: an update to an internal URL is refused and the endpoint keeps its URL', async () => {
      dns.set('public.example.test', ['93.184.215.14']);
      const created = await as(server.app, owner.grant, 'POST', hooks(), { url: 'https://public.example.test/hook', events: ['*'] });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;
      const patched = await as(server.app, owner.grant, 'PATCH', hooks(`/${id}`), { url: 'http://169.254.169.254/latest/' });
      expectProblem(patched, 'ssrf_blocked');
      const after = await as(server.app, owner.grant, 'GET', hooks(`/${id}`));
      expect(after.json()).toMatchObject({ url: 'https://public.example.test/hook' });
    });

    it('webhooks 2: a name public at creation and 127.0.0.1 at delivery is never delivered: a failed attempt, ssrf_blocked', async () => {
      const host = 'turns-internal.example.test';
      dns.set(host, ['93.184.215.14']);
      const created = await as(server.app, owner.grant, 'POST', hooks(), {
        url: `http://${host}:${receiver.port}/hook`,
        events: ['role.*'],
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json<{ id: string }>().id;
      dns.set(host, ['127.0.0.1']);
      const role = await as(server.app, owner.grant, 'PUT', `/api/v1/orgs/${org.id}/roles/deployer`, { permissions: ['jobs.read'] });
      expect(role.statusCode, role.body).toBeLessThan(300);
      await webhooks.worker.drain();

      expect(receiver.received).toEqual([]);
      const list = await as(server.app, owner.grant, 'GET', hooks(`/${id}/deliveries`));
      const [delivery] = list.json<{ items: { id: string; status: string; last_error: string }[] }>().items;
      expect(delivery).toMatchObject({ status: 'pending', last_error: 'ssrf_blocked' });
      const one = await as(server.app, owner.grant, 'GET', hooks(`/${id}/deliveries/${delivery!.id}`));
      expect(one.json<{ attempts_log: unknown[] }>().attempts_log).toEqual([
        expect.objectContaining({ status_code: null, error_class: 'ssrf_blocked' }),
      ]);
    });
  });
}
