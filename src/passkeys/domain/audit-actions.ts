/** The audit actions the passkeys capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** A ceremony's challenge was issued (registration, sign-in, second factor or step-up options). */
    'passkey.challenge': true;
    /** A passkey was registered (or a registration was refused: a bad attestation, a stale challenge). */
    'passkey.register': true;
    /** A passkey was renamed. */
    'passkey.rename': true;
    /** A passkey was deleted. */
    'passkey.delete': true;
    /**
     * A passkey assertion was checked (sign-in, second factor or step-up), both outcomes; a failure
     * with reason `counter_regression` is a cloned authenticator and raises a `security.alert`.
     */
    'passkey.authenticate': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const PASSKEYS_AUDIT_ACTIONS = [
  'passkey.challenge',
  'passkey.register',
  'passkey.rename',
  'passkey.delete',
  'passkey.authenticate',
] as const satisfies readonly AuditAction[];
