/**
 * KEK rotation carries the signing keyring (issue 16 item 1: private halves sealed by the KEK), on
 * every backend: `rampart keys rotate-kek` — the real CLI for the master-key source, the composed
 * rotation for a real SoftHSM2 token — rewraps every Ed25519 seed under the new KEK, retires the
 * old KEK (and destroys its token object), and signing goes on with the SAME key id from a fresh
 * instance whose seeds can only be unwrapped under the new KEK. A rotation interrupted after its
 * new KEK was made, then run again, and a second rotation, strand nothing; a seed that fails its
 * authentication keeps its KEK alive instead of being lost.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pkcs11js from 'pkcs11js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { cleanEnv, startChild } from '../helpers/processes.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import { createSoftHsmToken, softhsmAvailable, type SoftHsmToken } from '../helpers/softhsm.js';
import { verifyBundle, type ArtifactBundle, type PinnedKeys } from '../../src/signing/verifier/index.js';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ARTIFACT = Buffer.from('the compiled artifact, signed across a KEK rotation\n');
const DIGEST = `sha256:${createHash('sha256').update(ARTIFACT).digest('hex')}`;
const hsm = softhsmAvailable();

interface SignAnswer {
  readonly key_id: string;
  readonly bundle: ArtifactBundle;
}

interface Keks {
  readonly states: readonly { readonly id: string; readonly state: string }[];
  readonly seeds: readonly { readonly id: string; readonly kek_id: string }[];
}

async function keks(server: TestServer): Promise<Keks> {
  const db = server.stored.db;
  return {
    states: await db.selectFrom('secret_keks').select(['id', 'state']).orderBy('created_at').orderBy('id').execute(),
    seeds: await db.selectFrom('signing_keyring').select(['id', 'kek_id']).orderBy('created_at').orderBy('id').execute(),
  };
}

/** The labels of the secret-key objects on the token, read with a session of this test's own. */
function tokenLabels(token: SoftHsmToken): string[] {
  const p11 = new pkcs11js.PKCS11();
  p11.load(token.module);
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
    const labels = handles.map((handle) => {
      const [label] = p11.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_LABEL }]);
      return (label?.value as Buffer).toString('utf8');
    });
    p11.C_CloseSession(session);
    return labels;
  } finally {
    if (initialised) p11.C_Finalize();
    p11.close();
  }
}

/** The leaf of the first entry of `action` once the integrator has it (PostgreSQL queues entries first). */
async function integrated(server: TestServer, action: string): Promise<{ leaf: string }> {
  for (let tries = 0; tries < 300; tries++) {
    const entry = await server.stored.db.selectFrom('audit_entries').select(['leaf']).where('action', '=', action).executeTakeFirst();
    if (entry !== undefined) return entry;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${action} entry was integrated`);
}

for (const backend of await backends()) {
  describe(`signing seeds across KEK rotation on ${backend.name}`, () => {
    let store: BackendInstance;
    const servers: TestServer[] = [];
    let token: SoftHsmToken | undefined;

    const start = async (env: Record<string, string> = {}): Promise<TestServer> => {
      const server = await testServer(store, { env: { ...ADMIN_ENV, ...env } });
      servers.push(server);
      return server;
    };
    const sign = async (server: TestServer, org: OrgBody, owner: OrgUser): Promise<SignAnswer> => {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/artifacts/sign`, {
        digest: DIGEST,
        name: 'compiler.tar.gz',
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<SignAnswer>();
    };
    const pinned = async (server: TestServer): Promise<PinnedKeys> =>
      (await server.app.inject({ method: 'GET', url: '/api/v1/artifacts/keys' })).json<PinnedKeys>();
    /** A signer with its org, and one signature made before any rotation. */
    const signer = async (server: TestServer) => {
      const admin: Grant = await login(server.app);
      const { org, owner } = await orgWithOwner(server.app, admin);
      return { org, owner, first: await sign(server, org, owner) };
    };

    beforeAll(() => {
      if (hsm) token = createSoftHsmToken('rampart-signing-kek');
    });
    afterAll(() => token?.cleanup());

    beforeEach(async () => {
      store = await backend.create();
    });

    afterEach(async () => {
      for (const server of servers.splice(0)) await server.close();
      await store?.cleanup();
    });

    it('signing 1: rampart keys rotate-kek (master key, the CLI) rewraps the seeds; the same key id signs afterwards', async () => {
      let server = await start();
      const { org, owner, first } = await signer(server);
      const before = await keks(server);
      const oldKek = before.states.find((kek) => kek.state === 'active')?.id ?? '';
      expect(before.seeds.map((seed) => seed.kek_id)).toEqual([oldKek]);

      const child = startChild(process.execPath, ['--import', TSX, MAIN, 'keys', 'rotate-kek', '--json'], {
        cwd: ROOT,
        env: cleanEnv({ ...store.env, ...ADMIN_ENV, RAMPART_LOG_LEVEL: 'warn' }),
      });
      expect((await child.exited).code, child.stderr()).toBe(0);
      const result = await child.waitForJson((line) => 'kek' in line, 'the result');
      expect(result).toMatchObject({ resumed: false, failed: 0, holders: { signing: { rewrapped: 1, failed: 0 } }, retired: [oldKek] });

      const after = await keks(server);
      const newKek = String(result.kek);
      expect(after.states).toEqual([
        { id: oldKek, state: 'retired' },
        { id: newKek, state: 'active' },
      ]);
      expect(after.seeds).toEqual([{ id: first.key_id, kek_id: newKek }]);
      // The audit entry names the holders' work (on PostgreSQL it is integrated within seconds).
      const entry = await integrated(server, 'secrets.kek.rotate');
      expect(JSON.parse(entry.leaf)).toMatchObject({ details: { holders: { signing: { rewrapped: 1, failed: 0 } }, retired: [oldKek] } });

      // A fresh instance (no seed cached) unwraps under the new KEK and signs with the same key.
      await server.close();
      servers.splice(servers.indexOf(server), 1);
      server = await start();
      const second = await sign(server, org, owner);
      expect(second.key_id).toBe(first.key_id);
      expect(verifyBundle(second.bundle, { digest: DIGEST, keys: await pinned(server) })).toMatchObject({ valid: true });
    }, 120_000);

    describe.runIf(hsm)('with a PKCS#11 KEK (SoftHSM2)', () => {
      it('signing 1: the rotation rewraps the seeds in the token and destroys the old KEK object; the same key id signs', async () => {
        const env = token?.env ?? {};
        const server = await start(env);
        const { org, owner, first } = await signer(server);
        const oldKek = (await keks(server)).states.find((kek) => kek.state === 'active')?.id ?? '';
        expect(tokenLabels(token as SoftHsmToken)).toContain(`rampart-kek-${oldKek}`);

        const result = await server.rampart.secrets.rotation.rotate();
        expect(result).toMatchObject({ failed: 0, holders: { signing: { rewrapped: 1, failed: 0 } }, retired: [oldKek] });
        expect((await keks(server)).seeds).toEqual([{ id: first.key_id, kek_id: result.kek }]);
        const labels = tokenLabels(token as SoftHsmToken);
        expect(labels).toContain(`rampart-kek-${result.kek}`);
        expect(labels, 'the old KEK object is destroyed').not.toContain(`rampart-kek-${oldKek}`);

        // A second instance has no seed cached: it can only unwrap under the new token key.
        const fresh = await start(env);
        const second = await sign(fresh, org, owner);
        expect(second.key_id).toBe(first.key_id);
        expect(verifyBundle(second.bundle, { digest: DIGEST, keys: await pinned(fresh) })).toMatchObject({ valid: true });
      }, 120_000);

      it('signing 1: a rotation interrupted after its new KEK was made resumes, and a second rotation strands nothing', async () => {
        const env = token?.env ?? {};
        const server = await start(env);
        const { org, owner, first } = await signer(server);
        const secrets = server.rampart.secrets;
        const oldKek = (await keks(server)).states.find((kek) => kek.state === 'active')?.id ?? '';
        // What step 1 of a rotation leaves when the process dies right after it: a new active KEK, the old one retiring.
        const interrupted = 'kek_interruptedrotation01';
        await secrets.kek.create(interrupted);
        await secrets.keks.addKek(interrupted, secrets.kek.source, Date.now());

        const resumed = await secrets.rotation.rotate();
        expect(resumed).toMatchObject({ kek: interrupted, resumed: true, failed: 0, retired: [oldKek] });
        expect(resumed.holders.signing?.rewrapped).toBe(1);
        const again = await secrets.rotation.rotate();
        expect(again).toMatchObject({ resumed: false, failed: 0, retired: [interrupted] });

        const after = await keks(server);
        expect(after.states.filter((kek) => kek.state !== 'retired')).toEqual([{ id: again.kek, state: 'active' }]);
        expect(after.seeds).toEqual([{ id: first.key_id, kek_id: again.kek }]);
        expect(
          tokenLabels(token as SoftHsmToken).filter((label) => label === `rampart-kek-${oldKek}` || label === `rampart-kek-${interrupted}`),
        ).toEqual([]);
        const fresh = await start(env);
        expect((await sign(fresh, org, owner)).key_id).toBe(first.key_id);
      }, 120_000);

      it('signing 1: a seed that fails its authentication keeps its KEK (not retired, token object kept), and nothing else is lost', async () => {
        const env = token?.env ?? {};
        const server = await start(env);
        const { first } = await signer(server);
        const oldKek = (await keks(server)).states.find((kek) => kek.state === 'active')?.id ?? '';
        const stored = await server.stored.db.selectFrom('signing_keyring').select(['wrapped_seed']).executeTakeFirstOrThrow();
        const tampered = Buffer.from(stored.wrapped_seed, 'base64');
        tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 0x01;
        await server.stored.db
          .updateTable('signing_keyring')
          .set({ wrapped_seed: tampered.toString('base64') })
          .where('id', '=', first.key_id)
          .execute();

        const result = await server.rampart.secrets.rotation.rotate();
        expect(result).toMatchObject({ failed: 1, holders: { signing: { rewrapped: 0, failed: 1 } }, retired: [] });
        const after = await keks(server);
        expect(after.states).toEqual([
          { id: oldKek, state: 'retiring' },
          { id: result.kek, state: 'active' },
        ]);
        expect(after.seeds).toEqual([{ id: first.key_id, kek_id: oldKek }]);
        expect(tokenLabels(token as SoftHsmToken)).toContain(`rampart-kek-${oldKek}`);
      }, 120_000);
    });
  });
}
