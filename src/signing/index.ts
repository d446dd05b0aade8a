/**
 * The signing capability's public face (issue 16 items 1–3): deployment-wide Ed25519 keyrings per
 * purpose (`artifacts`, `licences`) with rotation, private halves wrapped by the secrets' KEK;
 * DSSE-signed in-toto statements logged in the audit tree with a complete bundle; public and
 * offline verification. Later capabilities (licences) sign and verify through {@link Signing}.
 */
import type { Capability } from '../kernel/part.js';
import { verifyArtifactCommand } from './cli/signing-commands.js';
import { composeSigningPart } from './compose.js';
import type { SigningPurpose } from './domain/signing-key.js';

export type { SigningPurpose } from './domain/signing-key.js';
export { SIGNING_PURPOSES } from './domain/signing-key.js';
export { runSigningKeysRotate } from './cli/signing-commands.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { SIGNING_AUDIT_ACTIONS } from './domain/audit-actions.js';
import { SIGNING_VARIABLES } from './config.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { SIGNING_VARIABLES } from './config.js';

/** The keyring, as later capabilities use it. */
export interface Signing {
  /** Signs `bytes` with the active Ed25519 key of `purpose` (created on first use). */
  sign(purpose: SigningPurpose, bytes: Uint8Array): Promise<{ readonly keyId: string; readonly signature: Buffer }>;
  /** True when `keyId` is a published key of `purpose`, valid at `at` (ms; default now), and the signature verifies. */
  verify(purpose: SigningPurpose, keyId: string, bytes: Uint8Array, signature: Uint8Array, at?: number): Promise<boolean>;
  /** The public JWKS of both purposes: active and retired keys, each with `kid`, `use`, `alg: "EdDSA"`, `crv`, `x`, purpose and validity window. */
  jwks(): Promise<{ readonly keys: readonly Record<string, unknown>[] }>;
  /** Makes a new key of `purpose` active; the old one retires but keeps verifying within its window. */
  rotate(purpose: SigningPurpose): Promise<{ readonly keyId: string }>;
}

declare module '../kernel/part.js' {
  interface Facades {
    signing: Signing;
  }
}

export const signing: Capability<'signing'> = {
  name: 'signing',
  variables: SIGNING_VARIABLES,
  commands(program, context) {
    program.addCommand(verifyArtifactCommand(context));
  },
  compose: (kernel, earlier) => composeSigningPart(kernel, earlier),
};
