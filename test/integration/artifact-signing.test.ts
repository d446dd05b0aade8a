/**
 * Artifact signing through the real server on every backend (issue 16 items 1–3): the keyring and
 * its JWKS, DSSE-signed in-toto statements logged in the audit tree with a complete bundle, the
 * public verification route, the HMAC scheme, rotation with a retired key's window, and the
 * refusals — one byte changed, a retired key past its window, an unpublished key, another
 * deployment's envelope, another org, a caller without `artifacts.sign`.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backends, type BackendInstance } from '../helpers/backends.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { ADMIN_ENV, login, type Grant } from '../helpers/identity.js';
import { as, orgWithOwner, userWithRole, type OrgBody, type OrgUser } from '../helpers/orgs.js';
import { expectProblem } from '../helpers/problems.js';
import { testServer, type TestServer } from '../helpers/rampart.js';
import {
  pae,
  verifyBundle,
  verifyHmacEnvelope,
  type ArtifactBundle,
  type DsseEnvelope,
  type PinnedKeys,
} from '../../src/signing/verifier/index.js';

const ARTIFACT = Buffer.from('the compiled artifact, version 1\n');
const DIGEST = `sha256:${createHash('sha256').update(ARTIFACT).digest('hex')}`;
const OTHER_DIGEST = `sha256:${'ab'.repeat(32)}`;
const DAY = 86_400_000;

interface SignAnswer {
  readonly envelope: DsseEnvelope;
  readonly key_id: string;
  readonly publicly_verifiable: boolean;
  readonly bundle: ArtifactBundle & { readonly publicly_verifiable: boolean };
}

/** `envelope` with its payload's byte `at` changed. */
function changePayload(envelope: DsseEnvelope, at: number): DsseEnvelope {
  const payload = Buffer.from(envelope.payload, 'base64');
  payload[at] = (payload[at] ?? 0) ^ 0x01;
  return { ...envelope, payload: payload.toString('base64') };
}

for (const backend of await backends()) {
  describe(`artifact signing on ${backend.name}`, () => {
    let store: BackendInstance;
    let server: TestServer;
    let clock: FakeClock;
    let admin: Grant;
    let org: OrgBody;
    let owner: OrgUser;
    const signUrl = (slug = org.slug) => `/api/v1/orgs/${slug}/artifacts/sign`;
    const sign = async (
      body: Record<string, unknown> = { digest: DIGEST, name: 'compiler.tar.gz' },
      grant = owner.grant,
    ): Promise<SignAnswer> => {
      const response = await as(server.app, grant, 'POST', signUrl(), body);
      expect(response.statusCode, response.body).toBe(200);
      return response.json<SignAnswer>();
    };
    const verify = async (body: Record<string, unknown>) => {
      const response = await server.app.inject({ method: 'POST', url: '/api/v1/artifacts/verify', payload: body });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<Record<string, unknown>>();
    };
    const keys = async (): Promise<PinnedKeys> =>
      (await server.app.inject({ method: 'GET', url: '/api/v1/artifacts/keys' })).json<PinnedKeys>();

    beforeEach(async () => {
      store = await backend.create();
      clock = new FakeClock(Date.now());
      server = await testServer(store, { env: { ...ADMIN_ENV, RAMPART_SIGNING_RETIRED_KEY_WINDOW: String(30 * 86_400) }, clock });
      admin = await login(server.app);
      ({ org, owner } = await orgWithOwner(server.app, admin));
    });

    afterEach(async () => {
      await server?.close();
      await store?.cleanup();
    });

    it('signing 2: a DSSE envelope over an in-toto statement, with a complete bundle, audited', async () => {
      const signed = await sign({
        digest: DIGEST,
        name: 'compiler.tar.gz',
        predicate_type: 'https://slsa.dev/provenance/v1',
        predicate: { builder: 'ci' },
      });
      expect(signed.publicly_verifiable).toBe(true);
      expect(signed.envelope.payloadType).toBe('application/vnd.in-toto+json');
      const statement = JSON.parse(Buffer.from(signed.envelope.payload, 'base64').toString('utf8')) as Record<string, unknown>;
      expect(statement).toEqual({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name: 'compiler.tar.gz', digest: { sha256: DIGEST.slice(7) } }],
        predicateType: 'https://slsa.dev/provenance/v1',
        predicate: { builder: 'ci' },
      });
      // The JWKS publishes the key by its DSSE keyid, and the signature is over PAE exactly.
      const jwks = await keys();
      const jwk = jwks.keys.find((key) => key.kid === signed.key_id);
      expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig', alg: 'EdDSA', purpose: 'artifacts', status: 'active' });
      expect(jwk).not.toHaveProperty('d');
      expect(jwks.transparency_log?.vkey).toMatch(/^[^+]+\+[0-9a-f]{8}\+/);
      const { createPublicKey, verify } = await import('node:crypto');
      const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: String(jwk?.x) }, format: 'jwk' });
      const body = Buffer.from(signed.envelope.payload, 'base64');
      expect(
        verify(null, pae(signed.envelope.payloadType, body), publicKey, Buffer.from(signed.envelope.signatures[0]?.sig ?? '', 'base64')),
      ).toBe(true);

      // The bundle is complete on return: the entry, its proof, a checkpoint that covers it.
      expect(signed.bundle.envelope).toEqual(signed.envelope);
      expect(signed.bundle.inclusion_proof.tree_size).toBeGreaterThan(signed.bundle.log_index);
      expect(verifyBundle(signed.bundle, { digest: DIGEST, keys: jwks, now: clock.now() })).toMatchObject({
        valid: true,
        keyId: signed.key_id,
        signer: org.id,
        index: signed.bundle.log_index,
      });
      const entry = await server.stored.db
        .selectFrom('audit_entries')
        .selectAll()
        .where('leaf_index', '=', signed.bundle.log_index)
        .executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ action: 'artifact.sign', org: org.id, result: 'success', leaf: signed.bundle.log_entry });
      expect(JSON.parse(signed.bundle.log_entry)).toMatchObject({
        actor: { type: 'user' },
        details: { key_id: signed.key_id, scheme: 'ed25519' },
      });
    });

    it('signing 3: the public route verifies an envelope and a bundle, and names what failed', async () => {
      const signed = await sign();
      const valid = { valid: true, signer: org.id, key_id: signed.key_id, index: signed.bundle.log_index, logged_at: expect.any(String) };
      expect(await verify({ envelope: signed.envelope, digest: DIGEST })).toEqual(valid);
      expect(await verify({ bundle: signed.bundle, digest: DIGEST })).toEqual(valid);

      // Payload, type or digest changed by one byte: refused.
      expect(await verify({ envelope: changePayload(signed.envelope, 40), digest: DIGEST })).toMatchObject({
        valid: false,
        reason: 'signature',
      });
      const type = { ...signed.envelope, payloadType: 'application/vnd.in-toto+jsoN' };
      expect(await verify({ envelope: type, digest: DIGEST })).toMatchObject({ valid: false });
      expect(await verify({ envelope: signed.envelope, digest: OTHER_DIGEST })).toMatchObject({ valid: false, reason: 'digest' });
      expect(await verify({ bundle: { ...signed.bundle, envelope: changePayload(signed.envelope, 3) }, digest: DIGEST })).toMatchObject({
        valid: false,
        reason: 'signature',
      });
      // A key id that is not published: refused.
      const unpublished = {
        ...signed.envelope,
        signatures: [{ keyid: 'art_not-a-published-key', sig: signed.envelope.signatures[0]?.sig ?? '' }],
      };
      expect(await verify({ envelope: unpublished, digest: DIGEST })).toMatchObject({ valid: false, reason: 'signature' });
      // Malformed input (not the schema) is 400, never a 500.
      const malformed = await server.app.inject({
        method: 'POST',
        url: '/api/v1/artifacts/verify',
        payload: { envelope: { payload: 1 }, digest: DIGEST },
      });
      expectProblem(malformed, 'validation_failed');
    });

    it('signing 1: rotation keeps the retired key verifying within its window, and refuses it after', async () => {
      const before = await sign();
      const rotated = await server.rampart.facade('signing').rotate('artifacts');
      expect(rotated.keyId).not.toBe(before.key_id);
      const jwks = await keys();
      expect(jwks.keys.find((key) => key.kid === before.key_id)).toMatchObject({ status: 'retired', verify_until: expect.any(String) });
      const after = await sign();
      expect(after.key_id).toBe(rotated.keyId);
      // Within the window the old signature verifies (route and facade alike).
      expect(await verify({ envelope: before.envelope, digest: DIGEST })).toMatchObject({ valid: true, key_id: before.key_id });
      // Past it: refused, by the route and offline, though the key stays published.
      clock.advance(31 * DAY);
      expect(await verify({ envelope: before.envelope, digest: DIGEST })).toMatchObject({ valid: false, reason: 'key_window' });
      expect(verifyBundle(before.bundle, { digest: DIGEST, keys: await keys(), now: clock.now() })).toMatchObject({
        valid: false,
        check: 'key_window',
      });
      expect(await verify({ envelope: after.envelope, digest: DIGEST })).toMatchObject({ valid: true });
      const rotations = await server.stored.db
        .selectFrom('audit_entries')
        .select(['action', 'org'])
        .where('action', 'like', 'signing.key.%')
        .execute();
      expect(rotations.map((row) => row.action).sort()).toEqual(['signing.key.create', 'signing.key.rotate']);
    });

    it('signing 1: the facade signs and verifies per purpose; keys of one purpose never verify the other', async () => {
      const signing = server.rampart.facade('signing');
      const bytes = Buffer.from('licence payload');
      const { keyId, signature } = await signing.sign('licences', bytes);
      expect(await signing.verify('licences', keyId, bytes, signature)).toBe(true);
      expect(await signing.verify('artifacts', keyId, bytes, signature)).toBe(false);
      expect(await signing.verify('licences', keyId, Buffer.from('licence payloaD'), signature)).toBe(false);
      expect(await signing.verify('licences', 'lic_unknown', bytes, signature)).toBe(false);
      // Stored: the public key and a KEK-wrapped seed, never the seed in clear.
      const rows = await server.stored.db.selectFrom('signing_keyring').selectAll().where('id', '=', keyId).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.kek_id).toMatch(/^kek_/);
      expect(rows[0]?.wrapped_seed).not.toContain(Buffer.from(String(rows[0]?.public_key), 'base64').toString('base64url'));
    });

    it('signing 2: the HMAC scheme is marked not publicly verifiable and verifies with the org key', async () => {
      const signed = await sign({ digest: DIGEST, name: 'internal.bin', scheme: 'hmac-sha256' });
      expect(signed.publicly_verifiable).toBe(false);
      expect(signed.bundle.publicly_verifiable).toBe(false);
      expect(signed.key_id).toMatch(new RegExp(`^hmac:${org.id}:1$`));
      expect(await verify({ envelope: signed.envelope, digest: DIGEST })).toMatchObject({ valid: false, reason: 'scheme' });
      const revealed = await as(server.app, owner.grant, 'POST', `/api/v1/orgs/${org.slug}/secrets/artifacts.hmac-key/reveal`, {});
      const key = Buffer.from(revealed.json<{ value: string }>().value, 'base64url');
      expect(verifyHmacEnvelope(signed.envelope, signed.key_id, key)).toBe(true);
      expect(verifyHmacEnvelope(changePayload(signed.envelope, 10), signed.key_id, key)).toBe(false);
    });

    it('signing 2: an org the caller is not in is 404 and a viewer is 403, nothing logged as a signature', async () => {
      const { org: otherOrg } = await orgWithOwner(server.app, admin);
      expectProblem(await as(server.app, owner.grant, 'POST', signUrl(otherOrg.slug), { digest: DIGEST, name: 'x' }), 'not_found');
      const viewer = await userWithRole(server.app, admin, owner.grant, org, 'viewer');
      expectProblem(await as(server.app, viewer.grant, 'POST', signUrl(), { digest: DIGEST, name: 'x' }), 'forbidden');
      const signatures = await server.stored.db
        .selectFrom('audit_entries')
        .select('result')
        .where('action', '=', 'artifact.sign')
        .where('result', '=', 'success')
        .execute();
      expect(signatures).toHaveLength(0);
      const operator = await userWithRole(server.app, admin, owner.grant, org, 'operator');
      await sign({ digest: DIGEST, name: 'x' }, operator.grant);
    });

    it('signing 3: an envelope from another deployment is refused', async () => {
      const otherStore = await backend.create();
      const other = await testServer(otherStore, { env: ADMIN_ENV });
      try {
        const otherAdmin = await login(other.app);
        const { org: foreignOrg, owner: foreignOwner } = await orgWithOwner(other.app, otherAdmin);
        const foreign = await as(other.app, foreignOwner.grant, 'POST', `/api/v1/orgs/${foreignOrg.slug}/artifacts/sign`, {
          digest: DIGEST,
          name: 'x',
        });
        expect(foreign.statusCode, foreign.body).toBe(200);
        const answer = foreign.json<SignAnswer>();
        expect(await verify({ envelope: answer.envelope, digest: DIGEST })).toMatchObject({ valid: false, reason: 'signature' });
        expect(await verify({ bundle: answer.bundle, digest: DIGEST })).toMatchObject({ valid: false, reason: 'signature' });
      } finally {
        await other.close();
        await otherStore.cleanup();
      }
    });
  });
}
