/**
 * The operator's references to an org and a user (`rampart client … --org <org> --owner <user>`):
 * an org by id or slug, a user by id or email, resolved to ids — an unknown one is 404-like
 * `not_found`. The CLI reaches orgs and users through this, on the credentials facade, since a
 * command is handed one composed capability.
 */
import { normaliseEmail, type UserStore } from '../../identity/index.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { Tenancy } from '../../tenancy/index.js';

export class OperatorRefs {
  readonly #orgs: Pick<Tenancy['store'], 'resolve'>;
  readonly #users: Pick<UserStore, 'findByEmail' | 'findById'>;

  constructor(orgs: Pick<Tenancy['store'], 'resolve'>, users: Pick<UserStore, 'findByEmail' | 'findById'>) {
    this.#orgs = orgs;
    this.#users = users;
  }

  /** The id of the org `ref` (an id or a slug). */
  async orgId(ref: string): Promise<string> {
    const org = await this.#orgs.resolve(ref);
    if (org === undefined) throw new DomainError('not_found', `no org ${ref}`);
    return org.id;
  }

  /** The id of the user `ref` (an id, or an email when it holds an `@`). */
  async userId(ref: string): Promise<string> {
    const user = ref.includes('@') ? await this.#users.findByEmail(normaliseEmail(ref)) : await this.#users.findById(ref);
    if (user === undefined) throw new DomainError('not_found', `no user ${ref}`);
    return user.id;
  }
}
