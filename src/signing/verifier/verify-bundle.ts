/**
 * The offline check of a Rampart artifact bundle (issue 16 item 3) — what `rampart
 * verify-artifact` and an embedding runtime run, with no server and no database. Each check has a
 * name, run in this order; the first that fails is the answer:
 *
 *   format          the bundle and its envelope have the expected shape
 *   signature       a signature of the envelope verifies with a pinned artifact key (JWKS)
 *   key_window      that key is valid now (retired keys only until their `verify_until`)
 *   digest          the statement's subject is the artifact's SHA-256
 *   log_entry       the logged leaf is an `artifact.sign` entry at `log_index` that binds this
 *                   envelope (its payload and signature hashes, its key id)
 *   checkpoint      the checkpoint is signed by the pinned log key (C2SP signed note)
 *   checkpoint_size the checkpoint covers the entry (a checkpoint older than the entry is refused)
 *   inclusion_proof the leaf is in the tree of the checkpoint (RFC 9162 §2.1.3.2)
 */
import { checkEnvelope, decodeBase64, type DsseEnvelope, type PublicJwk } from './crypto/dsse.js';
import { openCheckpointNote, parseLogKey } from './crypto/checkpoint-note.js';
import { leafHash, sameHash, sha256, verifyInclusion } from './crypto/merkle.js';
import { IN_TOTO_PAYLOAD_TYPE, parseStatement, statementNamesDigest } from './statement.js';

/** The bundle `POST /api/v1/orgs/{org}/artifacts/sign` returns. */
export interface ArtifactBundle {
  readonly media_type?: string;
  readonly envelope: DsseEnvelope;
  readonly log_index: number;
  /** The audit leaf text (RFC 8785 canonical JSON) whose hash is the tree's leaf. */
  readonly log_entry: string;
  readonly inclusion_proof: { readonly tree_size: number; readonly root_hash: string; readonly proof: readonly string[] };
  /** The signed checkpoint (C2SP signed note) of size `inclusion_proof.tree_size`. */
  readonly checkpoint: string;
}

/** The pinned trust: the JWKS of `GET /api/v1/artifacts/keys` (its keys and its `transparency_log`). */
export interface PinnedKeys {
  readonly keys: readonly PublicJwk[];
  readonly transparency_log?: { readonly origin?: string; readonly vkey?: string };
}

export type BundleCheck =
  'format' | 'signature' | 'key_window' | 'digest' | 'log_entry' | 'checkpoint' | 'checkpoint_size' | 'inclusion_proof';

export type BundleVerdict =
  | {
      readonly valid: true;
      readonly keyId: string;
      /** The org the log entry records as the signer. */
      readonly signer: string;
      readonly loggedAt: string;
      readonly index: number;
      readonly treeSize: number;
    }
  | { readonly valid: false; readonly check: BundleCheck; readonly reason: string };

export interface BundleOptions {
  /** SHA-256 of the artifact, 64 hex digits (`sha256:` prefix allowed). */
  readonly digest: string;
  readonly keys: PinnedKeys;
  /** A checkpoint to verify against instead of the bundle's (e.g. one saved from a witness). */
  readonly checkpoint?: string;
  /** Now, in ms (default `Date.now()`): retired keys verify until their window ends. */
  readonly now?: number;
}

function refuse(check: BundleCheck, reason: string): BundleVerdict {
  return { valid: false, check, reason };
}

function isBundle(value: unknown): value is ArtifactBundle {
  if (typeof value !== 'object' || value === null) return false;
  const bundle = value as Partial<ArtifactBundle>;
  const proof = bundle.inclusion_proof;
  return (
    typeof bundle.envelope === 'object' &&
    bundle.envelope !== null &&
    Number.isSafeInteger(bundle.log_index) &&
    typeof bundle.log_entry === 'string' &&
    typeof bundle.checkpoint === 'string' &&
    typeof proof === 'object' &&
    proof !== null &&
    Number.isSafeInteger(proof.tree_size) &&
    typeof proof.root_hash === 'string' &&
    Array.isArray(proof.proof) &&
    proof.proof.every((hash) => typeof hash === 'string')
  );
}

/** The keys of `keys` that sign artifacts (those without a purpose are taken as artifact keys). */
function artifactKeys(keys: PinnedKeys): readonly PublicJwk[] {
  return (Array.isArray(keys.keys) ? keys.keys : []).filter((key) => key.purpose === undefined || key.purpose === 'artifacts');
}

function inWindow(key: PublicJwk, now: number): boolean {
  const from = typeof key.not_before === 'string' ? Date.parse(key.not_before) : Number.NEGATIVE_INFINITY;
  const until = typeof key.verify_until === 'string' ? Date.parse(key.verify_until) : Number.POSITIVE_INFINITY;
  return !Number.isNaN(from) && !Number.isNaN(until) && now >= from && now <= until;
}

/** The members of an audit leaf the checks read. */
export interface LoggedLeaf {
  readonly index?: unknown;
  readonly action?: unknown;
  readonly org?: unknown;
  readonly result?: unknown;
  readonly timestamp?: unknown;
  readonly details?: { readonly key_id?: unknown; readonly payload_sha256?: unknown; readonly sig_sha256?: unknown };
}

function parseLeaf(text: string): LoggedLeaf | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as LoggedLeaf) : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link checkSignedStatement} accepted: the signing key, the payload and signature bytes. */
export interface SignedStatement {
  readonly keyId: string;
  readonly payload: Buffer;
  readonly signature: Buffer;
}

/**
 * The checks `format`, `signature`, `key_window` and `digest` of an envelope on its own: a
 * signature by a pinned artifact key valid at `now`, over an in-toto statement about `digest`.
 */
export function checkSignedStatement(
  envelope: DsseEnvelope,
  options: Pick<BundleOptions, 'digest' | 'keys' | 'now'>,
): { readonly ok: true; readonly signed: SignedStatement } | { readonly ok: false; readonly verdict: BundleVerdict } {
  const fail = (check: BundleCheck, reason: string) => ({ ok: false as const, verdict: refuse(check, reason) });
  if (typeof envelope !== 'object' || envelope === null) return fail('format', 'the envelope is not an object');
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('format', `the envelope's payloadType is not ${IN_TOTO_PAYLOAD_TYPE}`);
  const pinned = artifactKeys(options.keys);
  const signed = checkEnvelope(envelope, pinned);
  if (!signed.ok) {
    if (signed.reason === 'malformed') return fail('format', 'the envelope is malformed');
    return fail(
      'signature',
      signed.reason === 'unknown_key' ? 'no signature is by a pinned artifact key' : 'the signature does not verify',
    );
  }
  const key = pinned.find((candidate) => candidate.kid === signed.keyId);
  if (key === undefined || !inWindow(key, options.now ?? Date.now())) {
    return fail('key_window', `key ${signed.keyId} is not valid now (retired past its window, or not yet valid)`);
  }
  const statement = parseStatement(signed.payload);
  const digest = options.digest.replace(/^sha256:/, '');
  if (statement === undefined) return fail('digest', 'the payload is not an in-toto Statement v1');
  if (!statementNamesDigest(statement, digest)) return fail('digest', "the artifact's SHA-256 is not the statement's subject");
  return { ok: true, signed: { keyId: signed.keyId, payload: signed.payload, signature: signed.signature } };
}

/** Whether the leaf text is the `artifact.sign` entry at `index` that records `signed`; the leaf when it is. */
export function leafRecords(text: string, index: number, signed: SignedStatement): LoggedLeaf | undefined {
  const leaf = parseLeaf(text);
  const details = leaf?.details;
  if (
    leaf === undefined ||
    details === undefined ||
    leaf.index !== index ||
    leaf.action !== 'artifact.sign' ||
    leaf.result !== 'success' ||
    details.key_id !== signed.keyId ||
    details.payload_sha256 !== sha256(signed.payload).toString('hex') ||
    details.sig_sha256 !== sha256(signed.signature).toString('hex')
  ) {
    return undefined;
  }
  return leaf;
}

/** Verifies `bundle` for the artifact of `options.digest` against pinned keys; see the module comment. */
export function verifyBundle(bundle: unknown, options: BundleOptions): BundleVerdict {
  if (!isBundle(bundle)) return refuse('format', 'the bundle is not a Rampart artifact bundle');
  const checked = checkSignedStatement(bundle.envelope, options);
  if (!checked.ok) return checked.verdict;
  const signed = checked.signed;

  const leaf = leafRecords(bundle.log_entry, bundle.log_index, signed);
  if (leaf === undefined) return refuse('log_entry', 'the log entry does not record this envelope at log_index');

  const logKey = parseLogKey(options.keys.transparency_log?.vkey ?? '');
  if (logKey === undefined) return refuse('checkpoint', 'the pinned keys hold no transparency-log verifier key');
  const note = options.checkpoint ?? bundle.checkpoint;
  const checkpoint = openCheckpointNote(note, logKey);
  if (checkpoint === undefined) return refuse('checkpoint', 'the checkpoint is not signed by the pinned log key');
  if (checkpoint.size <= bundle.log_index)
    return refuse('checkpoint_size', `the checkpoint (size ${checkpoint.size}) is older than the entry`);

  const proof = bundle.inclusion_proof.proof.map((hash) => decodeBase64(hash) ?? Buffer.alloc(0));
  const root = decodeBase64(bundle.inclusion_proof.root_hash) ?? Buffer.alloc(0);
  if (bundle.inclusion_proof.tree_size !== checkpoint.size || !sameHash(root, checkpoint.rootHash)) {
    return refuse('inclusion_proof', 'the inclusion proof is not for the tree of the checkpoint');
  }
  const hash = leafHash(Buffer.from(bundle.log_entry, 'utf8'));
  if (!verifyInclusion(bundle.log_index, checkpoint.size, hash, proof, checkpoint.rootHash)) {
    return refuse('inclusion_proof', 'the inclusion proof does not lead to the checkpoint root');
  }
  return {
    valid: true,
    keyId: signed.keyId,
    signer: typeof leaf.org === 'string' ? leaf.org : '',
    loggedAt: typeof leaf.timestamp === 'string' ? leaf.timestamp : '',
    index: bundle.log_index,
    treeSize: checkpoint.size,
  };
}
