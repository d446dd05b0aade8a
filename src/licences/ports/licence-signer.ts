/**
 * What the licences need of the signing capability (src/signing/index.ts, `Signing`): Ed25519
 * signatures by the deployment's active `licences` key, and verification against any published
 * key of that purpose within its validity window. The keys never leave the signing capability.
 */
export interface LicenceSigner {
  /** Signs `bytes` with the active `licences` key; answers that key's id and the 64-byte signature. */
  sign(purpose: 'licences', bytes: Uint8Array): Promise<{ readonly keyId: string; readonly signature: Buffer }>;
  /** True when `keyId` is a published `licences` key valid at `at` (ms) and the signature verifies; never throws for a bad one. */
  verify(purpose: 'licences', keyId: string, bytes: Uint8Array, signature: Uint8Array, at?: number): Promise<boolean>;
}
