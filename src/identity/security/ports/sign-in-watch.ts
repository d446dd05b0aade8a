/**
 * The hook a sign-in calls so that a sign-in from a new device is told to the account's owner
 * (identity/accounts/services/login-service.ts calls it in `grant`, the one place every sign-in —
 * password, MFA step, external first factors — opens its session).
 */
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import type { User } from '../../accounts/domain/user.js';

/** What a sign-in shows of its device, unverified. */
export interface SignInDevice {
  /** The RFC 7638 thumbprint of the DPoP key the session is bound to. */
  readonly dpopJkt?: string | undefined;
  /** The device token (cookie or body) the client presented. */
  readonly deviceToken?: string | undefined;
}

/** Called once the session is open: the session's id and the device token handed out with it. */
export type AfterSignIn = (sessionId: string, issuedDeviceToken: Secret<string>) => Promise<void>;

/**
 * Guarantees: `judge` reads, never writes, and never rejects; it resolves with `undefined` when
 * the device is known to the account (or this is the account's first sign-in), else with the
 * step to run once the session is open, which never rejects either (an alert that cannot be
 * stored or mailed is logged: the sign-in stands).
 */
export interface SignInWatch {
  judge(user: User, device: SignInDevice, context: RequestContext): Promise<AfterSignIn | undefined>;
}
