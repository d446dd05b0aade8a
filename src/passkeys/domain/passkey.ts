/**
 * A passkey: a WebAuthn credential of one account (docs/decisions/028-passkeys.md). Pure types
 * and rules: what is stored of a credential, the ceremonies' purposes and their lifetimes, and
 * the signature-counter rule that tells a cloned authenticator.
 */

/** How an authenticator may reach the client (WebAuthn Level 3 §5.8.4, `AuthenticatorTransport`). */
export const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A stored credential, as the services see it (the public key is not secret; nothing here is). */
export interface Passkey {
  readonly id: string;
  readonly userId: string;
  /** The WebAuthn credential id, base64url. */
  readonly credentialId: string;
  /** The COSE public key (RFC 9053), base64url. */
  readonly publicKey: string;
  readonly signCount: number;
  readonly transports: readonly Transport[];
  readonly aaguid: string;
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** What a registration stores. */
export type NewPasskey = Omit<Passkey, 'lastUsedAt'>;

/**
 * What a challenge is for, and so what it is bound to:
 * - `register`: adding a passkey, bound to the caller's session;
 * - `sign_in`: a first-factor sign-in, bound to nothing (username-less) or to an account;
 * - `mfa`: the second step of a login, bound to its `mfa_token` (by hash);
 * - `step_up`: a fresh authentication, bound to the caller's session.
 */
export type CeremonyPurpose = 'register' | 'sign_in' | 'mfa' | 'step_up';

/** A challenge lives five minutes (the issue), like an `mfa_token`. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** The timeout the options ask the browser to give the user, within the challenge's life. */
export const CEREMONY_TIMEOUT_MS = 4 * 60_000;

/** The most passkeys one account may hold (an account is not a storage service). */
export const MAX_PASSKEYS_PER_USER = 20;

/**
 * WebAuthn Level 3 §7.2 step 22 (§6.1.1): when either the stored or the presented signature
 * counter is non-zero, the presented one must be greater; otherwise the authenticator may have
 * been cloned. Authenticators that keep no counter (synced passkeys) always present 0.
 */
export function counterRegressed(stored: number, presented: number): boolean {
  return (stored > 0 || presented > 0) && presented <= stored;
}
