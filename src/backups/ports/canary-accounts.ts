/**
 * The accounts a restore drill signs in as (the drill canary, docs/backups.md): created through
 * the identity capability, so that its password hash is the real hasher's and a drill's sign-in
 * on the restored copy exercises the same path every user's does.
 */
import type { Secret } from '../../kernel/domain/secret.js';

export interface CanaryAccounts {
  /** Whether the deployment has any account yet (the canary is never the first: it would take the bootstrap admin's place). */
  anyAccount(): Promise<boolean>;
  /** Creates the account `id` with `email` and `password` (hashed by the identity capability). Rejects on a conflict. */
  create(id: string, email: string, password: Secret<string>, now: number): Promise<void>;
}
