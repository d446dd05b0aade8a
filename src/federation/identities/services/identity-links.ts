/**
 * The caller's linked identities (`/api/v1/me/identities`): list them, start a link at a
 * provider, unlink one. The rules:
 * 1. linking and unlinking change the ways into the account: when the account has any way to
 *    step up (a password, a second factor), the session must be fresh (`step_up_required`), so
 *    a stolen session cannot quietly add a way in for its thief, nor remove the owner's;
 * 2. an unlink never removes the last way to sign in: an account without a password and without
 *    another registered way (a passkey) keeps its last identity — 409 `conflict` (checked again,
 *    atomically, by the store);
 * 3. another account's identity id is 404, as if it did not exist.
 * The unlink is an audited change (`federation.unlink`, entry first).
 */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { Identity } from '../../../identity/index.js';
import type { ExternalIdentity } from '../domain/external-identity.js';
import type { ExternalIdentityStore } from '../ports/external-identity-store.js';
import type { SignInWays } from './sign-in-ways.js';
import type { FederatedSignIn, StartedFlow } from '../../oidc/services/federated-sign-in.js';

/** The caller, as these routes see it. */
export interface LinkActor extends RequestContext {
  readonly userId: string;
  readonly sessionId: string | undefined;
}

export interface IdentityLinksOptions {
  readonly identities: ExternalIdentityStore;
  readonly ways: SignInWays;
  readonly identity: Pick<Identity, 'users' | 'stepUp'>;
  readonly flows: Pick<FederatedSignIn, 'start'>;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export class IdentityLinks {
  readonly #o: IdentityLinksOptions;

  constructor(options: IdentityLinksOptions) {
    this.#o = options;
  }

  list(userId: string, after: string | undefined, limit: number): Promise<readonly ExternalIdentity[]> {
    return this.#o.identities.listOfUser(userId, after, limit);
  }

  /** Starts a link at provider `name` for the caller: the authorization URL and the state cookie. */
  async start(name: string, actor: LinkActor, route: string): Promise<StartedFlow> {
    await this.#freshIfPossible(actor, route);
    return this.#o.flows.start(name, 'token', actor.userId);
  }

  /** Unlinks the caller's identity `id` (rules 1–3 of the module comment). */
  async unlink(id: string, actor: LinkActor, route: string): Promise<void> {
    const { identities } = this.#o;
    const user = await this.#o.identity.users.findById(actor.userId);
    const identity = await identities.findOfUser(actor.userId, id);
    if (user === undefined || identity === undefined) throw new DomainError('not_found', 'No such identity');
    await this.#freshIfPossible(actor, route);
    const keepOne = user.passwordHash === null && !(await this.#o.ways.any(user.id));
    if (keepOne && (await identities.countOfUser(user.id)) <= 1) throw lastWay();
    await auditedChange(
      this.#o.audit,
      {
        org: 'system',
        actor: { type: 'user', id: user.id },
        action: 'federation.unlink',
        resource: id,
        result: 'success',
        sourceIp: actor.ip,
        requestId: actor.requestId,
        ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
        details: { provider: identity.provider },
        subject: user.id,
      },
      async () => {
        const outcome = await identities.unlink(user.id, id, keepOne);
        if (outcome === 'last') throw lastWay();
        if (outcome === 'not_found') throw new DomainError('not_found', 'No such identity');
      },
    );
  }

  async #freshIfPossible(actor: LinkActor, route: string): Promise<void> {
    const { stepUp } = this.#o.identity;
    // An account with no way to step up (no password, no factor) cannot be asked for one.
    if ((await stepUp.methods(actor.userId)).length === 0) return;
    await stepUp.require(actor.userId, actor.sessionId, actor, route);
  }
}

function lastWay(): DomainError {
  return new DomainError('conflict', 'This is the last way to sign in to the account: set a password or add a passkey first');
}
