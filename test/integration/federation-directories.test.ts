/**
 * Issue 17 items 3 and 4: sign-in with an LDAP directory (a real OpenLDAP slapd seeded from
 * test/fixtures/ldap/seed.ldif) and with the system's PAM stack (pam_unix, a local user made by
 * scripts/services.sh), on SQLite and PostgreSQL. Attack cases — LDAP filter injection in the
 * username, an empty password (an anonymous bind succeeds on LDAP), a disabled directory account
 * — check the refusal and that nothing was provisioned or kept.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { DomainError } from '../../src/kernel/domain/errors.js';
import type { AuditEvent, AuditLog } from '../../src/kernel/ports/audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { PAM_TEST_SERVICE, pamUser, slapd, type Slapd } from '../helpers/directories.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, me, refreshRequest, type Grant } from '../helpers/identity.js';
import { enrol } from '../helpers/mfa.js';
import { as, createOrg, uniqueSlug } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ldap: Slapd | undefined = await slapd();
const pam = pamUser();
const PEOPLE = 'ou=people,dc=rampart,dc=test';
const GROUPS = 'ou=groups,dc=rampart,dc=test';
const ADMINS = `cn=rampart-admins,${GROUPS}`;
const DEVS = `cn=rampart-devs,${GROUPS}`;
const PAM_DOMAIN = 'pam.rampart.test';

afterAll(() => ldap?.stop());

/** An audit log that refuses every entry while `refusing` is set (the log's store is down). */
class SwitchableAudit implements AuditLog {
  readonly memory = new MemoryAuditLog();
  refusing = false;
  record(event: AuditEvent): Promise<void> {
    if (this.refusing) return Promise.reject(new DomainError('audit_unavailable', 'The audit log cannot record'));
    return this.memory.record(event);
  }
  events(): readonly AuditEvent[] {
    return this.memory.events();
  }
}

async function asRoot<T>(work: (client: Client) => Promise<T>): Promise<T> {
  if (ldap === undefined) throw new Error('no slapd');
  const client = new Client({ url: ldap.url });
  try {
    await client.bind(ldap.rootDn, ldap.rootPassword);
    return await work(client);
  } finally {
    await client.unbind();
  }
}

/** A new person in the directory (a unique uid), optionally in `groups`; answers its uid and password. */
async function addPerson(groups: readonly string[] = []): Promise<{ uid: string; password: string; dn: string }> {
  const uid = `p${randomBytes(5).toString('hex')}`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const dn = `uid=${uid},${PEOPLE}`;
  await asRoot(async (client) => {
    await client.add(dn, {
      objectClass: 'inetOrgPerson',
      uid,
      cn: `Person ${uid}`,
      sn: uid,
      mail: `${uid}@rampart.test`,
      userPassword: password,
    });
    for (const group of groups) {
      await client.modify(group, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }));
    }
  });
  return { uid, password, dn };
}

function ldapLogin(
  app: FastifyInstance,
  username: string,
  password: string,
  extra: Record<string, unknown> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/v1/auth/ldap/corp/login', payload: { username, password, ...extra } });
}

for (const backend of await backends()) {
  describe.skipIf(ldap === undefined)(`LDAP and PAM sign-in on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: SwitchableAudit;
    let clock: FakeClock;
    let admin: Grant;
    const slug = uniqueSlug('dir');

    /** The accounts whose email is at the test directory's domain. */
    async function directoryAccounts(): Promise<string[]> {
      const rows = await server.stored.db.selectFrom('users').select('email').where('email', 'like', '%@rampart.test').execute();
      return rows.map((row) => row.email).sort();
    }

    async function membersOf(): Promise<Record<string, string>> {
      const response = await as(server.app, admin, 'GET', `/api/v1/orgs/${slug}/members`);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json<{ items: { email: string; role: string }[] }>();
      return Object.fromEntries(body.items.map((member) => [member.email, member.role]));
    }

    beforeAll(async () => {
      if (ldap === undefined) return;
      store = await backend.create();
      audit = new SwitchableAudit();
      clock = new FakeClock(Date.UTC(2026, 0, 1, 12));
      const directories = [
        {
          name: 'corp',
          url: ldap.url,
          bind_dn: ldap.bindDn,
          bind_password: ldap.bindPassword,
          base_dn: ldap.baseDn,
          group_base_dn: ldap.groupBaseDn,
          group_roles: [
            { group: ADMINS, org: slug, role: 'admin' },
            { group: DEVS, org: slug, role: 'operator' },
          ],
        },
      ];
      server = await testServer(store, {
        audit,
        clock,
        env: {
          ...ADMIN_ENV,
          RAMPART_LDAP_DIRECTORIES: JSON.stringify(directories),
          RAMPART_LOGIN_RATE_LIMIT: '1000',
          RAMPART_LOGIN_ACCOUNT_LIMIT: '1000',
          ...(pam === undefined ? {} : { RAMPART_PAM_SERVICE: PAM_TEST_SERVICE, RAMPART_PAM_EMAIL_DOMAIN: PAM_DOMAIN }),
        },
      });
      admin = await login(server.app);
      await createOrg(server.app, admin, slug);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('federation 3: an LDAP sign-in provisions the account, links the entry and answers a session', async () => {
      const first = await ldapLogin(server.app, 'alice', 'alice-Pass-1865');
      expect(first.statusCode, first.body).toBe(200);
      const grant = first.json<Grant>();
      expect(grant.user.email).toBe('alice@rampart.test');
      const mine = await me(server.app, grant.access_token);
      expect(mine.statusCode).toBe(200);
      expect(mine.json()).toMatchObject({ user: { email: 'alice@rampart.test', name: 'Alice Liddell' } });
      const links = await server.stored.db.selectFrom('external_identities').selectAll().where('user_id', '=', grant.user.id).execute();
      expect(links).toHaveLength(1);
      expect(links[0]).toMatchObject({ provider: 'ldap:corp' });
      // The link is the directory's stable id (entryUUID), never the login name.
      expect(links[0]?.subject).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);

      const again = await ldapLogin(server.app, 'alice', 'alice-Pass-1865');
      expect(again.json<Grant>().user.id).toBe(grant.user.id);
      const mineLogins = audit.events().filter((e) => e.action === 'auth.login' && e.subject === grant.user.id);
      expect(mineLogins.map((e) => e.details?.first_factor)).toEqual(['ldap:corp', 'ldap:corp']);
      expect(audit.events().filter((e) => e.action === 'directory.account_provision' && e.subject === grant.user.id)).toHaveLength(1);
      expect(JSON.stringify(audit.events())).not.toContain('alice-Pass-1865');
    });

    it('federation 3: the group mapping sets, changes and removes the org role', async () => {
      await ldapLogin(server.app, 'alice', 'alice-Pass-1865');
      await ldapLogin(server.app, 'bob', 'bob-Pass-1999');
      // alice is in both groups: the first mapping in configuration order wins.
      expect(await membersOf()).toMatchObject({ 'alice@rampart.test': 'admin', 'bob@rampart.test': 'operator' });

      const person = await addPerson([DEVS]);
      expect((await ldapLogin(server.app, person.uid, person.password)).statusCode).toBe(200);
      expect((await membersOf())[`${person.uid}@rampart.test`]).toBe('operator');
      await asRoot((client) =>
        client.modify(DEVS, new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [person.dn] }) })),
      );
      expect((await ldapLogin(server.app, person.uid, person.password)).statusCode).toBe(200);
      expect(await membersOf()).not.toHaveProperty(`${person.uid}@rampart.test`);
      const syncs = audit.events().filter((e) => e.action === 'directory.membership_sync' && e.details?.username === person.uid);
      expect(syncs.map((e) => [e.details?.before, e.details?.after])).toEqual([
        [null, 'operator'],
        ['operator', null],
      ]);
    });

    it('federation 3: a wrong password, an unknown user and an empty password are one 401, nothing provisioned', async () => {
      const before = await directoryAccounts();
      const person = await addPerson();
      expectProblem(await ldapLogin(server.app, person.uid, 'not-the-password'), 'invalid_credentials');
      expectProblem(await ldapLogin(server.app, 'nobody-here', 'whatever'), 'invalid_credentials');
      // An empty password would be an anonymous bind, which LDAP answers with success.
      expectProblem(await ldapLogin(server.app, person.uid, ''), 'invalid_credentials');
      expect(await directoryAccounts()).toEqual(before);
      const reasons = audit
        .events()
        .filter((e) => e.action === 'directory.login')
        .map((e) => e.reason);
      expect(reasons).toEqual(expect.arrayContaining(['wrong_password', 'unknown_account', 'empty_password']));
      // An unknown name is kept only as a keyed digest: it may be a password typed in the wrong field.
      const unknown = audit.events().find((e) => e.reason === 'unknown_account');
      expect(JSON.stringify(unknown)).not.toContain('nobody-here');
    });

    it('federation 3: LDAP filter injection in the username is refused and provisions nothing', async () => {
      const before = await directoryAccounts();
      const attempts = ['*', ')(uid=*', 'admin)(|(uid=*', 'alice)(uid=*', '*)(objectClass=*', 'al*', 'alice\\29', '\\2a', 'alice\u0000'];
      for (const username of attempts) {
        for (const password of ['alice-Pass-1865', 'admin-Pass-0001', 'x']) {
          expectProblem(await ldapLogin(server.app, username, password), 'invalid_credentials');
        }
      }
      expect(await directoryAccounts()).toEqual(before);
    });

    it('federation 3: names with LDAP metacharacters sign in as themselves', async () => {
      const people: [string, string, string][] = [
        ['star*user', 'star-Pass-4515', 'star@rampart.test'],
        ['paren(user)', 'paren-Pass-4515', 'paren@rampart.test'],
        ['back\\slash', 'back-Pass-4515', 'backslash@rampart.test'],
        ['comma,plus+user', 'comma-Pass-4514', 'commaplus@rampart.test'],
        ['nul\\00user', 'nul-Pass-4515', 'nulish@rampart.test'],
      ];
      for (const [username, password, email] of people) {
        const response = await ldapLogin(server.app, username, password);
        expect(response.statusCode, `${username}: ${response.body}`).toBe(200);
        expect(response.json<Grant>().user.email).toBe(email);
      }
      // A wildcard-looking name matches only itself: star*user's password is no use for "star*".
      expectProblem(await ldapLogin(server.app, 'star*', 'star-Pass-4515'), 'invalid_credentials');
    });

    it('federation 3: a disabled directory account is refused at its next sign-in and its sessions are revoked', async () => {
      expectProblem(await ldapLogin(server.app, 'carol', 'carol-Pass-2001'), 'invalid_credentials');
      const person = await addPerson();
      const first = await ldapLogin(server.app, person.uid, person.password);
      expect(first.statusCode).toBe(200);
      const grant = first.json<Grant>();
      await asRoot((client) =>
        client.modify(
          person.dn,
          new Change({ operation: 'add', modification: new Attribute({ type: 'pwdAccountLockedTime', values: ['000001010000Z'] }) }),
        ),
      );
      expectProblem(await ldapLogin(server.app, person.uid, person.password), 'invalid_credentials');
      expectProblem(await me(server.app, grant.access_token), 'session_revoked');
      expect((await refreshRequest(server.app, grant.refresh_token)).statusCode).toBe(401);
      const entries = audit.events().filter((e) => e.subject === grant.user.id);
      expect(entries.map((e) => `${e.action}:${e.result}:${e.reason ?? ''}`)).toEqual(
        expect.arrayContaining(['directory.account_disable:success:', 'directory.login:failure:disabled']),
      );
    });

    it('federation 3: MFA is still enforced after an LDAP sign-in', async () => {
      const person = await addPerson();
      const grant = (await ldapLogin(server.app, person.uid, person.password)).json<Grant>();
      await enrol(server.app, grant.access_token, clock);
      const next = await ldapLogin(server.app, person.uid, person.password);
      expect(next.statusCode).toBe(200);
      expect(next.json()).toMatchObject({ mfa_required: true });
      expect(next.json()).not.toHaveProperty('access_token');
    });

    it('federation 3: an unknown directory name is 404', async () => {
      const response = await server.app.inject({
        method: 'POST',
        url: '/api/v1/auth/ldap/other/login',
        payload: { username: 'alice', password: 'x' },
      });
      expectProblem(response, 'not_found');
    });

    it('federation 4: a directory sign-in that cannot be audited does not happen', async () => {
      const person = await addPerson();
      const before = await directoryAccounts();
      audit.refusing = true;
      try {
        expectProblem(await ldapLogin(server.app, person.uid, person.password), 'audit_unavailable');
      } finally {
        audit.refusing = false;
      }
      expect(await directoryAccounts()).toEqual(before);
    });

    it.skipIf(pam === undefined)(
      'federation 4: a PAM sign-in through pam_unix provisions the account; a wrong password is 401',
      async () => {
        if (pam === undefined) return;
        const url = '/api/v1/auth/pam/login';
        const ok = await server.app.inject({ method: 'POST', url, payload: { username: pam.username, password: pam.password } });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json<Grant>().user.email).toBe(`${pam.username}@${PAM_DOMAIN}`);
        const wrong = await server.app.inject({ method: 'POST', url, payload: { username: pam.username, password: `${pam.password}x` } });
        expectProblem(wrong, 'invalid_credentials');
        // A name that would be an option of the helper never reaches it.
        const option = await server.app.inject({ method: 'POST', url, payload: { username: '-v', password: pam.password } });
        expectProblem(option, 'invalid_credentials');
        const logins = audit.events().filter((e) => e.action === 'auth.login' && e.details?.first_factor === 'pam');
        expect(logins.map((e) => e.result)).toEqual(['success']);
        expect(JSON.stringify(audit.events())).not.toContain(pam.password);
      },
    );
  });
}

describe.skipIf(ldap === undefined)('directory doctor checks', () => {
  it('federation 4: the doctor binds to each directory and checks the PAM service file', async () => {
    if (ldap === undefined) return;
    const { directoryDoctorChecks } = await import('../../src/federation/directories/doctor.js');
    const { loadConfig } = await import('../../src/config.js');
    const directory = { name: 'corp', url: ldap.url, bind_dn: ldap.bindDn, base_dn: ldap.baseDn };
    const config = (password: string, pamService: string): ReturnType<typeof loadConfig> =>
      loadConfig({
        env: {
          RAMPART_PUBLIC_URL: 'https://rampart.example.test',
          RAMPART_LDAP_DIRECTORIES: JSON.stringify([{ ...directory, bind_password: password }]),
          RAMPART_PAM_SERVICE: pamService,
          RAMPART_PAM_EMAIL_DOMAIN: 'example.test',
        },
      });
    const good = await directoryDoctorChecks(config(ldap.bindPassword, PAM_TEST_SERVICE));
    expect(good.find((check) => check.name === 'ldap corp service bind')?.status).toBe('pass');
    expect(good.find((check) => check.name === 'ldap corp tls')?.status).toBe('warn');
    const bad = await directoryDoctorChecks(config('not-the-password', 'rampart-no-such-service'));
    expect(bad.find((check) => check.name === 'ldap corp service bind')).toMatchObject({ status: 'fail' });
    expect(JSON.stringify(bad)).not.toContain('not-the-password');
    expect(bad.find((check) => check.name === 'pam service')?.status).toBe('fail');
  });
});

describe('directory routes without directories', () => {
  it('federation 3: an unconfigured LDAP directory or PAM is 404 and stores nothing', async () => {
    const server = await testServer({ env: { RAMPART_DATA_DIR: join(mkdtempSync(join(tmpdir(), 'rampart-dir-')), 'data'), ...ADMIN_ENV } });
    try {
      const payload = { username: 'alice', password: 'alice-Pass-1865' };
      expectProblem(await server.app.inject({ method: 'POST', url: '/api/v1/auth/ldap/corp/login', payload }), 'not_found');
      expectProblem(await server.app.inject({ method: 'POST', url: '/api/v1/auth/pam/login', payload }), 'not_found');
      expect(await server.stored.db.selectFrom('users').select('email').where('email', 'like', '%@rampart.test').execute()).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
