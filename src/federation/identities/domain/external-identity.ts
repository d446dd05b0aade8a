/**
 * An identity at another system (an OIDC/OAuth provider, an LDAP directory, the PAM stack) linked
 * to one Rampart account: the provider's name and its stable subject, never a credential. Pure:
 * no I/O, no clock.
 */

/** `oidc:<name>`, `ldap:<name>` or `pam`: where the identity lives. */
export type ProviderRef = `oidc:${string}` | `ldap:${string}` | 'pam';

const PROVIDER_REF = /^(?:oidc:[a-z0-9][a-z0-9-]{0,39}|ldap:[a-z0-9][a-z0-9-]{0,39}|pam)$/;

/** Whether `value` is a well-formed {@link ProviderRef}. */
export function isProviderRef(value: string): value is ProviderRef {
  return PROVIDER_REF.test(value);
}

export interface ExternalIdentity {
  /** `ext_…` */
  readonly id: string;
  readonly userId: string;
  readonly provider: ProviderRef;
  /** The provider's stable id of the person (`sub`, a directory's DN or uid, a login name). */
  readonly subject: string;
  /** The email the provider gave at the last sign-in, lower-cased; `null` when it gave none. */
  readonly email: string | null;
  /** Whether the provider asserted that email verified. */
  readonly emailVerified: boolean;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** What a link records. `email` must already be lower-cased. */
export interface NewExternalIdentity {
  readonly id: string;
  readonly userId: string;
  readonly provider: ProviderRef;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly now: number;
}
