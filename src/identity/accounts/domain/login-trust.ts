/**
 * Which sign-in attempts pass the account-wide throttle (docs/decisions/011-login-throttling.md),
 * as a pure rule. An attempt is trusted when it comes from a device that signed in to the
 * account before, since its last password change (a password reset after a compromise ends every
 * earlier device's trust):
 * 1. `device_token`: it carries a valid device token of the account (OWASP's device cookie);
 * 2. `dpop_key`: its DPoP proof is by a key a session of the account was bound to;
 * 3. `known_device`: a sign-in of the account came from the same source (IPv4 address, IPv6 /64)
 *    with the same user agent.
 * Separately, `recent` says the account had a successful sign-in within the trust window: such
 * an attempt gets a better place in the hashing queue, but no pass of the throttle.
 */
import { loginSourceKey } from './login-source.js';

/** One past sign-in: where it came from and, for a DPoP-bound token session, the key's thumbprint. */
export interface PastSignIn {
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** RFC 7638 thumbprint of the DPoP key the session was bound to; `null` when unbound. */
  readonly dpopJkt: string | null;
  readonly createdAt: number;
}

/** How far back sign-ins count: 90 days. */
export const TRUST_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
/** How many past sign-ins are read. */
export const TRUST_HISTORY_LIMIT = 100;

export type TrustReason = 'device_token' | 'dpop_key' | 'known_device';

/** What the attempt shows of its device. */
export interface AttemptDevice {
  readonly source: string;
  readonly userAgent: string | undefined;
  readonly dpopJkt: string | undefined;
  /** When the device token it carried (valid for this account) was issued. */
  readonly deviceTokenIssuedAt: number | undefined;
}

export interface LoginTrust {
  readonly trusted: TrustReason | undefined;
  readonly recent: boolean;
}

/** Judges `attempt` against the account's sign-ins since `since` (the later of the trust window and the last password change). */
export function judgeTrust(attempt: AttemptDevice, history: readonly PastSignIn[], since: number): LoginTrust {
  const valid = history.filter((past) => past.createdAt >= since);
  const recent = valid.length > 0;
  if (attempt.deviceTokenIssuedAt !== undefined && attempt.deviceTokenIssuedAt >= since) return { trusted: 'device_token', recent };
  if (attempt.dpopJkt !== undefined && valid.some((past) => past.dpopJkt === attempt.dpopJkt)) return { trusted: 'dpop_key', recent };
  const agent = attempt.userAgent ?? null;
  const known = valid.some((past) => past.ip !== null && past.userAgent === agent && loginSourceKey(past.ip) === attempt.source);
  return { trusted: known ? 'known_device' : undefined, recent };
}
