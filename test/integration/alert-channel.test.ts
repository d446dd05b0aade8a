/**
 * Issue 22 item 1, alerts reach a notification channel and their counters are shared: two
 * instances on one PostgreSQL database and one Redis count failed logins together, so five
 * failures spread over both raise `login_failures_account` exactly once; the alert is mailed to the
 * platform admins (the mail outbox), and an alert about an org becomes that org's `security.alert`
 * event in the event outbox (its webhooks' feed). Needs PostgreSQL and Redis (skips loudly without,
 * except under CI=true).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresBackend, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, loginRequest } from '../helpers/identity.js';
import { orgWithOwner, uniqueSlug } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { postgresAvailable, redisAvailable, REDIS_URL } from '../helpers/services.js';

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!ready)('security alerts: channels and shared counters (postgres + redis)', () => {
  let store: BackendInstance;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    store = await postgresBackend.create();
    const env = { ...ADMIN_ENV, RAMPART_REDIS_URL: REDIS_URL };
    first = await testServer(store, { env });
    second = await testServer(store, { env });
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
    await store?.cleanup();
  });

  /** The alert entries of `rule`, integrated or still pending (PostgreSQL queues entries before integrating them). */
  const alerts = async (rule: string) => {
    const query = (table: 'audit_entries' | 'audit_pending') =>
      first.stored.db
        .selectFrom(table)
        .select(['org', 'reason'])
        .where('action', '=', 'security.alert')
        .where('reason', '=', rule)
        .execute();
    return [...(await query('audit_entries')), ...(await query('audit_pending'))];
  };

  it('promises 1: failed logins on two instances count together through Redis: one alert, mailed to the platform admins', async () => {
    const email = `${uniqueSlug('nobody')}@example.test`;
    for (const app of [first.app, second.app, first.app, second.app, first.app, second.app]) {
      const response = await loginRequest(app, email, 'not the password at all 1');
      expect(response.statusCode).toBe(401);
    }
    // The alert is durable before the sixth answer: the rules run inside the log's record.
    const raised = await alerts('login_failures_account');
    expect(raised).toHaveLength(1);
    const mails = await first.stored.db
      .selectFrom('mail_outbox')
      .select(['template'])
      .where('template', '=', 'identity.security_alert')
      .execute();
    expect(mails.length).toBeGreaterThanOrEqual(1);
  });

  it("promises 1: an alert about an org becomes the org's security.alert event for its webhooks", async () => {
    const admin = await login(first.app);
    const { org } = await orgWithOwner(first.app, admin);
    // An event the rules turn into an alert (a stored secret failed its integrity check in this org).
    await first.rampart.audit.record({
      org: org.id,
      actor: { type: 'system', id: null },
      action: 'secret.integrity_failed',
      resource: `secret:${org.id}/db-password`,
      result: 'failure',
      reason: 'integrity',
      sourceIp: null,
      requestId: 'req-alert-channel',
    });
    const events = await first.stored.db
      .selectFrom('event_outbox')
      .select(['type', 'org_id', 'data'])
      .where('type', '=', 'security.alert')
      .where('org_id', '=', org.id)
      .execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.data ?? '{}')).toMatchObject({
      rule: 'secret_integrity',
      event: 'secret.integrity_failed',
      request_id: 'req-alert-channel',
    });
    expect(events[0]?.data).not.toContain('@');
  });
});
