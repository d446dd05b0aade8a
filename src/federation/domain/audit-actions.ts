/**
 * The audit actions of the federation capability (declaration merging into the kernel's
 * `AuditActions`): the one file of the capability that adds to it; each area's list is below.
 * A successful external sign-in is identity's `auth.login` entry with `first_factor`
 * (`oidc:<name>`, `ldap:<name>`, `pam`); these record what happens around it.
 */
import type { AuditAction } from '../../kernel/domain/audit-entry.js';

declare module '../../kernel/domain/audit-entry.js' {
  interface AuditActions {
    /** An external sign-in (or link) callback was refused: a bad state, a failed provider check, an unverified email, a takeover attempt. */
    'federation.sign_in': true;
    /** An account was created from a provider's verified identity. */
    'federation.provision': true;
    /** An external identity was linked to an account (by the caller, or at sign-in by a verified email on both sides). */
    'federation.link': true;
    /** An external identity was unlinked from an account. */
    'federation.unlink': true;
    /** A directory (LDAP or PAM) sign-in was refused, with the reason (never the password). */
    'directory.login': true;
    /** A directory sign-in created a Rampart account and linked the directory entry to it. */
    'directory.account_provision': true;
    /** A directory sign-in updated the linked account's name or email from the directory. */
    'directory.account_update': true;
    /** The directory says the linked account is disabled: its Rampart sessions were revoked. */
    'directory.account_disable': true;
    /** A directory's group mapping added, changed or removed the account's membership of an org. */
    'directory.membership_sync': true;
    /**
     * A bearer token naming an external issuer was refused (untrusted issuer, wrong audience or
     * algorithm, too long a lifetime, expired, bad signature, unknown key, unmapped user or org).
     * Aggregated: the first refusal of an (issuer, reason) in a minute at once, the rest as one
     * entry with their `count`. Accepted tokens are not audited per request.
     */
    'federation.issuer_token': true;
  }
}

/** The oidc area's actions (OIDC/OAuth sign-in and linked identities). */
export const OIDC_AUDIT_ACTIONS = [
  'federation.sign_in',
  'federation.provision',
  'federation.link',
  'federation.unlink',
] as const satisfies readonly AuditAction[];

/** The directories' actions (LDAP and PAM). */
export const DIRECTORY_AUDIT_ACTIONS = [
  'directory.login',
  'directory.account_provision',
  'directory.account_update',
  'directory.account_disable',
  'directory.membership_sync',
] as const satisfies readonly AuditAction[];

/** The trusted issuers' action. */
export const ISSUER_AUDIT_ACTIONS = ['federation.issuer_token'] as const satisfies readonly AuditAction[];

/** The actions declared above, for the test that keeps every capability's list complete. */
export const FEDERATION_AUDIT_ACTIONS: readonly AuditAction[] = [
  ...OIDC_AUDIT_ACTIONS,
  ...DIRECTORY_AUDIT_ACTIONS,
  ...ISSUER_AUDIT_ACTIONS,
];
