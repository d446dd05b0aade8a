/**
 * Passkeys (issue 18 item 1) through the real server, on SQLite and PostgreSQL, with a software
 * authenticator (test/fixtures/webauthn/soft-authenticator.ts) building what a browser sends: the
 * ceremonies, the storage rules and the attacks. The same ceremonies in real Chromium with its
 * virtual authenticator are test/integration/passkeys-chromium.test.ts.
 *
 * Attacks, each asserting the refusal AND the state afterwards: a replayed challenge; an assertion
 * for another origin or RP ID; a credential of another account; a cloned authenticator (its
 * counter goes backwards: refused and raised as a `security.alert`); a registration answering
 * another session's challenge; another user's passkey id (404, nothing renamed or deleted).
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator, type SoftCredential } from '../fixtures/webauthn/soft-authenticator.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, loginRequest, type Grant } from '../helpers/identity.js';
import { as, createUser, MEMBER_PASSWORD, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ORIGIN = 'https://rampart.example.test';
const STEP_UP_WINDOW_MS = 300_000;

interface PasskeyJson {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  backup_eligible: boolean;
  backed_up: boolean;
  transports: string[];
  aaguid: string;
}
interface RequestOptions {
  challenge: string;
  rpId: string;
  allowCredentials?: { id: string }[];
  userVerification: string;
}

for (const backend of await backends()) {
  describe(`passkeys on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;
    const authenticator = new SoftAuthenticator(ORIGIN);

    beforeAll(async () => {
      instance = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(instance, { clock, env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000', RAMPART_RATE_LIMIT: '10000' } });
      admin = await login(server.app);
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    const post = (url: string, payload?: object, grant?: Grant): Promise<LightMyRequestResponse> =>
      as(server.app, grant, 'POST', url, payload);

    /** Registers a passkey for `user` through the API; returns the stored passkey and the soft credential. */
    async function register(user: OrgUser, name?: string): Promise<{ passkey: PasskeyJson; credential: SoftCredential }> {
      const options = await post('/api/v1/me/passkeys/options', undefined, user.grant);
      expect(options.statusCode, options.body).toBe(200);
      const response = authenticator.create(options.json());
      const created = await post('/api/v1/me/passkeys', { ...(name === undefined ? {} : { name }), response }, user.grant);
      expect(created.statusCode, created.body).toBe(201);
      const credential = authenticator.credentials.at(-1);
      if (credential === undefined) throw new Error('no credential');
      return { passkey: created.json<PasskeyJson>(), credential };
    }

    async function signInOptions(body?: object): Promise<RequestOptions> {
      const options = await post('/api/v1/auth/passkey/options', body);
      expect(options.statusCode, options.body).toBe(200);
      return options.json<RequestOptions>();
    }

    async function passkeysOf(userId: string): Promise<{ id: string; name: string; sign_count: number }[]> {
      const rows = await server.stored.db
        .selectFrom('passkeys')
        .select(['id', 'name', 'sign_count'])
        .where('user_id', '=', userId)
        .execute();
      return rows.map((r) => ({ ...r, sign_count: Number(r.sign_count) }));
    }

    async function entries(action: string): Promise<{ action: string; result: string; reason: string | null; resource: string }[]> {
      const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
      await log.integrate();
      const rows = await server.stored.db
        .selectFrom('audit_entries')
        .select(['action', 'result', 'reason', 'resource'])
        .where('action', '=', action)
        .orderBy('leaf_index')
        .execute();
      return rows;
    }

    it('passkeys 1: registers a passkey (discoverable, user verified) and lists it, never with key material', async () => {
      const user = await createUser(server.app, admin);
      const options = await post('/api/v1/me/passkeys/options', undefined, user.grant);
      expect(options.statusCode, options.body).toBe(200);
      const body = options.json<{ rp: { id: string }; authenticatorSelection: { residentKey: string; userVerification: string } }>();
      expect(body.rp.id).toBe('rampart.example.test');
      expect(body.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
      const { passkey } = await register(user, 'Laptop');
      expect(passkey).toMatchObject({
        name: 'Laptop',
        backup_eligible: true,
        backed_up: true,
        transports: ['internal'],
        last_used_at: null,
      });
      expect(passkey.id).toMatch(/^pk_[a-f0-9]{32}$/);
      const list = await as(server.app, user.grant, 'GET', '/api/v1/me/passkeys');
      expect(list.statusCode).toBe(200);
      expect(list.json()).toEqual({ items: [passkey], next_cursor: null });
      expect(list.body).not.toContain('public_key');
      // A second registration's options exclude the first credential.
      const again = (await post('/api/v1/me/passkeys/options', undefined, user.grant)).json<{ excludeCredentials: { id: string }[] }>();
      expect(again.excludeCredentials.map((c) => c.id)).toEqual([authenticator.credentials.at(-1)?.id]);
      expect((await entries('passkey.register')).some((e) => e.resource === passkey.id && e.result === 'success')).toBe(true);
    });

    it('passkeys 1: signs in with a passkey without a username (discoverable), no MFA step, first_factor passkey', async () => {
      const user = await createUser(server.app, admin);
      const { credential, passkey } = await register(user);
      const options = await signInOptions();
      expect(options.allowCredentials ?? []).toEqual([]);
      expect(options.userVerification).toBe('required');
      const verified = await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential) });
      expect(verified.statusCode, verified.body).toBe(200);
      const grant = verified.json<Grant>();
      expect(grant.user.id).toBe(user.id);
      expect((await as(server.app, grant, 'GET', '/api/v1/me')).statusCode).toBe(200);
      expect((await passkeysOf(user.id))[0]?.sign_count).toBe(1);
      const stored = (await as(server.app, grant, 'GET', '/api/v1/me/passkeys')).json<{ items: PasskeyJson[] }>().items;
      expect(stored.find((p) => p.id === passkey.id)?.last_used_at).not.toBeNull();
    });

    it('passkeys 1: with {email} the options have the same shape whether or not the account exists or has passkeys', async () => {
      const withPasskey = await createUser(server.app, admin);
      await register(withPasskey);
      const without = await createUser(server.app, admin);
      const shapes = await Promise.all(
        [withPasskey.email, without.email, 'nobody-here@example.test'].map(async (email) => {
          const options = await signInOptions({ email });
          return Object.keys(options).sort().join(',') + `|${(options.allowCredentials ?? []).length}`;
        }),
      );
      expect(new Set(shapes).size).toBe(1);
    });

    it('passkeys 1: a challenge replayed is refused, and the counter does not move', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const options = await signInOptions();
      const first = await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential) });
      expect(first.statusCode).toBe(200);
      const count = (await passkeysOf(user.id))[0]?.sign_count;
      // The same challenge again, with a fresh, correctly signed assertion (a higher counter).
      expectProblem(await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential) }), 'invalid_credentials');
      expect((await passkeysOf(user.id))[0]?.sign_count).toBe(count);
      expect((await entries('passkey.authenticate')).some((e) => e.reason === 'unknown_challenge')).toBe(true);
    });

    it('passkeys 1: an expired challenge (past 5 minutes) is refused', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const options = await signInOptions();
      clock.advance(5 * 60_000 + 1);
      expectProblem(await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential) }), 'invalid_credentials');
    });

    it('passkeys 1: an assertion for another origin or another RP ID is refused, nothing changed', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const before = await passkeysOf(user.id);
      for (const twist of [{ origin: 'https://phish.example.test' }, { rpId: 'phish.example.test' }]) {
        const options = await signInOptions();
        const refused = await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential, twist) });
        expectProblem(refused, 'invalid_credentials');
      }
      expect(await passkeysOf(user.id)).toEqual(before);
      const reasons = (await entries('passkey.authenticate')).map((e) => e.reason);
      expect(reasons).toContain('wrong_origin');
      expect(reasons).toContain('wrong_rp_id');
    });

    it('passkeys 1: an assertion without user verification is refused as a first factor', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const options = await signInOptions();
      expectProblem(
        await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential, { uv: false }) }),
        'invalid_credentials',
      );
    });

    it('passkeys 1: a credential of another user is refused for an email-bound sign-in, nothing changed', async () => {
      const victim = await createUser(server.app, admin);
      await register(victim);
      const attacker = await createUser(server.app, admin);
      const { credential } = await register(attacker);
      const before = await passkeysOf(attacker.id);
      const options = await signInOptions({ email: victim.email });
      const refused = await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential) });
      expectProblem(refused, 'invalid_credentials');
      expect(await passkeysOf(attacker.id)).toEqual(before);
      // An unknown email's challenge cannot be answered by any credential.
      const nobody = await signInOptions({ email: 'nobody-at-all@example.test' });
      expectProblem(await post('/api/v1/auth/passkey/verify', { response: authenticator.get(nobody, credential) }), 'invalid_credentials');
      expect((await entries('passkey.authenticate')).some((e) => e.reason === 'other_user')).toBe(true);
    });

    it('passkeys 1: a user handle naming another account is refused', async () => {
      const victim = await createUser(server.app, admin);
      const attacker = await createUser(server.app, admin);
      const { credential } = await register(attacker);
      const options = await signInOptions();
      const handle = Buffer.from(victim.id).toString('base64url');
      expectProblem(
        await post('/api/v1/auth/passkey/verify', { response: authenticator.get(options, credential, { userHandle: handle }) }),
        'invalid_credentials',
      );
    });

    it('passkeys 1: a cloned authenticator (a counter that goes backwards) is refused and raised as a security.alert', async () => {
      const user = await createUser(server.app, admin);
      const { credential, passkey } = await register(user);
      for (let i = 0; i < 3; i += 1) {
        const ok = await post('/api/v1/auth/passkey/verify', { response: authenticator.get(await signInOptions(), credential) });
        expect(ok.statusCode).toBe(200);
      }
      expect((await passkeysOf(user.id))[0]?.sign_count).toBe(3);
      const clone = await post('/api/v1/auth/passkey/verify', {
        response: authenticator.get(await signInOptions(), credential, { counter: 2 }),
      });
      expectProblem(clone, 'invalid_credentials');
      expect((await passkeysOf(user.id))[0]?.sign_count).toBe(3);
      const refused = (await entries('passkey.authenticate')).filter((e) => e.resource === passkey.id && e.reason === 'counter_regression');
      expect(refused).toHaveLength(1);
      const alerts = (await entries('security.alert')).filter((e) => e.resource === passkey.id);
      expect(alerts.map((e) => e.reason)).toEqual(['cloned_authenticator']);
      expect(server.logs.text).toContain('security alert: cloned_authenticator');
    });

    it('passkeys 2: after a password login a passkey is the second factor: methods [passkey], options for the mfa_token, session opens', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const first = await loginRequest(server.app, user.email, MEMBER_PASSWORD);
      expect(first.statusCode, first.body).toBe(200);
      const challenge = first.json<{ mfa_required: boolean; mfa_token: string; methods: string[] }>();
      expect(challenge).toMatchObject({ mfa_required: true, methods: ['passkey'] });
      const options = (await post('/api/v1/auth/passkey/options', { mfa_token: challenge.mfa_token })).json<RequestOptions>();
      expect(options.allowCredentials?.map((c) => c.id)).toEqual([credential.id]);
      const verified = await post('/api/v1/auth/passkey/verify', {
        mfa_token: challenge.mfa_token,
        response: authenticator.get(options, credential),
      });
      expect(verified.statusCode, verified.body).toBe(200);
      expect(verified.json<Grant>().user.id).toBe(user.id);
      // The MFA challenge is spent: the same token opens nothing again.
      const again = await post('/api/v1/auth/passkey/options', { mfa_token: challenge.mfa_token });
      expectProblem(again, 'token_invalid');
      const logins = await server.stored.db.selectFrom('mfa_challenges').select('consumed_at').where('user_id', '=', user.id).execute();
      expect(logins.every((row) => row.consumed_at !== null)).toBe(true);
    });

    it("passkeys 2: a second-factor assertion bound to one pending login does not complete another; another user's passkey is refused", async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const other = await createUser(server.app, admin);
      const { credential: otherCredential } = await register(other);
      const tokenA = (await loginRequest(server.app, user.email, MEMBER_PASSWORD)).json<{ mfa_token: string }>().mfa_token;
      const tokenB = (await loginRequest(server.app, user.email, MEMBER_PASSWORD)).json<{ mfa_token: string }>().mfa_token;
      const optionsA = (await post('/api/v1/auth/passkey/options', { mfa_token: tokenA })).json<RequestOptions>();
      // Options of login A, presented for login B: not bound to B.
      expectProblem(
        await post('/api/v1/auth/passkey/verify', { mfa_token: tokenB, response: authenticator.get(optionsA, credential) }),
        'invalid_credentials',
      );
      // Another account's passkey for login A's challenge.
      const optionsA2 = (await post('/api/v1/auth/passkey/options', { mfa_token: tokenA })).json<RequestOptions>();
      expectProblem(
        await post('/api/v1/auth/passkey/verify', { mfa_token: tokenA, response: authenticator.get(optionsA2, otherCredential) }),
        'invalid_credentials',
      );
      const sessions = await server.stored.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
      expect(sessions).toHaveLength(1);
    });

    it('passkeys 2: a passkey satisfies the MFA requirement of admins', async () => {
      const enforced = await testServer(instance, {
        clock,
        env: { ...ADMIN_ENV, RAMPART_MFA_REQUIRED_FOR_ADMINS: 'true', RAMPART_LOGIN_RATE_LIMIT: '1000' },
      });
      try {
        const adminGrant = await login(enforced.app);
        expectProblem(await as(enforced.app, adminGrant, 'GET', '/api/v1/users'), 'mfa_enrollment_required');
        const options = await as(enforced.app, adminGrant, 'POST', '/api/v1/me/passkeys/options');
        expect(options.statusCode, options.body).toBe(200);
        const created = await as(enforced.app, adminGrant, 'POST', '/api/v1/me/passkeys', {
          response: authenticator.create(options.json()),
        });
        expect(created.statusCode, created.body).toBe(201);
        expect((await as(enforced.app, adminGrant, 'GET', '/api/v1/users')).statusCode).toBe(200);
        const again = await loginRequest(
          enforced.app,
          ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_EMAIL ?? '',
          ADMIN_ENV.RAMPART_BOOTSTRAP_ADMIN_PASSWORD ?? '',
        );
        expect(again.json<{ methods: string[] }>().methods).toContain('passkey');
        // Leave the shared database as the other cases expect it: the admin without a passkey.
        const id = created.json<PasskeyJson>().id;
        await enforced.stored.db.deleteFrom('passkeys').where('id', '=', id).execute();
      } finally {
        await enforced.close();
      }
    });

    it('passkeys 3: a passkey assertion steps the session up for the documented window; step_up_required lists passkey', async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      clock.advance(STEP_UP_WINDOW_MS + 1);
      const stale = await post('/api/v1/me/passkeys/options', undefined, user.grant);
      const problem = expectProblem(stale, 'step_up_required') as unknown as { methods: string[] };
      expect(problem.methods).toEqual(['password', 'passkey']);
      const options = await post('/api/v1/auth/step-up/passkey/options', undefined, user.grant);
      expect(options.statusCode, options.body).toBe(200);
      const stepped = await post('/api/v1/auth/step-up/passkey', { response: authenticator.get(options.json(), credential) }, user.grant);
      expect(stepped.statusCode, stepped.body).toBe(200);
      expect(stepped.json()).toEqual({ method: 'passkey', fresh_until: new Date(clock.now() + STEP_UP_WINDOW_MS).toISOString() });
      expect((await post('/api/v1/me/passkeys/options', undefined, user.grant)).statusCode).toBe(200);
    });

    it("passkeys 3: a step-up challenge is bound to its session: another session's options do not step this one up", async () => {
      const user = await createUser(server.app, admin);
      const { credential } = await register(user);
      const tokenOf = async (): Promise<Grant> => {
        const challenge = (await loginRequest(server.app, user.email, MEMBER_PASSWORD)).json<{ mfa_token: string }>();
        const options = (await post('/api/v1/auth/passkey/options', { mfa_token: challenge.mfa_token })).json<RequestOptions>();
        const verified = await post('/api/v1/auth/passkey/verify', {
          mfa_token: challenge.mfa_token,
          response: authenticator.get(options, credential),
        });
        return verified.json<Grant>();
      };
      const other = await tokenOf();
      clock.advance(STEP_UP_WINDOW_MS + 1);
      const options = (await post('/api/v1/auth/step-up/passkey/options', undefined, other)).json<RequestOptions>();
      const refused = await post('/api/v1/auth/step-up/passkey', { response: authenticator.get(options, credential) }, user.grant);
      expectProblem(refused, 'invalid_credentials');
      expectProblem(await post('/api/v1/me/passkeys/options', undefined, user.grant), 'step_up_required');
    });

    it("passkeys 1: a registration answering another session's challenge is refused, nothing stored", async () => {
      const user = await createUser(server.app, admin);
      const victim = await createUser(server.app, admin);
      const options = await post('/api/v1/me/passkeys/options', undefined, victim.grant);
      const response = authenticator.create(options.json());
      const refused = await post('/api/v1/me/passkeys', { response }, user.grant);
      expectProblem(refused, 'validation_failed');
      expect(await passkeysOf(user.id)).toEqual([]);
      expect(await passkeysOf(victim.id)).toEqual([]);
    });

    it("passkeys 4: rename and delete (the account is told of both); names refuse control characters; another user's id is 404", async () => {
      const user = await createUser(server.app, admin);
      const { passkey } = await register(user, 'Phone');
      const renamed = await as(server.app, user.grant, 'PATCH', `/api/v1/me/passkeys/${passkey.id}`, { name: 'Work phone' });
      expect(renamed.statusCode, renamed.body).toBe(200);
      expect(renamed.json<PasskeyJson>().name).toBe('Work phone');
      expectProblem(
        await as(server.app, user.grant, 'PATCH', `/api/v1/me/passkeys/${passkey.id}`, { name: 'evil\u001b[31m' }),
        'validation_failed',
      );
      expectProblem(
        await as(server.app, user.grant, 'PATCH', `/api/v1/me/passkeys/${passkey.id}`, { name: 'rtl\u202eabc' }),
        'validation_failed',
      );
      const other = await createUser(server.app, admin);
      expectProblem(await as(server.app, other.grant, 'PATCH', `/api/v1/me/passkeys/${passkey.id}`, { name: 'mine now' }), 'not_found');
      expectProblem(await as(server.app, other.grant, 'DELETE', `/api/v1/me/passkeys/${passkey.id}`), 'not_found');
      expect(await passkeysOf(user.id)).toEqual([{ id: passkey.id, name: 'Work phone', sign_count: 0 }]);
      const deleted = await as(server.app, user.grant, 'DELETE', `/api/v1/me/passkeys/${passkey.id}`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      expect(await passkeysOf(user.id)).toEqual([]);
      expectProblem(await as(server.app, user.grant, 'DELETE', `/api/v1/me/passkeys/${passkey.id}`), 'not_found');
      // Item 4: the account is told — passkey_added and passkey_removed in its security events.
      const events = await as(server.app, user.grant, 'GET', '/api/v1/me/security-events');
      expect(events.statusCode, events.body).toBe(200);
      const kinds = events
        .json<{ items: { kind: string; details: Record<string, string> }[] }>()
        .items.filter((e) => e.details.passkey_id === passkey.id)
        .map((e) => e.kind);
      expect(kinds.sort()).toEqual(['passkey_added', 'passkey_removed']);
      const actions = [...(await entries('passkey.rename')), ...(await entries('passkey.delete'))].filter((e) => e.resource === passkey.id);
      expect(actions.map((e) => `${e.action}:${e.result}`)).toEqual(['passkey.rename:success', 'passkey.delete:success']);
    });

    it('passkeys 1: the list pages by an authenticated cursor; a tampered cursor is 400', async () => {
      const user = await createUser(server.app, admin);
      const ids = [];
      for (let i = 0; i < 3; i += 1) ids.push((await register(user, `Key ${i}`)).passkey.id);
      const first = (await as(server.app, user.grant, 'GET', '/api/v1/me/passkeys?limit=2')).json<{
        items: PasskeyJson[];
        next_cursor: string;
      }>();
      expect(first.items).toHaveLength(2);
      const second = (await as(server.app, user.grant, 'GET', `/api/v1/me/passkeys?limit=2&cursor=${first.next_cursor}`)).json<{
        items: PasskeyJson[];
        next_cursor: string | null;
      }>();
      expect([...first.items, ...second.items].map((p) => p.id)).toEqual([...ids].sort());
      expect(second.next_cursor).toBeNull();
      expectProblem(await as(server.app, user.grant, 'GET', '/api/v1/me/passkeys?cursor=bm9wZQ'), 'validation_failed');
    });

    it('passkeys 1: the same credential cannot be registered twice (409), and an API key cannot register', async () => {
      const user = await createUser(server.app, admin);
      const options = (await post('/api/v1/me/passkeys/options', undefined, user.grant)).json<{
        challenge: string;
        rp: { id: string };
        user: { id: string };
      }>();
      const response = authenticator.create(options);
      expect((await post('/api/v1/me/passkeys', { response }, user.grant)).statusCode).toBe(201);
      const options2 = (await post('/api/v1/me/passkeys/options', undefined, user.grant)).json<{ challenge: string }>();
      const replayed = JSON.parse(JSON.stringify(response)) as { response: { clientDataJSON: string } };
      const clientData = JSON.parse(Buffer.from(replayed.response.clientDataJSON, 'base64url').toString('utf8')) as Record<string, unknown>;
      replayed.response.clientDataJSON = Buffer.from(JSON.stringify({ ...clientData, challenge: options2.challenge })).toString(
        'base64url',
      );
      expectProblem(await post('/api/v1/me/passkeys', { response: replayed }, user.grant), 'conflict');
      expect(await passkeysOf(user.id)).toHaveLength(1);
    });
  });
}
