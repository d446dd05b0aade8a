/**
 * Rampart's artifact verifier, dependency-free (node:crypto only), exported as `rampart/verify`:
 * what a runtime embeds to verify an artifact before loading it, offline, against pinned keys
 * (the JWKS of `GET /api/v1/artifacts/keys`, saved once). `verifyBundle` runs every check of a
 * bundle; `checkEnvelope`, `pae`, `verifyInclusion` and `openCheckpointNote` are its parts, and
 * `verifyHmacEnvelope` checks an envelope of the internal HMAC-SHA256 scheme with the org's key.
 */
export { checkEnvelope, pae, type DsseEnvelope, type EnvelopeCheck, type PublicJwk } from './crypto/dsse.js';
export { openCheckpointNote, openSignedNote, parseLogKey, type Checkpoint, type LogKey } from './crypto/checkpoint-note.js';
export { leafHash, verifyInclusion } from './crypto/merkle.js';
export { verifyHmacEnvelope } from './crypto/hmac-envelope.js';
export { IN_TOTO_PAYLOAD_TYPE, IN_TOTO_STATEMENT_V1, parseStatement, statementNamesDigest, type InTotoStatement } from './statement.js';
export {
  checkSignedStatement,
  leafRecords,
  verifyBundle,
  type ArtifactBundle,
  type BundleCheck,
  type BundleOptions,
  type BundleVerdict,
  type PinnedKeys,
  type SignedStatement,
  type LoggedLeaf,
} from './verify-bundle.js';
