/**
 * The audit log's verification routes (test/fixtures/spec-api-v1.md, "Audit"): the checkpoint verifier key
 * (public, so that anyone can check a checkpoint), the latest signed checkpoint, and RFC 9162
 * inclusion and consistency proofs. Hashes are standard base64. The org-scoped entry listing is
 * in `org-audit.ts`. The checkpoint and proofs reveal the deployment-wide tree size to any
 * authenticated caller, as the spec requires: why that is kept is in
 * docs/decisions/015-audit-tree-size-visibility.md.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditService } from '../services/audit-service.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const Size = (description: string, minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER, description });
const Hash = Type.String({ description: 'standard base64 of a 32-byte SHA-256 hash' });

const InclusionQuery = Type.Object(
  { index: Size('leaf index', 0), tree_size: Size('tree size the proof is for', 1) },
  { additionalProperties: false },
);
const ConsistencyQuery = Type.Object(
  { first: Size('the earlier tree size (RFC 9162 §2.1.4: at least 1)', 1), second: Size('the later tree size', 1) },
  { additionalProperties: false },
);
const ProofFields = { tree_size: Type.Integer(), root_hash: Hash, proof: Type.Array(Hash) };

const LEAF_DOC =
  "An entry's leaf is the RFC 8785 canonical JSON of the entry as listed in the spec, without `leaf_hash`: " +
  '`index`, `timestamp` (RFC 3339 UTC, milliseconds), `org`, `actor` {`type`, `id`}, `action`, `resource`, `result`, ' +
  '`source_ip`, `request_id`, and `reason`, `user_agent`, `details`, `subject` when present (absent ones are omitted, never null). ' +
  '`leaf_hash` = SHA-256(0x00 ‖ leaf) (RFC 9162 §2.1.1). Entries written since migration 0011 have no `subject` in the leaf, and when they hold ' +
  'personal fields (`actor.id` of the subject, `source_ip`, `user_agent`, personal `details` keys) the leaf has them null or omitted and holds ' +
  '`personal: {fields, commitment}` instead, commitment = base64(SHA-256(RFC 8785 of {salt, values})); `rampart audit export` carries the disclosure ' +
  '(or `[erased]`). Entries whose payload retention dropped keep only their leaf hash.';

const SIZE_DOC =
  'Any authenticated caller may read the checkpoint and the proofs, so that a client can verify the inclusion of an entry it caused; ' +
  'the tree size is the number of entries of the whole deployment (a count, never an entry: the entries are listed only with `audit.read`).';

export async function auditRoutes(app: FastifyInstance, audit: AuditService): Promise<void> {
  app.get(
    '/api/v1/audit/verifier-key',
    {
      config: { access: 'public' },
      schema: {
        summary: "The checkpoint signer's key, C2SP vkey `<name>+<hex key id>+<base64(0x01 ‖ Ed25519 key)>`; the name is the log origin",
        tags: ['audit'],
        response: { 200: Type.String({ description: 'text/plain vkey' }) },
      },
    },
    async (_request, reply) => reply.type('text/plain; charset=utf-8').send(`${audit.verifierKey()}\n`),
  );

  app.get(
    '/api/v1/audit/checkpoint',
    {
      config: { access: 'authenticated' },
      schema: {
        summary:
          'The latest checkpoint: a C2SP tlog-checkpoint (origin `<public host>/rampart/audit`, size, base64 root) in a C2SP signed note',
        description: `${LEAF_DOC} ${SIZE_DOC}`,
        tags: ['audit'],
        response: { 200: Type.String({ description: 'text/plain signed note' }) },
      },
    },
    async (_request, reply) =>
      reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(await audit.latestCheckpoint()),
  );

  app.get<{ Querystring: Static<typeof InclusionQuery> }>(
    '/api/v1/audit/proof/inclusion',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of `tree_size` leaves',
        description: LEAF_DOC,
        tags: ['audit'],
        querystring: InclusionQuery,
        response: { 200: Type.Object({ index: Type.Integer(), leaf_hash: Hash, ...ProofFields }) },
      },
    },
    async (request) => {
      const p = await audit.inclusionProof(request.query.index, request.query.tree_size);
      return { index: p.index, leaf_hash: b64(p.leafHash), tree_size: p.treeSize, root_hash: b64(p.rootHash), proof: p.proof.map(b64) };
    },
  );

  app.get<{ Querystring: Static<typeof ConsistencyQuery> }>(
    '/api/v1/audit/proof/consistency',
    {
      config: { access: 'authenticated' },
      schema: {
        summary: 'RFC 9162 §2.1.4 consistency proof from tree size `first` to `second`',
        tags: ['audit'],
        querystring: ConsistencyQuery,
        response: { 200: Type.Object({ first: Type.Integer(), second: Type.Integer(), ...ProofFields }) },
      },
    },
    async (request) => {
      const p = await audit.consistencyProof(request.query.first, request.query.second);
      return { first: p.first, second: p.second, tree_size: p.treeSize, root_hash: b64(p.rootHash), proof: p.proof.map(b64) };
    },
  );
}
