/**
 * Adding a passkey to the caller's account (WebAuthn Level 3 §7.1). Rules:
 * 1. only a signed-in user with a session registers (an API key has no session to bind to); the
 *    options exclude the account's credentials (§5.4.3), ask for a discoverable credential with
 *    user verification, and their challenge is bound to that session;
 * 2. the response must answer a challenge of this session (single use, five minutes), on a
 *    configured origin and the RP ID, with user verification: anything else is 400
 *    `validation_failed` on `response`, recorded as a `passkey.register` failure;
 * 3. a credential id already stored (by anyone), or an account at its cap of passkeys, is 409
 *    `conflict`; the success entry is durable before the credential is stored;
 * 4. the security event `passkey_added` is recorded for the account (when identity offers it).
 */
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { auditedChange } from '../../kernel/audited-change.js';
import { randomKey } from '../../kernel/crypto/random.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import { userAuditEvent, type RequestContext } from '../../kernel/domain/request-context.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { UserStore } from '../../identity/index.js';
import { registrationOptions, verifyRegistration } from '../crypto/webauthn.js';
import { MAX_PASSKEYS_PER_USER, type Passkey } from '../domain/passkey.js';
import type { PasskeyCeremonies } from './passkey-ceremonies.js';
import type { PasskeyEvents } from './passkey-events.js';

/** The caller of a registration: a user on a session. */
export interface SessionActor extends RequestContext {
  readonly userId: string;
  readonly sessionId: string | undefined;
}

export interface PasskeyRegistrationOptions {
  readonly ceremonies: PasskeyCeremonies;
  readonly users: Pick<UserStore, 'findById'>;
  readonly events: PasskeyEvents;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

/** A new passkey's id: `pk_` and 128 random bits, hex. */
function newPasskeyId(): string {
  return `pk_${randomKey(16).toString('hex')}`;
}

/** The session a ceremony is bound to; a caller without one (an API key) is refused. */
export function sessionOf(actor: SessionActor): string {
  if (actor.sessionId === undefined) throw new DomainError('forbidden', 'Only a signed-in session can use passkeys here');
  return actor.sessionId;
}

export class PasskeyRegistration {
  readonly #o: PasskeyRegistrationOptions;

  constructor(options: PasskeyRegistrationOptions) {
    this.#o = Object.freeze({ ...options });
  }

  async options(actor: SessionActor): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const sessionId = sessionOf(actor);
    const user = await this.#o.users.findById(actor.userId);
    if (user === undefined || user.status !== 'active') throw new DomainError('session_revoked', 'The account is no longer active');
    const { ceremonies } = this.#o;
    const exclude = await ceremonies.passkeys.allOf(user.id);
    const challenge = await ceremonies.issue('register', user.id, sessionId, actor);
    return registrationOptions(ceremonies.rp, user, challenge, exclude);
  }

  async register(actor: SessionActor, response: RegistrationResponseJSON, name: string | undefined): Promise<Passkey> {
    const sessionId = sessionOf(actor);
    const { ceremonies } = this.#o;
    const claimed = await ceremonies.claim(response.response.clientDataJSON, 'register', sessionId);
    if (claimed === undefined || claimed.userId !== actor.userId) return this.#refuse(actor, 'unknown_challenge');
    const verdict = await verifyRegistration(ceremonies.rp, response, claimed.challenge);
    if (!verdict.ok) return this.#refuse(actor, verdict.reason);
    const now = this.#o.clock.now();
    const passkey: Passkey = Object.freeze({
      id: newPasskeyId(),
      userId: actor.userId,
      ...verdict.value,
      name: name ?? 'Passkey',
      createdAt: now,
      lastUsedAt: null,
    });
    const event = userAuditEvent({
      userId: actor.userId,
      action: 'passkey.register',
      resource: passkey.id,
      context: actor,
      details: { aaguid: passkey.aaguid, backup_eligible: passkey.backupEligible, transports: passkey.transports.join(' ') },
    });
    await auditedChange(this.#o.audit, event, async () => {
      if (!(await ceremonies.passkeys.add(passkey, MAX_PASSKEYS_PER_USER))) {
        throw new DomainError('conflict', `This passkey is already registered, or the account holds ${MAX_PASSKEYS_PER_USER} passkeys`);
      }
    });
    await this.#o.events.added(actor.userId, passkey, actor);
    return passkey;
  }

  async #refuse(actor: SessionActor, reason: string): Promise<never> {
    await this.#o.audit.record(
      userAuditEvent({ userId: actor.userId, action: 'passkey.register', resource: actor.userId, context: actor, reason }),
    );
    throw validationFailed([
      { field: 'body.response', reason: 'is not a valid registration for a challenge of this session: ask for new options' },
    ]);
  }
}
