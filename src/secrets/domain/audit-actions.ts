/** The audit actions the secrets capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A new version of a secret was written. */
    'secret.write': true;
    /** A secret's value was revealed, or refused because the version asked is below its minimum decryption version. */
    'secret.reveal': true;
    /** A secret and all its versions were deleted. */
    'secret.delete': true;
    /** A secret's minimum decryption version was raised. */
    'secret.min_decryption_version': true;
    /** A stored secret version or an org's data key failed its integrity check and was not used. */
    'secret.integrity_failed': true;
    /** `rampart secrets rotate-data-keys` retired the active data keys of one org or of all. */
    'secrets.data_keys.rotate': true;
    /** `rampart secrets rewrap` moved secret versions to the active data keys and deleted the unused ones. */
    'secrets.rewrap': true;
    /** `rampart keys rotate-kek` made a new KEK active and rewrapped the data keys under it. */
    'secrets.kek.rotate': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const SECRETS_AUDIT_ACTIONS = [
  'secret.write',
  'secret.reveal',
  'secret.delete',
  'secret.min_decryption_version',
  'secret.integrity_failed',
  'secrets.data_keys.rotate',
  'secrets.rewrap',
  'secrets.kek.rotate',
] as const satisfies readonly AuditAction[];
