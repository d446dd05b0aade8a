/**
 * What an artifact signature is (issue 16 item 2): an in-toto Statement v1 about one artifact,
 * signed in a DSSE envelope, logged in the audit tree, and the bundle that proves it. Pure.
 */

/** `predicateType` when the caller names none: a bare signature of the artifact, empty predicate. */
export const DEFAULT_PREDICATE_TYPE = 'https://rampart.invalid/attestation/signed-artifact/v1';
/** The bundle's `media_type`. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.rampart.artifact-bundle.v1+json';
/** The audit entry of a signature is about `artifact:<sha-256 hex of the payload>`. */
export const ARTIFACT_RESOURCE_PREFIX = 'artifact:';

/** `ed25519`: the deployment's artifact key (publicly verifiable); `hmac-sha256`: the org's shared key (internal pipelines only). */
export type SignatureScheme = 'ed25519' | 'hmac-sha256';

export interface SignRequest {
  /** `sha256:<64 hex>`. */
  readonly digest: string;
  readonly name: string;
  readonly predicateType?: string;
  readonly predicate?: Readonly<Record<string, unknown>>;
  readonly scheme?: SignatureScheme;
}

export interface LogProof {
  readonly index: number;
  readonly leaf: string;
  readonly treeSize: number;
  readonly rootHash: Uint8Array;
  readonly proof: readonly Uint8Array[];
  readonly checkpoint: string;
  readonly loggedAt: number;
}

/** A DSSE envelope as JSON (the same shape as the verifier's `DsseEnvelope`, which imports nothing from here). */
export interface Envelope {
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly { readonly keyid?: string; readonly sig: string }[];
}

export interface SignedArtifact {
  readonly envelope: Envelope;
  readonly keyId: string;
  readonly scheme: SignatureScheme;
  readonly log: LogProof;
}

/** The statement's subject digest: the 64 hex digits of `sha256:<hex>`, lower-cased. */
export function digestHex(digest: string): string {
  return digest.slice('sha256:'.length).toLowerCase();
}
