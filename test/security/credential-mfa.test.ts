/**
 * MFA enforcement reaches credentials (issue 13, item 10). The exploit: an org admin who never
 * enrolled a second factor — refused everywhere with 403 `mfa_enrollment_required` — keeps
 * working through an API key or a service client made before the requirement applied to them.
 * While RAMPART_MFA_REQUIRED_FOR_ADMINS is on, such a key or client token is refused with 403
 * `mfa_enrollment_required` (the refusal audited), the client gets no new token
 * (`unauthorized_client`), and both work again as soon as their creator enrols.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { MFA_ENFORCEMENT_TTL_MS } from '../../src/identity/mfa/services/mfa-enforcement.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login } from '../helpers/identity.js';
import { enrol } from '../helpers/mfa.js';
import { addMember, as, createOrg, createUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const REQUIRED = { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true' };
const CONTEXT = { ip: '192.0.2.10', userAgent: undefined, requestId: 'req-credential-mfa' };

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

for (const backend of await backends()) {
  describe(`credentials under the MFA requirement on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let audit: MemoryAuditLog;

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      audit = new MemoryAuditLog();
      server = await testServer(store, { env: REQUIRED, clock, audit });
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('hardening 10: the key and client of an org admin without a second factor stop until the admin enrols', async () => {
      const admin = await login(server.app);
      await enrol(server.app, admin.access_token, clock);
      const org = await createOrg(server.app, admin);
      const creator = await createUser(server.app, admin);
      await addMember(server.app, admin, org.id, creator.id, 'viewer');

      // Made while the creator is a viewer, whom the requirement does not reach.
      const principal = { type: 'user', id: creator.id, via: 'bearer' } as const;
      const issued = await server.rampart.credentials.apiKeys.create(
        { name: 'deploy', scopes: ['org.read'], org: org.id },
        { ...CONTEXT, principal },
      );
      const key = issued.secret.reveal();
      const made = await server.rampart.credentials.clients.createAsOperator(org.id, creator.id, {
        name: 'ci',
        scopes: ['org.read'],
        authMethod: 'client_secret_basic',
      });
      const clientAuth = basic(made.client.id, made.secret?.reveal() ?? '');
      const tokenRequest = (): Promise<LightMyRequestResponse> =>
        server.app.inject({
          method: 'POST',
          url: '/api/v1/oauth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: clientAuth },
          payload: 'grant_type=client_credentials',
        });
      const readOrg = (credential: string): Promise<LightMyRequestResponse> =>
        server.app.inject({ method: 'GET', url: `/api/v1/orgs/${org.id}`, headers: { authorization: `Bearer ${credential}` } });
      const clientToken = (await tokenRequest()).json<{ access_token: string }>().access_token;
      expect((await readOrg(key)).statusCode).toBe(200);
      expect((await readOrg(clientToken)).statusCode).toBe(200);

      // Promoted to admin: from now on the creator must enrol, and so must their credentials.
      const promoted = await as(server.app, admin, 'PATCH', `/api/v1/orgs/${org.id}/members/${creator.id}`, { role: 'admin' });
      expect(promoted.statusCode, promoted.body).toBe(200);
      clock.advance(MFA_ENFORCEMENT_TTL_MS + 1);
      expectProblem(await readOrg(key), 'mfa_enrollment_required');
      expectProblem(await readOrg(clientToken), 'mfa_enrollment_required');
      const refused = await tokenRequest();
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json()).toMatchObject({ error: 'unauthorized_client' });
      expect(
        audit
          .events()
          .filter((e) => e.result === 'failure' && (e.reason === 'owner_mfa_not_enrolled' || e.reason === 'creator_mfa_not_enrolled'))
          .map((e) => [e.action, e.resource]),
      ).toEqual([
        ['api_key.use', issued.key.id],
        ['oauth.token', made.client.id],
      ]);

      // The creator enrols: both work again.
      await enrol(server.app, creator.grant.access_token, clock);
      expect((await readOrg(key)).statusCode).toBe(200);
      expect((await readOrg(clientToken)).statusCode).toBe(200);
      expect((await tokenRequest()).statusCode).toBe(200);
    });
  });
}
