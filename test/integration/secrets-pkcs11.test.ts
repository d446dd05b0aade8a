/**
 * The PKCS#11 KEK source against a real SoftHSM2 token, on every backend: the
 * KEK is generated in the token, sensitive and not extractable; data keys are wrapped by the token
 * (the database holds only wrapped keys); a KEK rotation while the server serves moves every data
 * key to a new token key and destroys the old one; a wrapped key moved to another org is refused
 * by the token's authentication.
 */
import * as pkcs11js from 'pkcs11js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { createSoftHsmToken, softhsmAvailable, type SoftHsmToken } from '../helpers/softhsm.js';

const available = softhsmAvailable();

/** Reads the token with a session of its own: the KEK objects' labels and whether their value can be read. */
function tokenKeys(token: SoftHsmToken): { label: string; sensitive: boolean; extractable: boolean; valueReadable: boolean }[] {
  const p11 = new pkcs11js.PKCS11();
  p11.load(token.module);
  // The server under test has initialised the library in this process already: share it.
  let initialised = false;
  try {
    p11.C_Initialize();
    initialised = true;
  } catch (error) {
    if (!(error instanceof pkcs11js.Pkcs11Error) || error.code !== pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED) throw error;
  }
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === token.label);
    if (slot === undefined) throw new Error('token not found');
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      p11.C_Login(session, pkcs11js.CKU_USER, token.pin);
    } catch (error) {
      if (!(error instanceof pkcs11js.Pkcs11Error) || error.code !== pkcs11js.CKR_USER_ALREADY_LOGGED_IN) throw error;
    }
    p11.C_FindObjectsInit(session, [{ type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY }]);
    const handles = p11.C_FindObjects(session, 100);
    p11.C_FindObjectsFinal(session);
    const found = handles.map((handle) => {
      const [label, sensitive, extractable] = p11.C_GetAttributeValue(session, handle, [
        { type: pkcs11js.CKA_LABEL },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_EXTRACTABLE },
      ]);
      let valueReadable = true;
      try {
        p11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_VALUE }]);
      } catch {
        valueReadable = false;
      }
      return {
        label: String((label?.value as Buffer).toString('utf8')),
        sensitive: (sensitive?.value as Buffer)[0] === 1,
        extractable: (extractable?.value as Buffer)[0] === 1,
        valueReadable,
      };
    });
    p11.C_CloseSession(session);
    return found;
  } finally {
    if (initialised) p11.C_Finalize();
    p11.close();
  }
}

for (const backend of await backends()) {
  describe.runIf(available)(`PKCS#11 KEK (SoftHSM2) on ${backend.name}`, () => {
    let token: SoftHsmToken;
    let store: BackendInstance;
    let server: TestServer;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let other: { org: OrgBody; owner: OrgUser };
    const url = (o: OrgBody, name = '') => `/api/v1/orgs/${o.slug}/secrets${name === '' ? '' : `/${name}`}`;

    beforeAll(() => {
      token = createSoftHsmToken();
    });
    afterAll(() => token?.cleanup());

    beforeEach(async () => {
      store = await backend.create();
      server = await testServer(store, { env: { ...ADMIN_ENV, ...token.env }, audit: new MemoryAuditLog() });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      other = await orgWithOwner(server.app, admin);
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('wraps data keys in the token with a KEK that is sensitive and never extractable', async () => {
      expect(server.rampart.secrets.kek.describe()).toMatchObject({ source: 'pkcs11', token: token.label });
      expect((await as(server.app, owner.grant, 'PUT', url(org, 'hsm-backed'), { value: 'in-the-token' })).statusCode).toBe(200);
      expect((await as(server.app, owner.grant, 'POST', url(org, 'hsm-backed/reveal'), {})).json()).toEqual({
        value: 'in-the-token',
        version: 1,
      });
      const keks = await server.stored.db.selectFrom('secret_keks').selectAll().where('state', '=', 'active').execute();
      expect(keks).toEqual([expect.objectContaining({ source: 'pkcs11' })]);
      const objects = tokenKeys(token).filter((o) => o.label === `rampart-kek-${keks[0]?.id}`);
      expect(objects).toEqual([{ label: `rampart-kek-${keks[0]?.id}`, sensitive: true, extractable: false, valueReadable: false }]);
    });

    it('rotates the KEK while serving: every secret still reveals, the old token key is destroyed', async () => {
      for (let i = 0; i < 5; i += 1) {
        for (const target of [{ org, owner }, other]) {
          expect(
            (await as(server.app, target.owner.grant, 'PUT', url(target.org, `s${i}`), { value: `v${i}-${target.org.slug}` })).statusCode,
          ).toBe(200);
        }
      }
      const before = (await server.stored.db.selectFrom('secret_keks').select('id').where('state', '=', 'active').executeTakeFirstOrThrow())
        .id;
      // Reads go on during the rotation.
      const reads = Promise.all(
        Array.from({ length: 10 }, (_, i) => as(server.app, owner.grant, 'POST', url(org, `s${i % 5}/reveal`), {})),
      );
      const result = await server.rampart.secrets.rotation.rotate();
      for (const response of await reads) expect(response.statusCode, response.body).toBe(200);
      expect(result.kek).not.toBe(before);
      expect(result.rewrapped).toBe(2);
      expect(result.retired).toEqual([before]);
      server.rampart.secrets.service.forgetKeys();
      for (let i = 0; i < 5; i += 1) {
        for (const target of [{ org, owner }, other]) {
          const response = await as(server.app, target.owner.grant, 'POST', url(target.org, `s${i}/reveal`), {});
          expect(response.json()).toEqual({ value: `v${i}-${target.org.slug}`, version: 1 });
        }
      }
      const labels = tokenKeys(token).map((o) => o.label);
      expect(labels).toContain(`rampart-kek-${result.kek}`);
      expect(labels).not.toContain(`rampart-kek-${before}`);
    });

    it('refuses, in the token, a wrapped data key copied to another org', async () => {
      await as(server.app, owner.grant, 'PUT', url(org, 'a'), { value: 'org-a-secret' });
      await as(server.app, other.owner.grant, 'PUT', url(other.org, 'a'), { value: 'org-b-secret' });
      const db = server.stored.db;
      const keyA = await db.selectFrom('secret_data_keys').selectAll().where('org_id', '=', org.id).executeTakeFirstOrThrow();
      await db.updateTable('secret_data_keys').set({ wrapped: keyA.wrapped }).where('org_id', '=', other.org.id).execute();
      server.rampart.secrets.service.forgetKeys();
      expectProblem(await as(server.app, other.owner.grant, 'POST', url(other.org, 'a/reveal'), {}), 'secret_integrity_failed');
      expect((await as(server.app, owner.grant, 'POST', url(org, 'a/reveal'), {})).json()).toEqual({ value: 'org-a-secret', version: 1 });
    });
  });
}
