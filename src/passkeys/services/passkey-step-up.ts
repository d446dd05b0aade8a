/**
 * Step-up with a passkey (docs/decisions/012-step-up.md, 028-passkeys.md): a user-verified
 * assertion on the caller's own session counts as a fresh authentication, for the step-up window
 * (RAMPART_STEP_UP_WINDOW) like a password or a TOTP code. The options list the caller's passkeys
 * and bind their challenge to the session; the assertion must answer that challenge (single use,
 * five minutes) with a passkey of the caller; identity then marks the session fresh
 * (`stepUp.proven`, audited `auth.step_up` with `method: passkey`).
 */
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { RequestContext } from '../../kernel/domain/request-context.js';
import type { FactorMethod } from '../../identity/index.js';
import { authenticationOptions } from '../crypto/webauthn.js';
import type { PasskeyCeremonies } from './passkey-ceremonies.js';
import { sessionOf, type SessionActor } from './passkey-registration.js';

/** What identity's step-up offers a factor proven elsewhere (identity.stepUp.proven). */
export interface StepUpMarker {
  proven(
    userId: string,
    sessionId: string | undefined,
    method: FactorMethod,
    context: RequestContext,
  ): Promise<{ readonly method: string; readonly freshUntil: number }>;
}

export class PasskeyStepUp {
  readonly #ceremonies: PasskeyCeremonies;
  readonly #stepUp: StepUpMarker;

  constructor(ceremonies: PasskeyCeremonies, stepUp: StepUpMarker) {
    this.#ceremonies = ceremonies;
    this.#stepUp = stepUp;
  }

  async options(actor: SessionActor): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const sessionId = sessionOf(actor);
    const allow = await this.#ceremonies.passkeys.allOf(actor.userId);
    const challenge = await this.#ceremonies.issue('step_up', actor.userId, sessionId, actor);
    return authenticationOptions(this.#ceremonies.rp, challenge, allow);
  }

  async prove(actor: SessionActor, response: AuthenticationResponseJSON): Promise<{ readonly freshUntil: number }> {
    const sessionId = sessionOf(actor);
    const claimed = await this.#ceremonies.claim(response.response.clientDataJSON, 'step_up', sessionId);
    // Bound to this session, so its user is the caller's: assert() checks the passkey is theirs.
    const passkey = await this.#ceremonies.assert(response, claimed, actor);
    return this.#stepUp.proven(passkey.userId, sessionId, 'passkey', actor);
  }
}
