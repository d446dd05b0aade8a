/**
 * What every passkey ceremony shares (docs/decisions/028-passkeys.md). Rules, in order:
 * 1. a challenge is 256 random bits, stored only as SHA-256 with its purpose, its user and its
 *    binding (a session, a pending login, or nothing), for five minutes; its entry
 *    (`passkey.challenge`) is recorded before it is stored;
 * 2. a response is matched to its challenge by the one its `clientDataJSON` names, and spends it
 *    by one guarded statement only when purpose and binding match: a replayed, expired, unknown or
 *    differently bound challenge is refused, and a refusal never spends another caller's challenge;
 * 3. an assertion must come from a stored credential of the challenge's user (when it names one),
 *    whose user handle (when sent) is that user, on a configured origin and the RP ID, with user
 *    verification; anything else is 401 `invalid_credentials`, the same answer for every cause;
 * 4. the signature counter must move forward when either value is non-zero (WebAuthn Level 3
 *    §6.1.1): a counter that goes backwards is a cloned authenticator — refused, recorded as a
 *    `passkey.authenticate` failure `counter_regression`, which the audit log's alert rules turn
 *    into a `security.alert`;
 * 5. a success is recorded (`passkey.authenticate`) before the counter moves (compare-and-set: of
 *    two uses of one assertion at most one passes); every refusal is recorded with its reason.
 */
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { userAuditEvent, type RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import { challengeOf, hashChallenge, newChallenge } from '../crypto/ceremony-challenge.js';
import { verifyAssertion, type RelyingParty } from '../crypto/webauthn.js';
import { CHALLENGE_TTL_MS, counterRegressed, type CeremonyPurpose, type Passkey } from '../domain/passkey.js';
import type { PasskeyChallengeStore, StoredChallenge } from '../ports/passkey-challenge-store.js';
import type { PasskeyStore } from '../ports/passkey-store.js';

export interface PasskeyCeremoniesOptions {
  readonly passkeys: PasskeyStore;
  readonly challenges: PasskeyChallengeStore;
  readonly rp: RelyingParty;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** A challenge spent by a response: the value (for the library's check) and what it was bound to. */
export interface ClaimedChallenge extends StoredChallenge {
  readonly challenge: string;
}

/** The one refusal of an assertion, whatever the cause (the audit entry keeps the cause). */
export function assertionRefused(): DomainError {
  return new DomainError('invalid_credentials', 'The passkey could not be verified: ask for new options and try again');
}

export class PasskeyCeremonies {
  readonly #o: PasskeyCeremoniesOptions;

  constructor(options: PasskeyCeremoniesOptions) {
    this.#o = Object.freeze({ ...options });
  }

  get rp(): RelyingParty {
    return this.#o.rp;
  }

  get passkeys(): PasskeyStore {
    return this.#o.passkeys;
  }

  /** A new challenge for `purpose`, stored (hashed) once its entry is durable. */
  async issue(purpose: CeremonyPurpose, userId: string | null, binding: string | null, context: RequestContext): Promise<string> {
    const challenge = newChallenge();
    const hash = hashChallenge(challenge);
    if (hash === null) throw new Error('a new challenge does not have the challenge shape');
    const event = userAuditEvent({ userId, action: 'passkey.challenge', resource: userId ?? 'passkey', context, details: { purpose } });
    await auditedChange(this.#o.audit, event, async () => {
      const now = this.#o.clock.now();
      await this.#o.challenges.create(hash, { purpose, userId, binding }, now, now + CHALLENGE_TTL_MS);
    });
    return challenge;
  }

  /** Spends the challenge `clientDataJson` names, if it is of `purpose` and bound to `binding`. */
  async claim(clientDataJson: string, purpose: CeremonyPurpose, binding: string | null): Promise<ClaimedChallenge | undefined> {
    const challenge = challengeOf(clientDataJson);
    const hash = challenge === null ? null : hashChallenge(challenge);
    if (challenge === null || hash === null) return undefined;
    const stored = await this.#o.challenges.consume(hash, purpose, binding, this.#o.clock.now());
    return stored === undefined ? undefined : Object.freeze({ ...stored, challenge });
  }

  /**
   * Verifies an assertion for the challenge `claimed` (already spent; `undefined` when none
   * matched) and advances the credential's counter: the passkey, or 401 `invalid_credentials`.
   */
  async assert(response: AuthenticationResponseJSON, claimed: ClaimedChallenge | undefined, context: RequestContext): Promise<Passkey> {
    const purpose = claimed?.purpose ?? 'unknown';
    if (claimed === undefined) return this.#refuse(null, 'passkey', purpose, 'unknown_challenge', context);
    const passkey = await this.#o.passkeys.findByCredentialId(response.id);
    if (passkey === undefined) return this.#refuse(claimed.userId, 'passkey', purpose, 'unknown_credential', context);
    // A credential of another account than the one the ceremony is for: never that account's proof.
    if (claimed.userId !== null && passkey.userId !== claimed.userId) {
      return this.#refuse(claimed.userId, passkey.id, purpose, 'other_user', context);
    }
    const handle = response.response.userHandle;
    if (handle !== undefined && handle !== '' && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) {
      return this.#refuse(passkey.userId, passkey.id, purpose, 'wrong_user_handle', context);
    }
    const verdict = await verifyAssertion(this.#o.rp, response, claimed.challenge, passkey);
    if (!verdict.ok) return this.#refuse(passkey.userId, passkey.id, purpose, verdict.reason, context);
    const presented = verdict.value.signCount;
    if (counterRegressed(passkey.signCount, presented)) {
      return this.#refuse(passkey.userId, passkey.id, purpose, 'counter_regression', context, {
        stored_counter: passkey.signCount,
        presented_counter: presented,
      });
    }
    const event = userAuditEvent({
      userId: passkey.userId,
      action: 'passkey.authenticate',
      resource: passkey.id,
      context,
      details: { purpose, counter: presented, backed_up: verdict.value.backedUp },
    });
    await auditedChange(this.#o.audit, event, async () => {
      const moved = await this.#o.passkeys.advanceCounter(
        passkey.id,
        passkey.signCount,
        presented,
        verdict.value.backedUp,
        this.#o.clock.now(),
      );
      // Another use of the same assertion (or a newer one) moved the counter first.
      if (!moved) throw assertionRefused();
    });
    return passkey;
  }

  async #refuse(
    userId: string | null,
    resource: string,
    purpose: string,
    reason: string,
    context: RequestContext,
    details: Readonly<Record<string, unknown>> = {},
  ): Promise<never> {
    await this.#o.audit.record(
      userAuditEvent({ userId, action: 'passkey.authenticate', resource, context, reason, details: { purpose, ...details } }),
    );
    throw assertionRefused();
  }
}
