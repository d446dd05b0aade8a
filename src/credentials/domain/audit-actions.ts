/** The audit actions the credentials capability records (kernel/domain/audit-entry.ts, `AuditActions`). */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** An API key was created. */
    'api_key.create': true;
    /** An API key was rotated: a successor issued, the old key kept for the grace period. */
    'api_key.rotate': true;
    /** An API key was revoked. */
    'api_key.revoke': true;
    /** A presented API key was refused (a wrong secret, revoked, expired, its owner inactive). */
    'api_key.use': true;
    /** A service client was registered, through the API or by the operator (`rampart client create`). */
    'client.create': true;
    /** A service client was revoked, through the API or by the operator (`rampart client revoke`). */
    'client.revoke': true;
    /** A service client was issued an access token (client credentials grant). */
    'oauth.token': true;
    /** A service client introspected a token. */
    'oauth.introspect': true;
    /** A service client revoked one of its own tokens. */
    'oauth.revoke': true;
    /** A known service client failed to authenticate (a bad secret or assertion, the wrong method, revoked). */
    'oauth.client_authentication': true;
  }
}

/** The actions declared above, for the test that keeps every capability's list complete. */
export const CREDENTIALS_AUDIT_ACTIONS = [
  'api_key.create',
  'api_key.rotate',
  'api_key.revoke',
  'api_key.use',
  'client.create',
  'client.revoke',
  'oauth.token',
  'oauth.introspect',
  'oauth.revoke',
  'oauth.client_authentication',
] as const satisfies readonly AuditAction[];
