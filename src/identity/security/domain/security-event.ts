/**
 * A security event of an account: what its owner is told about (by mail, from the outbox) and can
 * list at `GET /api/v1/me/security-events`. The contract between the modules that cause them
 * (identity's own flows, credentials' API keys, passkeys, federation) and identity/security/,
 * which stores them, notifies, and answers the list. Never a secret in `details`.
 */
import type { RequestContext } from '../../../kernel/domain/request-context.js';

export type SecurityEventKind =
  | 'sign_in_new_device'
  | 'password_changed'
  | 'password_reset'
  | 'email_changed'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'passkey_added'
  | 'passkey_removed'
  | 'api_key_created'
  | 'recovery_code_used'
  | 'sessions_revoked_by_admin';

export interface SecurityEventInput {
  readonly userId: string;
  readonly kind: SecurityEventKind;
  /** The request that caused it (address, user agent, request id), when there is one. */
  readonly context?: RequestContext;
  /** Metadata shown to the user (a key's name, a device): never a secret. */
  readonly details?: Readonly<Record<string, string>>;
  /** Another address to tell as well (an email change tells the old address). */
  readonly alsoNotify?: string;
}

/** Records a security event of an account and queues its notification (identity.securityEvents). */
export interface SecurityEventRecorder {
  record(event: SecurityEventInput): Promise<void>;
}
