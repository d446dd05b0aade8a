/**
 * Licences through the real server on SQLite and PostgreSQL (issue 16 item 4): issuing a signed
 * key shown once, activation up to the limit (the same installation twice is idempotent), status
 * checks with a fresh token, revocation, deactivation, and the refusals — a tampered key (its check
 * group, then its signature), an expired or not yet valid licence, the token of another licence, a
 * replayed deactivation, forged tokens (another key, `alg: none`, a modified payload), another
 * org's licence ids (404). Each refusal is checked with the state read back and its audit entry;
 * the key is never stored in clear (every table is scanned for it).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryAuditLog } from '../../src/kernel/adapters/memory/memory-audit-log.js';
import { base32Decode, base32Encode } from '../../src/licences/client/base32.js';
import { formatLicenceKey, parseLicenceKey } from '../../src/licences/client/licence-key-text.js';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';

interface Issued {
  id: string;
  licence_key: string;
  max_activations: number;
  key_id: string;
}
interface Answer {
  valid: boolean;
  revoked: boolean;
  token?: string;
  activation_id?: string;
  refresh_after: string | null;
}

const DAY = 86_400_000;

/** `key` with one character of its body changed, and its check group left as it was. */
function typo(key: string): string {
  const at = 10;
  const swapped = key[at] === 'A' ? 'B' : 'A';
  return `${key.slice(0, at)}${swapped}${key.slice(at + 1)}`;
}

/** `key` with one signature byte changed and a check group recomputed to match: only the server can tell. */
function forgedSignature(key: string): string {
  const parsed = parseLicenceKey(key);
  if (!parsed.ok) throw new Error('not a key');
  const signature = Buffer.from(parsed.key.signature);
  signature[10] = (signature[10] ?? 0) ^ 1;
  return formatLicenceKey(parsed.key.licenceId, signature);
}

function b64(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function splitToken(token: string): { header: Record<string, unknown>; claims: Record<string, unknown>; signature: string } {
  const [h, p, s] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    claims: JSON.parse(Buffer.from(p, 'base64url').toString()),
    signature: s,
  };
}

for (const backend of await backends()) {
  describe(`licences on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let audit: MemoryAuditLog;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    let other: { org: OrgBody; owner: OrgUser };

    const issue = async (body: object = {}): Promise<Issued> => {
      const response = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences`, {
        product: 'compiler',
        max_activations: 2,
        ...body,
      });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<Issued>();
    };
    const activate = (key: string, installation: string) =>
      server.app.inject({ method: 'POST', url: '/api/v1/licences/activate', payload: { licence_key: key, installation_id: installation } });
    const status = (id: string, token: string, app = server.app) =>
      app.inject({ method: 'GET', url: `/api/v1/licences/${id}/status`, headers: { authorization: `Bearer ${token}` } });
    const deactivate = (id: string, token: string) =>
      server.app.inject({ method: 'POST', url: `/api/v1/licences/${id}/deactivate`, headers: { authorization: `Bearer ${token}` } });
    const liveActivations = async (id: string): Promise<number> => {
      const row = await server.stored.db
        .selectFrom('licence_activations')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('licence_id', '=', id)
        .where('deactivated_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    const refusals = (action: string, reason: string) =>
      audit.events().filter((e) => e.action === action && e.result === 'failure' && e.reason === reason);

    beforeAll(async () => {
      store = await backend.create();
      audit = new MemoryAuditLog();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: ADMIN_ENV, audit, clock });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
      other = await orgWithOwner(server.app, admin);
    });

    afterAll(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('licences 4: a licence is issued with its key shown once; only its hash is stored, and it is audited with an event', async () => {
      const licence = await issue({ features: ['b', 'a', 'a'] });
      expect(licence.licence_key).toMatch(/^RLK1(-[A-Z2-7]{8}){17}$/);
      expect(licence.id).toMatch(/^lic_[0-9a-f]{32}$/);
      const read = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/licences/${licence.id}`);
      expect(read.json()).toMatchObject({ id: licence.id, features: ['a', 'b'], activations_in_use: 0 });
      expect(read.body).not.toContain(licence.licence_key);
      const list = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/licences?limit=200`);
      expect(list.json<{ items: { id: string }[]; next_cursor: string | null }>().items.map((l) => l.id)).toContain(licence.id);
      expect(audit.events().some((e) => e.action === 'licence.issue' && e.resource === licence.id && e.result === 'success')).toBe(true);
      expect(JSON.stringify(audit.events())).not.toContain(licence.licence_key);
      const event = await server.stored.db
        .selectFrom('event_outbox')
        .select(['type', 'data'])
        .where('type', '=', 'licence.issued')
        .execute();
      expect(event.some((e) => e.data.includes(licence.id))).toBe(true);
    });

    it('licences 4: the key is never stored in clear — no table holds its text or its signature', async () => {
      const licence = await issue();
      const parsed = parseLicenceKey(licence.licence_key);
      if (!parsed.ok) throw new Error('unreadable key');
      const needles = [
        licence.licence_key,
        licence.licence_key.replace(/-/g, ''),
        parsed.key.signature.toString('hex'),
        parsed.key.signature.toString('base64'),
      ];
      const tables =
        backend.name === 'postgres'
          ? (
              await sql<{
                name: string;
              }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(server.stored.db)
            ).rows
          : (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(server.stored.db)).rows;
      for (const { name } of tables) {
        const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(server.stored.db)).rows;
        const text = JSON.stringify(rows, (_k, v: unknown) =>
          Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? String(v) : v,
        );
        for (const needle of needles) expect(text.includes(needle), `${name} holds the key`).toBe(false);
      }
    });

    it('licences 4: a tampered key is caught by its check group, and a re-checksummed one by the signature on the server', async () => {
      const licence = await issue();
      expect(parseLicenceKey(typo(licence.licence_key))).toEqual({ ok: false, reason: 'checksum' });
      expectProblem(await activate(typo(licence.licence_key), 'inst-typo'), 'validation_failed');
      const forged = forgedSignature(licence.licence_key);
      expect(parseLicenceKey(forged).ok).toBe(true);
      expectProblem(await activate(forged, 'inst-forged'), 'invalid_credentials');
      expect(await liveActivations(licence.id)).toBe(0);
      expect(refusals('licence.activate', 'checksum_key').length).toBeGreaterThan(0);
      expect(refusals('licence.activate', 'unknown_key').some((e) => e.resource === licence.id)).toBe(true);
    });

    it('licences 4: an expired licence and one not yet valid are refused, audited, and nothing is bound', async () => {
      const now = clock.now();
      const expired = await issue({ not_before: new Date(now - 2 * DAY).toISOString(), expires_at: new Date(now - DAY).toISOString() });
      const future = await issue({ not_before: new Date(now + DAY).toISOString() });
      expect(expectProblem(await activate(expired.licence_key, 'inst-1'), 'forbidden').detail).toMatch(/expired/);
      expect(expectProblem(await activate(future.licence_key, 'inst-1'), 'forbidden').detail).toMatch(/not valid yet/);
      expect(await liveActivations(expired.id)).toBe(0);
      expect(await liveActivations(future.id)).toBe(0);
      expect(refusals('licence.activate', 'expired').some((e) => e.resource === expired.id)).toBe(true);
      expect(refusals('licence.activate', 'not_yet_valid').some((e) => e.resource === future.id)).toBe(true);
    });

    it('licences 4: activation binds up to the limit, the same installation twice is idempotent, beyond the limit is 409', async () => {
      const licence = await issue({ max_activations: 2 });
      const first = await activate(licence.licence_key, 'inst-a');
      expect(first.statusCode, first.body).toBe(200);
      const again = await activate(licence.licence_key.toLowerCase().replace(/-/g, ' '), 'inst-a');
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json<Answer>().activation_id).toBe(first.json<Answer>().activation_id);
      expect((await activate(licence.licence_key, 'inst-b')).statusCode).toBe(200);
      expectProblem(await activate(licence.licence_key, 'inst-c'), 'conflict');
      expect(await liveActivations(licence.id)).toBe(2);
      expect(
        audit.events().some((e) => e.action === 'licence.activate' && e.reason === 'not_applied:conflict' && e.resource === licence.id),
      ).toBe(true);
      const events = await server.stored.db.selectFrom('event_outbox').select('data').where('type', '=', 'licence.activated').execute();
      expect(events.filter((e) => e.data.includes(licence.id))).toHaveLength(2);
    });

    it('licences 4: a status check answers a fresh token; revocation is seen at the next check, and the licence cannot be activated again', async () => {
      const licence = await issue();
      const token = (await activate(licence.licence_key, 'inst-r')).json<Answer>().token!;
      const checked = await status(licence.id, token);
      expect(checked.statusCode, checked.body).toBe(200);
      expect(checked.json<Answer>()).toMatchObject({ valid: true, revoked: false });
      expect(checked.json<Answer>().token).toBeDefined();
      const revoked = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences/${licence.id}/revoke`);
      expect(revoked.statusCode, revoked.body).toBe(200);
      const after = await status(licence.id, token);
      expect(after.json<Answer>()).toMatchObject({ valid: false, revoked: true, refresh_after: null });
      expect(after.json<Answer>().token).toBeUndefined();
      expectProblem(await activate(licence.licence_key, 'inst-r2'), 'forbidden');
      expectProblem(await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.id}/licences/${licence.id}/revoke`), 'conflict');
      expect(audit.events().some((e) => e.action === 'licence.revoke' && e.resource === licence.id && e.result === 'success')).toBe(true);
      expect(refusals('licence.check', 'revoked').some((e) => e.resource === licence.id)).toBe(true);
    });

    it('licences 4: the activation token of another licence is refused', async () => {
      const mine = await issue();
      const theirs = await issue();
      const token = (await activate(theirs.licence_key, 'inst-x')).json<Answer>().token!;
      expectProblem(await status(mine.id, token), 'token_invalid');
      expectProblem(await deactivate(mine.id, token), 'token_invalid');
      expect(await liveActivations(theirs.id)).toBe(1);
      expect(refusals('licence.check', 'other_licence').length).toBeGreaterThan(0);
    });

    it('licences 4: deactivation frees a seat once; the replayed deactivation and the old token are refused', async () => {
      const licence = await issue({ max_activations: 1 });
      const token = (await activate(licence.licence_key, 'inst-d')).json<Answer>().token!;
      expectProblem(await activate(licence.licence_key, 'inst-e'), 'conflict');
      const ended = await deactivate(licence.id, token);
      expect(ended.statusCode, ended.body).toBe(204);
      expect(await liveActivations(licence.id)).toBe(0);
      expectProblem(await deactivate(licence.id, token), 'token_invalid');
      expectProblem(await status(licence.id, token), 'token_invalid');
      expect(refusals('licence.deactivate', 'activation_ended').some((e) => e.resource === licence.id)).toBe(true);
      expect((await activate(licence.licence_key, 'inst-e')).statusCode).toBe(200);
      expect(audit.events().some((e) => e.action === 'licence.deactivate' && e.result === 'success' && e.resource === licence.id)).toBe(
        true,
      );
    });

    it('licences 4: forged tokens are refused — another key, alg none, a modified payload — and change nothing', async () => {
      const licence = await issue();
      const token = (await activate(licence.licence_key, 'inst-f')).json<Answer>().token!;
      const { header, claims, signature } = splitToken(token);
      const stranger = generateKeyPairSync('ed25519');
      const input = `${b64(header)}.${b64(claims)}`;
      const otherKey = `${input}.${sign(null, Buffer.from(input), stranger.privateKey).toString('base64url')}`;
      const none = `${b64({ alg: 'none', typ: header.typ, kid: header.kid })}.${b64(claims)}.`;
      const modified = `${b64(header)}.${b64({ ...claims, features: ['everything'], grace_until: (claims.grace_until as number) + 10 ** 8 })}.${signature}`;
      for (const forged of [otherKey, none, modified, 'not-a-token']) {
        expectProblem(await status(licence.id, forged), 'token_invalid');
        expectProblem(await deactivate(licence.id, forged), 'token_invalid');
      }
      expect(await liveActivations(licence.id)).toBe(1);
      expect(refusals('licence.check', 'bad_token').length).toBeGreaterThanOrEqual(4);
    });

    it("licences 4: another org's licence ids are 404 to its managers, and nothing changes", async () => {
      const licence = await issue();
      const foreign = other.owner.grant;
      expectProblem(await as(server.app, foreign, 'GET', `/api/v1/orgs/${other.org.id}/licences/${licence.id}`), 'not_found');
      expectProblem(await as(server.app, foreign, 'POST', `/api/v1/orgs/${other.org.id}/licences/${licence.id}/revoke`), 'not_found');
      const list = await as(server.app, foreign, 'GET', `/api/v1/orgs/${other.org.id}/licences`);
      expect(list.json<{ items: { id: string }[] }>().items.map((l) => l.id)).not.toContain(licence.id);
      const read = await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/licences/${licence.id}`);
      expect(read.json()).toMatchObject({ revoked_at: null });
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(
        await as(server.app, viewer.grant, 'POST', `/api/v1/orgs/${org.id}/licences`, { product: 'x', max_activations: 1 }),
        'forbidden',
      );
    });

    it('licences 4: a tampered list cursor is 400', async () => {
      expectProblem(
        await as(server.app, owner.grant, 'GET', `/api/v1/orgs/${org.id}/licences?cursor=${base32Encode(Buffer.from('x'))}`),
        'validation_failed',
      );
      expect(base32Decode('MY')).toEqual(Buffer.from('f'));
    });

    it('licences 4: a token past its grace period is refused with token_expired (last: the clock moves days on)', async () => {
      const licence = await issue();
      const answer = (await activate(licence.licence_key, 'inst-g')).json<Answer & { grace_until: string }>();
      const before = clock.now();
      clock.advance(Date.parse(answer.grace_until) - before + 1000);
      expectProblem(await status(licence.id, answer.token!), 'token_expired');
      expect(refusals('licence.check', 'grace_over').length).toBeGreaterThan(0);
    });
  });
}
