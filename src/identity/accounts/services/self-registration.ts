/**
 * `POST /api/v1/auth/register`, only when RAMPART_SELF_REGISTRATION=true (else 403). The policy
 * applies. A taken email answers 409 `conflict` (the spec allows it): hiding it would need an
 * email-verification round trip Rampart does not have yet; the route's rate limit bounds probing.
 */
import type { PasswordHasher } from '../crypto/password-hasher.js';
import { newId } from '../../../kernel/crypto/random-id.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { Secret } from '../../../kernel/domain/secret.js';
import { normaliseEmail, SYSTEM_ORG_SLUG, type User } from '../domain/user.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { UserStore } from '../ports/user-store.js';
import { requireAcceptablePassword } from './new-password.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';

export interface SelfRegistrationOptions {
  readonly enabled: boolean;
  readonly users: UserStore;
  readonly hasher: PasswordHasher;
  readonly policy: PasswordPolicy;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export class SelfRegistration {
  readonly #o: SelfRegistrationOptions;

  constructor(options: SelfRegistrationOptions) {
    this.#o = options;
  }

  async register(input: { email: string; password: Secret<string>; name?: string }, context: RequestContext): Promise<User> {
    const { users, hasher, policy, clock } = this.#o;
    if (!this.#o.enabled) throw new DomainError('forbidden', 'Self-registration is not enabled');
    requireAcceptablePassword(policy, input.password, 'password');
    const id = newId('usr');
    await users.create({
      id,
      email: normaliseEmail(input.email),
      name: input.name ?? null,
      passwordHash: await hasher.hash(input.password),
      now: clock.now(),
    });
    await this.#o.audit.record({
      org: SYSTEM_ORG_SLUG,
      actor: { type: 'user', id },
      action: 'user.register',
      resource: id,
      result: 'success',
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      subject: id,
    });
    const user = await users.findById(id);
    if (user === undefined) throw new DomainError('not_found', 'No such user');
    return user;
  }
}
