/**
 * The artifact routes (test/fixtures/spec-api-v1.md, "Artifacts and licences", and issue 16 items 1–3):
 *
 * - `GET /api/v1/artifacts/keys` (public): the JWKS of the artifact and licence keys, active and
 *   retired with their windows, plus the audit log's checkpoint verifier key — what an offline
 *   verifier pins.
 * - `POST /api/v1/orgs/{org}/artifacts/sign` (`artifacts.sign`): a DSSE envelope over an in-toto
 *   Statement v1, and its bundle (entry index, leaf, inclusion proof, covering checkpoint).
 * - `POST /api/v1/artifacts/verify` (public, rate-limited per address, audited): 200 `{valid: true, …}` or
 *   200 `{valid: false, reason, detail}` naming the first check that failed; 400
 *   `validation_failed` only for a body that does not match the schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { RampartConfig } from '../../kernel/config.js';
import { OrgParam, scopeOf } from '../../kernel/http/org-params.js';
import { requestContext } from '../../kernel/http/request-context.js';
import { BUNDLE_MEDIA_TYPE, type SignedArtifact } from '../domain/artifact.js';
import type { ArtifactSigner } from '../services/artifact-signer.js';
import type { ArtifactVerifier } from '../services/artifact-verifier.js';

const MINUTE = 60_000;
const Base64 = Type.String({ maxLength: 1_400_000, pattern: '^[A-Za-z0-9+/_-]*={0,2}$', description: 'standard or URL-safe base64' });

const Envelope = Type.Object(
  {
    payload: Base64,
    payloadType: Type.String({ minLength: 1, maxLength: 256, description: '`application/vnd.in-toto+json`' }),
    signatures: Type.Array(
      Type.Object(
        {
          keyid: Type.Optional(Type.String({ maxLength: 256, description: 'the key id: a JWKS `kid`, or `hmac:<org id>:<version>`' })),
          sig: Base64,
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 16 },
    ),
  },
  { additionalProperties: false, description: 'A DSSE envelope (secure-systems-lab/dsse envelope.md)' },
);

const InclusionProof = Type.Object(
  {
    tree_size: Type.Integer({ minimum: 1, description: 'the size of the checkpoint the proof leads to' }),
    root_hash: Type.String({ maxLength: 64, description: 'base64 of the tree root at `tree_size`' }),
    proof: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 64, description: 'RFC 9162 §2.1.3.1 audit path, base64 hashes' }),
  },
  { additionalProperties: false },
);

const Bundle = Type.Object(
  {
    media_type: Type.Optional(Type.String({ maxLength: 128, description: `\`${BUNDLE_MEDIA_TYPE}\`` })),
    envelope: Envelope,
    log_index: Type.Integer({ minimum: 0, description: "the signature's entry: its leaf index in the audit log" }),
    log_entry: Type.String({
      maxLength: 64_000,
      description:
        "the entry's leaf text (RFC 8785 canonical JSON; personal fields only as a commitment); SHA-256(0x00 ‖ leaf) is the tree's leaf hash. Its `details` bind the envelope: `key_id`, `payload_sha256`, `sig_sha256`",
    }),
    inclusion_proof: InclusionProof,
    checkpoint: Type.String({
      maxLength: 16_000,
      description: 'the signed checkpoint (C2SP signed note) of size `inclusion_proof.tree_size`',
    }),
    publicly_verifiable: Type.Optional(
      Type.Boolean({ description: 'false for an HMAC-SHA256 envelope, which only a holder of the org key can verify' }),
    ),
  },
  {
    additionalProperties: false,
    description: 'An envelope with the proof that it was logged (as a Sigstore bundle carries its Rekor entry)',
  },
);

const SignBody = Type.Object(
  {
    digest: Type.String({ pattern: '^sha256:[0-9a-fA-F]{64}$', description: 'the artifact’s SHA-256, `sha256:<64 hex>`' }),
    name: Type.String({
      minLength: 1,
      maxLength: 256,
      pattern: '^[^\\u0000-\\u001f\\u007f]+$',
      description: 'the artifact’s name (the statement’s subject name)',
    }),
    predicate_type: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        pattern: '^[^\\s]+$',
        description: 'the statement’s `predicateType` (a URI); by default a bare signature',
      }),
    ),
    predicate: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'the statement’s `predicate` (a JSON object, at most 64 KiB); `{}` by default',
      }),
    ),
    scheme: Type.Optional(
      Type.Union([Type.Literal('ed25519'), Type.Literal('hmac-sha256')], {
        description:
          '`ed25519` (default): the deployment’s artifact key, publicly verifiable. `hmac-sha256`: the org’s shared key (its secret `artifacts.hmac-key`, made on first use) for internal pipelines, NOT publicly verifiable',
      }),
    ),
  },
  { additionalProperties: false },
);

const SignAnswer = Type.Object(
  {
    envelope: Envelope,
    key_id: Type.String(),
    publicly_verifiable: Type.Boolean(),
    bundle: Bundle,
  },
  { additionalProperties: false },
);

const VerifyBody = Type.Union(
  [
    Type.Object({ envelope: Envelope, digest: SignBody.properties.digest }, { additionalProperties: false }),
    Type.Object({ bundle: Bundle, digest: SignBody.properties.digest }, { additionalProperties: false }),
  ],
  { description: '`{envelope, digest}` or `{bundle, digest}`' },
);

const VerifyAnswer = Type.Object(
  {
    valid: Type.Boolean(),
    signer: Type.Optional(Type.String({ description: 'the org (id) whose `artifact.sign` entry records the signature' })),
    key_id: Type.Optional(Type.String()),
    logged_at: Type.Optional(Type.String({ format: 'date-time', description: 'when the signature was logged' })),
    index: Type.Optional(Type.Integer({ description: 'the entry’s index in the audit log' })),
    reason: Type.Optional(
      Type.String({
        description:
          'when not valid, the first check that failed: `format`, `signature` (no signature by a published key, or it does not verify), `key_window` (the key retired past its window), `digest`, `log_entry` (not logged, or the entry records another envelope), `checkpoint`, `checkpoint_size` (older than the entry), `inclusion_proof`, or `scheme` (an HMAC envelope)',
      }),
    ),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

const Jwks = Type.Object(
  {
    keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description:
        'Ed25519 JWKs (`kty` OKP, `crv`, `x`, `kid` = DSSE `keyid`, `use` sig, `alg` EdDSA) with `purpose` (`artifacts` or `licences`), `status` (`active` or `retired`), `not_before`, and for a retired key `retired_at` and `verify_until` (RFC 3339)',
    }),
    transparency_log: Type.Object(
      {
        origin: Type.String({ description: "the audit log's origin: the first line of its checkpoints" }),
        vkey: Type.String({ description: 'the checkpoint verifier key, C2SP vkey form' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function signAnswer(signed: SignedArtifact): Static<typeof SignAnswer> {
  const publiclyVerifiable = signed.scheme === 'ed25519';
  const envelope = { ...signed.envelope, signatures: signed.envelope.signatures.map((entry) => ({ ...entry })) };
  return {
    envelope,
    key_id: signed.keyId,
    publicly_verifiable: publiclyVerifiable,
    bundle: {
      media_type: BUNDLE_MEDIA_TYPE,
      envelope,
      log_index: signed.log.index,
      log_entry: signed.log.leaf,
      inclusion_proof: { tree_size: signed.log.treeSize, root_hash: toBase64(signed.log.rootHash), proof: signed.log.proof.map(toBase64) },
      checkpoint: signed.log.checkpoint,
      publicly_verifiable: publiclyVerifiable,
    },
  };
}

export interface ArtifactRouteParts {
  readonly signer: ArtifactSigner;
  readonly verifier: ArtifactVerifier;
}

export async function artifactRoutes(
  app: FastifyInstance,
  parts: ArtifactRouteParts,
  config: Pick<RampartConfig, 'artifactVerifyRateLimit'>,
): Promise<void> {
  const tags = ['artifacts'];

  app.get(
    '/api/v1/artifacts/keys',
    {
      config: { access: 'public' },
      schema: {
        summary: 'The artifact and licence signing keys (JWKS) and the audit log’s verifier key',
        description:
          'Every key of both purposes, active and retired (a retired key verifies until `verify_until`); `kid` is the DSSE `keyid`. Save it to verify offline: `rampart verify-artifact --keys`.',
        tags,
        response: { 200: Jwks },
      },
    },
    async () => parts.verifier.trust(),
  );

  app.post<{ Params: { org: string }; Body: Static<typeof SignBody> }>(
    '/api/v1/orgs/:org/artifacts/sign',
    {
      config: { access: { permission: 'artifacts.sign', scope: 'org' } },
      bodyLimit: 128 * 1024,
      schema: {
        summary: 'Sign an artifact: a DSSE envelope over an in-toto Statement v1, logged in the audit tree, with its bundle',
        description:
          'Audited as `artifact.sign` (entry first: if the log refuses, 503 `audit_unavailable` and no envelope). The answer waits until the entry is in the tree and covered by a signed checkpoint, so the bundle is complete: verify it offline with `rampart verify-artifact`. With `scheme: "hmac-sha256"` the envelope is signed with the org’s shared key and marked `publicly_verifiable: false`.',
        tags,
        params: Type.Object({ org: OrgParam }, { additionalProperties: false }),
        body: SignBody,
        response: { 200: SignAnswer },
      },
    },
    async (request) => {
      const body = request.body;
      const signed = await parts.signer.sign(
        scopeOf(request),
        {
          digest: body.digest,
          name: body.name,
          ...(body.predicate_type === undefined ? {} : { predicateType: body.predicate_type }),
          ...(body.predicate === undefined ? {} : { predicate: body.predicate }),
          ...(body.scheme === undefined ? {} : { scheme: body.scheme }),
        },
        requestContext(request),
      );
      return signAnswer(signed);
    },
  );

  app.post<{ Body: Static<typeof VerifyBody> }>(
    '/api/v1/artifacts/verify',
    {
      config: { access: 'public', idempotency: false, rateLimit: { max: config.artifactVerifyRateLimit, windowMs: MINUTE } },
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        summary: 'Verify an artifact signature: `{envelope, digest}` or `{bundle, digest}`',
        description:
          'Stores nothing but its audit entry (`artifact.verify` in the `system` org, the outcome and the failed check). 200 `{valid: true, signer, key_id, logged_at, index}`, or 200 `{valid: false, reason, detail}` naming the first check that failed; 400 `validation_failed` only for a body that does not match this schema. An envelope alone is checked against the published keys and looked up in the audit log; a bundle is checked as `rampart verify-artifact` does, with this deployment’s keys pinned. HMAC envelopes answer `reason: "scheme"`.',
        tags,
        body: VerifyBody,
        response: { 200: VerifyAnswer },
      },
    },
    async (request) => {
      const body = request.body;
      const result = await parts.verifier.verifyAudited(
        'bundle' in body ? { bundle: body.bundle, digest: body.digest } : { envelope: body.envelope, digest: body.digest },
        requestContext(request),
      );
      return result.valid
        ? { valid: true, signer: result.signer, key_id: result.keyId, logged_at: result.loggedAt, index: result.index }
        : { valid: false, reason: result.reason, detail: result.detail };
    },
  );
}
