/**
 * `GET /api/v1/me/export` (test/fixtures/spec-api-v1.md, "The caller"; GDPR Art. 15/20), on every backend: one
 * JSON attachment with everything held on the caller — and no secret of theirs (password, tokens,
 * API key, TOTP secret, recovery codes, nor any stored hash of them). Every table with a user
 * column (discovered from the live schema) is either in the export or excluded below with a
 * reason. Only the caller's own data is reachable, only by a user (an API key or a service client
 * is 403), and the export is audited.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlAuditSubjects } from '../../src/audit/adapters/sql-audit-subjects.js';
import { SqlAuditPersonalData } from '../../src/audit/adapters/sql-audit-personal-data.js';
import { auditSubjectKeyWrap } from '../../src/audit/compose.js';
import { masterKeyOf } from '../../src/kernel/master-key.js';
import { SecurityTokens } from '../../src/identity/security/crypto/security-tokens.js';
import { deriveKey } from '../../src/kernel/crypto/derive-key.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, loginRequest, type Grant } from '../helpers/identity.js';
import { enrol, mfaTokenOf, totpCode, type Enrolled } from '../helpers/mfa.js';
import { as, bearer, createOrg, createUser, inviteMember, MEMBER_PASSWORD, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { SoftAuthenticator } from '../fixtures/webauthn/soft-authenticator.js';
import { rowsWith, userColumns } from '../helpers/user-tables.js';

/** Tables with a user column, and the part of the export that holds their rows. */
const EXPORTED: Readonly<Record<string, string>> = {
  memberships: 'memberships',
  sessions: 'sessions',
  password_tokens: 'set_password_tokens',
  mfa_totp: 'account.mfa',
  recovery_codes: 'account.mfa.recovery_codes',
  mfa_challenges: 'mfa_challenges',
  api_keys: 'api_keys',
  audit_known_devices: 'known_devices',
  audit_entries: 'audit.entries',
  security_events: 'security_events.events',
  new_device_alerts: 'security_events.events',
  known_devices: 'security_events',
  passkeys: 'passkeys',
  external_identities: 'external_identities',
};

/** Tables with a user column that the export leaves out, each with the reason. */
const EXCLUDED: Readonly<Record<string, string>> = {
  email_tokens:
    'a pending email verification, address change or password reset: the hash of its single-use token, its purpose, the address it was mailed to and an expiry of at most 24 h; each request is an audit entry of the user, exported',
  passkey_challenges:
    "a passkey ceremony's single-use challenge (its hash, its purpose, five minutes): no personal data beyond the user id; each ceremony is an audit entry of the user, exported",
  audit_pending:
    'entries queued by earlier versions (PostgreSQL; added to the tree on start and every second): the same entries are exported from audit_entries',
  backup_canary:
    "the restore drill's canary account (created by a backup, a member of no org, no person's data): its sealed random password is never exported",
  audit_subject_keys: "the key that seals the user's personal audit fields: a secret, never shown; erasure destroys it",
  org_role_versions:
    "an org's custom-role history (actor_id: who changed it): org data; the change is an audit entry of the user, exported",
  service_clients: "an org's service client (created_by): org data; its creation is an audit entry of the user, exported",
  jobs: "an org's job (created_by, cancelled_by): org data; its creation and cancel are audit entries of the user, exported",
  licences: "an org's licence (created_by, revoked_by): org data; its issue and revocation are audit entries of the user, exported",
  access_review_attestations:
    "an org's access review attestation (actor_id: who attested): org data; each is an audit entry of the user (access_review.attest), exported",
};

/** A section of the export by dotted path. */
function section(document: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], document);
}

interface Exported {
  format: string;
  version: number;
  exported_at: string;
  account: Record<string, unknown> & { id: string; mfa: { enabled: boolean; recovery_codes: { total: number; unused: number } } };
  memberships: { org_id: string; org_slug: string; role: string }[];
  sessions: { id: string; current: boolean; ip: string | null; user_agent: string | null; revoked_at: string | null }[];
  api_keys: { id: string; prefix: string }[];
  set_password_tokens: { used_at: string | null }[];
  mfa_challenges: { consumed_at: string | null }[];
  known_devices: { fingerprint: string }[];
  audit: {
    entries: { action: string; actor: { id: string | null }; resource: string; source_ip: string | null; withheld?: string[] }[];
    truncated: boolean;
    limit: number;
  };
}

for (const backend of await backends()) {
  describe(`the caller's data export on ${backend.name}`, () => {
    let instance: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;
    /** A user with a row in every exported table, and every secret it was ever given. */
    let subject: { user: OrgUser; grant: Grant; org: OrgBody; other: OrgUser; key: string; keyId: string; mfa: Enrolled };

    const exportOf = (headers: Record<string, string>): Promise<LightMyRequestResponse> =>
      server.app.inject({ method: 'GET', url: '/api/v1/me/export', headers });

    beforeAll(async () => {
      instance = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(instance, { clock, env: { ...ADMIN_ENV, RAMPART_LOGIN_RATE_LIMIT: '1000' } });
      admin = await login(server.app);
      // Invited without a password: a set-password token, spent to set one.
      const email = `export-${Date.now()}@example.test`;
      const invited = await as(server.app, admin, 'POST', '/api/v1/users', { email, name: 'Export Subject' });
      expect(invited.statusCode, invited.body).toBe(201);
      const { id, set_password_token: token } = invited.json<{ id: string; set_password_token: string }>();
      const set = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password/set',
        payload: { token, password: MEMBER_PASSWORD },
      });
      expect(set.statusCode, set.body).toBe(204);
      const first = await login(server.app, email, MEMBER_PASSWORD);
      const user: OrgUser = { id, email, grant: first };
      const org = await createOrg(server.app, first);
      const other = await createUser(server.app, admin);
      await inviteMember(server.app, first, org.id, other, 'viewer');
      const issued = await as(server.app, first, 'POST', '/api/v1/api-keys', { name: 'ci', scopes: ['org.read'], org: org.id });
      expect(issued.statusCode, issued.body).toBe(201);
      const { key, id: keyId } = issued.json<{ key: string; id: string }>();
      const mfa = await enrol(server.app, first.access_token, clock);
      // A second sign-in from another device, through the second factor.
      const challenge = mfaTokenOf(await loginRequest(server.app, email, MEMBER_PASSWORD, { 'user-agent': 'ExportPhone/1.0' }));
      const verified = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/mfa/verify',
        headers: { 'user-agent': 'ExportPhone/1.0' },
        payload: { mfa_token: challenge, code: totpCode(mfa.secret, clock.now()) },
      });
      expect(verified.statusCode, verified.body).toBe(200);
      // That new device's alert, confirmed with its "this was me" link: a row in known_devices.
      const alert = await server.rampart.database.db
        .selectFrom('new_device_alerts')
        .select('event_id')
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      const links = new SecurityTokens(deriveKey(masterKeyOf(server.rampart.config), 'security-events'));
      const confirmed = await server.app.inject({
        method: 'POST',
        url: `/api/v1/auth/new-device/${links.link(alert.event_id, 'confirm')}`,
      });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      // A passkey (issue 18), registered through the API with a software authenticator.
      const passkeyOptions = await as(server.app, verified.json<Grant>(), 'POST', '/api/v1/me/passkeys/options');
      expect(passkeyOptions.statusCode, passkeyOptions.body).toBe(200);
      const authenticator = new SoftAuthenticator(server.rampart.config.webauthnOrigins[0] ?? '');
      const passkey = await as(server.app, verified.json<Grant>(), 'POST', '/api/v1/me/passkeys', {
        response: authenticator.create(passkeyOptions.json()),
      });
      expect(passkey.statusCode, passkey.body).toBe(201);
      // A linked external identity (issue 17), stored through the federation facade: no provider is asked.
      await server.rampart.facade('federation').oidc.identities.link({
        id: `ext_${'0'.repeat(31)}1`,
        userId: id,
        provider: 'oidc:export',
        subject: 'export-subject',
        email,
        emailVerified: true,
        now: clock.now(),
      });
      subject = { user, grant: verified.json<Grant>(), org, other, key, keyId, mfa };
    });
    afterAll(async () => {
      await server?.close();
      await instance?.cleanup();
    });

    it('is a JSON attachment named after the caller, never stored by caches', async () => {
      const response = await exportOf(bearer(subject.grant));
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['content-disposition']).toBe(`attachment; filename="rampart-export-${subject.user.id}.json"`);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('holds the account, memberships, every session, API keys, MFA state, sign-in challenges, devices and audit entries', async () => {
      const body = (await exportOf(bearer(subject.grant))).json<Exported>();
      expect(body).toMatchObject({ format: 'rampart.personal-data-export', version: 1 });
      expect(Date.parse(body.exported_at)).toBe(new Date(clock.now()).getTime());
      expect(body.account).toMatchObject({
        id: subject.user.id,
        email: subject.user.email,
        name: 'Export Subject',
        status: 'active',
        password_set: true,
        mfa: { enabled: true, recovery_codes: { total: 10, unused: 10 } },
      });
      expect(body.memberships).toEqual([{ org_id: subject.org.id, org_slug: subject.org.slug, role: 'owner' }]);
      const sessions = new Map(body.sessions.map((s) => [s.id, s]));
      expect(sessions.get(subject.grant.session_id)).toMatchObject({ current: true, user_agent: 'ExportPhone/1.0', revoked_at: null });
      // The first session (before MFA was enrolled) is listed too.
      expect(sessions.has(subject.user.grant.session_id)).toBe(true);
      expect(body.api_keys.map((k) => k.id)).toEqual([subject.keyId]);
      expect(subject.key.startsWith(body.api_keys[0]?.prefix ?? 'none')).toBe(true);
      expect(body.set_password_tokens).toHaveLength(1);
      expect(body.set_password_tokens[0]?.used_at).not.toBeNull();
      expect(body.mfa_challenges.some((c) => c.consumed_at !== null)).toBe(true);
      expect(body.known_devices.length).toBeGreaterThanOrEqual(2);
      expect(body.audit.truncated).toBe(false);
      expect(body.audit.limit).toBe(10_000);
      const actions = body.audit.entries.map((e) => e.action);
      for (const action of [
        'user.create',
        'user.password.set',
        'auth.login',
        'org.create',
        'invitation.create',
        'api_key.create',
        'mfa.totp.confirm',
      ])
        expect(actions, action).toContain(action);
      // Their own sign-ins: personal fields disclosed (they are the caller's).
      const signIn = body.audit.entries.find((e) => e.action === 'auth.login' && e.resource === subject.grant.session_id);
      expect(signIn).toMatchObject({ actor: { id: subject.user.id }, source_ip: '127.0.0.1' });
      expect(signIn?.withheld).toBeUndefined();
    });

    it("withholds another person's fields: the admin's request context, the other member's entries are not the caller's", async () => {
      const body = (await exportOf(bearer(subject.grant))).json<Exported>();
      // Created by the admin: the entry is about the caller, the request context is the admin's.
      const created = body.audit.entries.find((e) => e.action === 'user.create');
      expect(created).toMatchObject({ actor: { id: admin.user.id }, source_ip: null });
      expect(created?.withheld).toContain('source_ip');
      // The caller invited another member: the caller acted, so the request context is theirs.
      const added = body.audit.entries.find((e) => e.action === 'invitation.create');
      expect(added).toMatchObject({ actor: { id: subject.user.id }, source_ip: '127.0.0.1' });
      // Nothing of the other member's own activity.
      const text = JSON.stringify(body);
      expect(text).not.toContain(subject.other.email);
      expect(body.audit.entries.filter((e) => e.actor.id === subject.other.id)).toEqual([]);
    });

    it('contains no secret of the caller, in clear or hashed', async () => {
      const response = await exportOf(bearer(subject.grant));
      const text = response.body;
      const db = server.rampart.database.db;
      const id = subject.user.id;
      const stored = [
        (await db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash,
        (await db.selectFrom('mfa_totp').select('secret_sealed').where('user_id', '=', id).executeTakeFirstOrThrow()).secret_sealed,
        ...(await db.selectFrom('recovery_codes').select('code_hash').where('user_id', '=', id).execute()).map((r) => r.code_hash),
        ...(await db.selectFrom('password_tokens').select('token_hash').where('user_id', '=', id).execute()).map((r) => r.token_hash),
        ...(await db.selectFrom('api_keys').select('key_hash').where('user_id', '=', id).execute()).map((r) => r.key_hash),
        ...(await db.selectFrom('mfa_challenges').select('token_hash').where('user_id', '=', id).execute()).map((r) => r.token_hash),
        ...(
          await db
            .selectFrom('refresh_tokens')
            .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
            .select('refresh_tokens.token_hash')
            .where('sessions.user_id', '=', id)
            .execute()
        ).map((r) => r.token_hash),
      ];
      const secrets = [
        MEMBER_PASSWORD,
        subject.key,
        subject.mfa.secret,
        ...subject.mfa.recoveryCodes,
        subject.grant.refresh_token,
        subject.grant.access_token,
        subject.user.grant.refresh_token,
        ...stored,
      ];
      expect(secrets.length).toBeGreaterThan(20);
      for (const value of secrets) {
        expect(value, 'a stored value is missing').toBeTruthy();
        expect(text.includes(value ?? ''), 'the export holds a secret').toBe(false);
      }
      expect(text).not.toMatch(/\$argon2id\$|rk_[A-Za-z0-9_-]{20,}/);
    });

    it('every table with a user column is exported (with rows for this user) or excluded with a reason', async () => {
      const columns = await userColumns(server.rampart.database);
      const tables = [...new Set(columns.map((c) => c.table))];
      expect(tables.length).toBeGreaterThan(5);
      const unlisted = tables.filter((t) => !Object.hasOwn(EXPORTED, t) && !Object.hasOwn(EXCLUDED, t));
      expect(unlisted, 'add these tables to the export or to EXCLUDED with a reason').toEqual([]);
      expect(
        Object.keys(EXPORTED).filter((t) => !tables.includes(t)),
        'EXPORTED names tables the schema lacks',
      ).toEqual([]);
      const body = (await exportOf(bearer(subject.grant))).json<Record<string, unknown>>();
      for (const [table, path] of Object.entries(EXPORTED)) {
        const held = await Promise.all(
          columns.filter((c) => c.table === table).map((c) => rowsWith(server.rampart.database, c, subject.user.id)),
        );
        // audit_entries seals the actor under the subject: its rows are found by `subject`.
        expect(Math.max(...held), `${table} has rows of the subject (the test proves nothing otherwise)`).toBeGreaterThan(0);
        const part = section(body, path);
        expect(part, `${table} → ${path}`).toBeDefined();
        if (Array.isArray(part)) expect(part.length, `${table} → ${path}`).toBeGreaterThan(0);
      }
    });

    it('is audited as user.export', async () => {
      expect((await exportOf(bearer(subject.grant))).statusCode).toBe(200);
      const log = (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner;
      await log.integrate();
      const entries = await server.rampart.database.db
        .selectFrom('audit_entries')
        .select(['resource', 'result'])
        .where('action', '=', 'user.export')
        .execute();
      expect(entries.filter((e) => e.resource === subject.user.id && e.result === 'success').length).toBeGreaterThan(0);
    });

    it("reaches only the caller's own data: another user's export is theirs alone, and no path names a user", async () => {
      const mine = (await exportOf(bearer(subject.grant))).json<Exported>();
      const theirs = (await exportOf(bearer(subject.other.grant))).json<Exported>();
      expect(theirs.account.id).toBe(subject.other.id);
      expect(JSON.stringify(theirs)).not.toContain(subject.user.email);
      expect(theirs.api_keys).toEqual([]);
      expect(theirs.sessions.map((s) => s.id)).not.toContain(subject.grant.session_id);
      expect(mine.account.id).toBe(subject.user.id);
      // A query naming someone else is refused or ignored — never obeyed.
      const named = await server.app.inject({
        method: 'GET',
        url: `/api/v1/me/export?user_id=${subject.user.id}&id=${subject.user.id}`,
        headers: bearer(subject.other.grant),
      });
      expect(named.statusCode === 400 || named.json<Exported>().account.id === subject.other.id, named.body).toBe(true);
      expect(named.body).not.toContain(subject.user.email);
      for (const url of [`/api/v1/users/${subject.user.id}/export`, `/api/v1/me/export/${subject.user.id}`]) {
        expectProblem(await server.app.inject({ method: 'GET', url, headers: bearer(subject.other.grant) }), 'not_found');
      }
      expectProblem(await exportOf({}), 'unauthenticated');
    });

    it("hardening 12: an outsider's failed sign-in against the account shows in the export without the outsider's address or user agent", async () => {
      const victim = await createUser(server.app, admin);
      const attempt = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '203.0.113.9',
        headers: { 'user-agent': 'OutsiderAgent/6.6' },
        payload: { email: victim.email, password: 'a guess that is wrong, by someone else' },
      });
      expect(attempt.statusCode).toBe(401);
      // The log holds the outsider's request context (operators see it in the system org's listing)…
      await (server.rampart.audit as unknown as { inner: { integrate(): Promise<unknown> } }).inner.integrate();
      const subjects = new SqlAuditSubjects(auditSubjectKeyWrap(masterKeyOf(server.rampart.config)));
      const rows = await server.stored.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('subject', '=', victim.id)
        .where('action', '=', 'auth.login')
        .where('result', '=', 'failure')
        .execute();
      const read = await subjects.read(server.stored.db, rows);
      expect(read.map((entry) => (entry.dropped === undefined ? entry.disclosed : undefined))).toMatchObject([
        { sourceIp: '203.0.113.9', userAgent: 'OutsiderAgent/6.6' },
      ]);
      // …but the account holder's export shows the attempt without it.
      const response = await exportOf(bearer(victim.grant));
      expect(response.statusCode, response.body).toBe(200);
      const failed = response
        .json<Exported>()
        .audit.entries.filter((e) => e.action === 'auth.login' && (e as { result?: string }).result === 'failure');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ source_ip: null });
      expect(failed[0]).not.toHaveProperty('user_agent');
      expect(failed[0]?.withheld).toEqual(expect.arrayContaining(['source_ip', 'user_agent']));
      expect(response.body).not.toContain('203.0.113.9');
      expect(response.body).not.toContain('OutsiderAgent');
      // The holder's own sign-in keeps its context.
      const own = response
        .json<Exported>()
        .audit.entries.find((e) => e.action === 'auth.login' && e.actor.id === victim.id && e.withheld === undefined);
      expect(own?.source_ip).toBe('127.0.0.1');
    });

    it('bounds the audit part: the newest entries first, truncated when more exist than the limit', async () => {
      const subjects = new SqlAuditSubjects(auditSubjectKeyWrap(masterKeyOf(server.rampart.config)));
      const personal = new SqlAuditPersonalData(server.rampart.database.db, subjects);
      const all = await personal.auditEntries(subject.user.id, 10_000);
      expect(all.truncated).toBe(false);
      expect(all.entries.length).toBeGreaterThan(3);
      const three = await personal.auditEntries(subject.user.id, 3);
      expect(three).toEqual({ entries: all.entries.slice(0, 3), truncated: true });
      const indices = all.entries.map((e) => e.index as number);
      expect([...indices].sort((a, b) => b - a)).toEqual(indices);
    });

    it('answers at most 10 exports a minute to one caller (each can take seconds of work): 429 with Retry-After beyond', async () => {
      const caller = await createUser(server.app, admin);
      for (let i = 0; i < 10; i += 1) expect((await exportOf(bearer(caller.grant))).statusCode).toBe(200);
      const limited = await exportOf(bearer(caller.grant));
      expectProblem(limited, 'rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Another caller is not affected.
      expect((await exportOf(bearer(subject.other.grant))).statusCode).toBe(200);
    });

    it('refuses an API key and a service client with 403, giving nothing', async () => {
      expectProblem(await exportOf({ authorization: `Bearer ${subject.key}` }), 'forbidden');
      const created = await as(server.app, subject.grant, 'POST', `/api/v1/orgs/${subject.org.id}/clients`, {
        name: 'svc',
        scopes: ['members.read'],
        auth_method: 'client_secret_basic',
      });
      expect(created.statusCode, created.body).toBe(201);
      const { client_id: clientId, client_secret: clientSecret } = created.json<{ client_id: string; client_secret: string }>();
      const token = await server.app.inject({
        method: 'POST',
        url: '/api/v1/oauth/token',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        },
        payload: 'grant_type=client_credentials',
      });
      expect(token.statusCode, token.body).toBe(200);
      expectProblem(await exportOf({ authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` }), 'forbidden');
    });
  });
}
