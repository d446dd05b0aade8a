/**
 * `POST /api/v1/authz/check`: the decision, offered to applications. The rules:
 * 1. without `subject`, the caller asks about itself;
 * 2. asking about another user needs `members.read` in the org (an org the caller cannot see is
 *    404, as everywhere); the subject is then judged as that user with its whole role;
 * 3. the answer is the pure `decide()`'s: deny by default, an unknown permission denied;
 * 4. about another subject, an id with no account, a disabled account and a non-member get one
 *    answer, by the same path (the account and the membership are both read every time): the
 *    check does not tell which user ids exist.
 */
import { DomainError } from '../../kernel/domain/errors.js';
import type { DecisionResource } from '../domain/decide.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantAuthorizer } from './tenant-authorizer.js';

export interface AuthzQuestion {
  readonly subject?: string;
  readonly org: string;
  readonly permission: string;
  readonly resource?: DecisionResource;
}

export interface AuthzAnswer {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Rule 4's one answer. */
const NOT_A_MEMBER: AuthzAnswer = Object.freeze({ allowed: false, reason: 'the subject is not an active member of the org' });

export class AuthzCheck {
  readonly #authorizer: TenantAuthorizer;

  constructor(authorizer: TenantAuthorizer) {
    this.#authorizer = authorizer;
  }

  async check(caller: Principal, question: AuthzQuestion): Promise<AuthzAnswer> {
    const asksAboutOther = question.subject !== undefined && !(caller.type === 'user' && caller.id === question.subject);
    if (asksAboutOther) {
      const gate = await this.#authorizer.check(caller, question.org, 'members.read');
      if (!gate.allow) {
        if (gate.hide === true) throw new DomainError('not_found', 'No such org');
        throw new DomainError('forbidden', 'Asking about another subject needs members.read');
      }
    } else {
      // The caller must at least see the org: a non-member learns nothing about it.
      const org = await this.#authorizer.orgView(question.org);
      const subject = org === undefined ? undefined : await this.#authorizer.subject(caller, org);
      const confined = caller.org !== undefined && org !== undefined && caller.org !== org.id;
      if (org === undefined || subject?.role === undefined || !subject.active || confined)
        throw new DomainError('not_found', 'No such org');
    }
    const principal: Principal =
      asksAboutOther && question.subject !== undefined ? { type: 'user', id: question.subject, via: 'bearer' } : caller;
    if (asksAboutOther) {
      const org = await this.#authorizer.orgView(question.org);
      const subject = org === undefined ? undefined : await this.#authorizer.subject(principal, org);
      if (subject === undefined || !subject.active || subject.role === undefined) return NOT_A_MEMBER;
    }
    const decision = await this.#authorizer.check(principal, question.org, question.permission, question.resource);
    return { allowed: decision.allow, reason: decision.reason };
  }
}
