/**
 * The RFC 9162 Merkle tree of the audit log (SHA-256): hashing, an appender that emits the
 * aligned subtree hashes a store keeps, proof generation from those stored hashes in O(log n)
 * lookups, and proof verification. The one piece of cryptography Rampart writes itself
 * (DESIGN.md: no maintained library does it); the parts live in small files, exported here.
 */
export { HASH_SIZE, emptyRoot, hashesEqual, isHash, leafHash, nodeHash, rootFromLeafHashes } from './merkle-hasher.js';
export { MerkleError, type MerkleErrorCode, type MerkleVerification } from './merkle-error.js';
export { isAlignedSubtree, type SubtreeHash, type SubtreeRef, type SubtreeSource, type SyncSubtreeSource } from './subtree-source.js';
export {
  consistencyPlan,
  consistencyProof,
  consistencyProofSync,
  inclusionPlan,
  inclusionProof,
  inclusionProofSync,
  rootFromSource,
  rootFromSourceSync,
  rootPlan,
  type ProofPlan,
} from './merkle-proof.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';
export { CompactRange } from './compact-range.js';
