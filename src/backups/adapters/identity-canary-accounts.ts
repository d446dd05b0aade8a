/**
 * {@link CanaryAccounts} on the identity capability: its user store and its password hasher
 * (argon2id at the deployment's parameters). The canary has no membership: signing in grants it
 * nothing but its own account.
 */
import type { Identity } from '../../identity/index.js';
import type { Secret } from '../../kernel/domain/secret.js';
import type { CanaryAccounts } from '../ports/canary-accounts.js';

export class IdentityCanaryAccounts implements CanaryAccounts {
  readonly #identity: Pick<Identity, 'users' | 'hasher'>;

  constructor(identity: Pick<Identity, 'users' | 'hasher'>) {
    this.#identity = identity;
  }

  async anyAccount(): Promise<boolean> {
    return (await this.#identity.users.count()) > 0;
  }

  async create(id: string, email: string, password: Secret<string>, now: number): Promise<void> {
    const passwordHash = await this.#identity.hasher.hash(password);
    await this.#identity.users.create({ id, email, name: 'Rampart restore-drill canary', passwordHash, now });
  }
}
