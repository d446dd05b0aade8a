/**
 * Signing in with a passkey (WebAuthn Level 3 §7.2), as a first factor or as the second step of
 * a login. Rules:
 * 1. first factor: the options name no credential, with or without `email` (a passkey is a
 *    discoverable credential), so their shape never tells whether an email has an account or
 *    passkeys; with `email`, the challenge is bound to that account, and an unknown email gets a
 *    challenge no credential can answer; user verification is required, so a verified passkey
 *    is two factors and the login opens without the MFA challenge;
 * 2. second factor: the options for a pending login (`mfa_token`) spend one of its attempts, list
 *    the account's passkeys and bind the challenge to that login (the token's hash); the verify
 *    step then completes the login through identity (`mfaLogin.completeProven`), which spends the
 *    MFA challenge exactly as a TOTP code would;
 * 3. every refusal is the assertion's 401 `invalid_credentials` (passkey-ceremonies.ts).
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { sha256 } from '../../kernel/crypto/digest.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { normaliseEmail, type User, type UserStore } from '../../identity/index.js';
import { authenticationOptions } from '../crypto/webauthn.js';
import { assertionRefused, type PasskeyCeremonies } from './passkey-ceremonies.js';

/** The binding of a challenge that no ceremony can spend: the sign-in of an email without an account. */
const NOBODY = 'nobody';

export interface PasskeySignInOptions {
  readonly ceremonies: PasskeyCeremonies;
  readonly users: Pick<UserStore, 'findById' | 'findByEmail'>;
  /** The pending login's user, spending one of its attempts (identity.mfaLogin.pendingUser). */
  readonly pendingUser: (mfaToken: Secret<string>, context: RequestContext) => Promise<string>;
}

/** The hash a second-factor challenge is bound to: the pending login's token, never stored in clear. */
export function loginBinding(mfaToken: Secret<string>): string {
  return sha256('passkey-mfa:', mfaToken.reveal()).toString('hex');
}

export class PasskeySignIn {
  readonly #o: PasskeySignInOptions;

  constructor(options: PasskeySignInOptions) {
    this.#o = Object.freeze({ ...options });
  }

  /** First-factor options; `email` binds the challenge to its account without saying whether it has one. */
  async options(email: string | undefined, context: RequestContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
    let userId: string | null = null;
    let binding: string | null = null;
    if (email !== undefined) {
      const user = await this.#o.users.findByEmail(normaliseEmail(email));
      if (user === undefined) binding = NOBODY;
      else userId = user.id;
    }
    const challenge = await this.#o.ceremonies.issue('sign_in', userId, binding, context);
    return authenticationOptions(this.#o.ceremonies.rp, challenge, []);
  }

  /** Options for the second step of the login `mfaToken` is pending for. */
  async mfaOptions(mfaToken: Secret<string>, context: RequestContext): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const userId = await this.#o.pendingUser(mfaToken, context);
    const allow = await this.#o.ceremonies.passkeys.allOf(userId);
    const challenge = await this.#o.ceremonies.issue('mfa', userId, loginBinding(mfaToken), context);
    return authenticationOptions(this.#o.ceremonies.rp, challenge, allow);
  }

  /** The user a first-factor assertion proves (verified, counter advanced); 401 otherwise. */
  async verify(response: AuthenticationResponseJSON, context: RequestContext): Promise<User> {
    const { ceremonies } = this.#o;
    const claimed = await ceremonies.claim(response.response.clientDataJSON, 'sign_in', null);
    const passkey = await ceremonies.assert(response, claimed, context);
    const user = await this.#o.users.findById(passkey.userId);
    // The account went while the ceremony ran (its passkeys cascade): nothing to sign in to.
    if (user === undefined) throw assertionRefused();
    return user;
  }

  /** The user an assertion proves for the second step of the login `mfaToken`; 401 otherwise. */
  async verifyForLogin(mfaToken: Secret<string>, response: AuthenticationResponseJSON, context: RequestContext): Promise<string> {
    const { ceremonies } = this.#o;
    const claimed = await ceremonies.claim(response.response.clientDataJSON, 'mfa', loginBinding(mfaToken));
    return (await ceremonies.assert(response, claimed, context)).userId;
  }
}
