/**
 * Every built-in role against the whole permission matrix, on every backend, through
 * `POST /api/v1/authz/check`. The expected matrix is written out here from the table
 * (Admin / Operator / Viewer / Auditor) and the spec's role text — not derived from the code — so
 * a change to a built-in role fails this test. An application permission (`vm.export`, registered
 * for operators) reaches owner, admin and operator only; platform permissions no org role grants.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_PERMISSIONS } from '../../src/tenancy/domain/permissions.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

const ALL = [...BUILTIN_PERMISSIONS, 'vm.export'];
const OPERATOR = [
  'org.read',
  'resources.read',
  'resources.write',
  'resources.export',
  'jobs.read',
  'jobs.run',
  'jobs.cancel',
  'providers.manage',
  'webhooks.manage',
  'artifacts.sign',
  'vm.export',
];
const VIEWER = ['org.read', 'resources.read', 'jobs.read'];
const EXPECTED: Readonly<Record<string, readonly string[]>> = {
  owner: ALL,
  admin: ALL.filter((p) => p !== 'org.delete'),
  operator: OPERATOR,
  viewer: VIEWER,
  auditor: [...VIEWER, 'audit.read'],
};

it('the matrix covers the issue table: admin manages users, keys, secrets, config; operator exports and cancels; only admin and auditor read audit', () => {
  expect(EXPECTED.admin).toEqual(
    expect.arrayContaining(['members.manage', 'api_keys.manage', 'secrets.manage', 'config.manage', 'audit.read']),
  );
  expect(EXPECTED.operator).toEqual(expect.arrayContaining(['resources.export', 'jobs.cancel', 'providers.manage']));
  for (const role of ['operator', 'viewer']) expect(EXPECTED[role]).not.toContain('audit.read');
});

for (const backend of await backends()) {
  describe(`the built-in role matrix on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    const holders = new Map<string, OrgUser>();

    beforeAll(async () => {
      store = await backend.create();
      server = await testServer(store, { env: ADMIN_ENV, permissions: [{ name: 'vm.export', grantedTo: ['operator'] }] });
      admin = await login(server.app);
      const created = await orgWithOwner(server.app, admin);
      org = created.org;
      holders.set('owner', created.owner);
      for (const role of ['admin', 'operator', 'viewer', 'auditor'])
        holders.set(role, await userWithRole(server.app, admin, created.owner.grant, org, role));
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    for (const role of Object.keys(EXPECTED)) {
      it(`${role}: allowed exactly its permissions, denied every other and every platform permission`, async () => {
        const user = holders.get(role)!;
        const answers: Record<string, boolean> = {};
        for (const permission of [...ALL, 'users.manage', 'metrics.read', 'vm.unregistered']) {
          const response = await as(server.app, user.grant, 'POST', '/api/v1/authz/check', { org: org.id, permission });
          expect(response.statusCode, response.body).toBe(200);
          answers[permission] = response.json<{ allowed: boolean }>().allowed;
        }
        const allowed = Object.keys(answers).filter((p) => answers[p]);
        expect(allowed.sort()).toEqual([...EXPECTED[role]!].sort());
      });
    }

    it('the effective-permissions route agrees with the matrix', async () => {
      for (const [role, user] of holders) {
        const response = await as(server.app, holders.get('owner')!.grant, 'GET', `/api/v1/orgs/${org.id}/members/${user.id}/permissions`);
        expect(response.json<{ permissions: { permission: string }[] }>().permissions.map((p) => p.permission)).toEqual(
          [...EXPECTED[role]!].sort(),
        );
      }
    });
  });
}
