/**
 * Where licences and their activations are kept. Tenant methods take the request's
 * {@link TenantScope}; the public activation path finds a licence by the id its key names, across
 * orgs, before any scope exists.
 *
 * Guarantees (test/integration/licences.test.ts checks them on SQLite and PostgreSQL):
 * - `issue`, `revoke`, `activate` and `deactivate` append their event (`licence.*`) in the same
 *   transaction as their change: both commit or neither does;
 * - `activate` is atomic per licence: however many installations race, at most `maxActivations`
 *   live activations exist, and one installation holds at most one live activation (a second
 *   `activate` of it answers the live one, `existing`);
 * - `revoke` and `deactivate` change a live row only (`false` otherwise): a replay changes nothing;
 * - `check` reads the database every time (no cache), so a revocation or a deactivation made on
 *   any instance is seen by the next check on every instance.
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { Activation, Licence, StoredLicence } from '../domain/licence.js';

export interface NewLicence {
  readonly id: string;
  readonly product: string;
  readonly features: readonly string[];
  readonly maxActivations: number;
  readonly notBefore: number;
  readonly expiresAt: number | null;
  readonly keyHash: string;
  readonly keyId: string;
  readonly createdBy: string;
  readonly now: number;
}

export type ActivationOutcome =
  { readonly outcome: 'activated' | 'existing'; readonly activation: Activation } | { readonly outcome: 'limit' | 'revoked' | 'missing' };

/** What a status check needs: the licence's standing and the activation's. */
export interface ActivationCheck {
  readonly licence: Pick<Licence, 'id' | 'orgId' | 'revokedAt' | 'notBefore' | 'expiresAt' | 'product' | 'features'>;
  readonly activation: Activation | undefined;
}

export interface LicenceStore {
  issue(scope: TenantScope, licence: NewLicence): Promise<void>;
  /** A page of the org's licences by id, after `after`. */
  list(scope: TenantScope, after: string | undefined, limit: number): Promise<readonly Licence[]>;
  /** One licence of the org, with its live activations counted; undefined when not the org's. */
  find(scope: TenantScope, id: string): Promise<Licence | undefined>;
  revoke(scope: TenantScope, id: string, by: string, now: number): Promise<boolean>;
  /** The licence a presented key names, in any org (the public activation path). */
  findForKey(id: string): Promise<StoredLicence | undefined>;
  activate(licenceId: string, installationId: string, activationId: string, now: number): Promise<ActivationOutcome>;
  /** The licence and activation a token names, read fresh; undefined when the licence does not exist. */
  check(licenceId: string, activationId: string): Promise<ActivationCheck | undefined>;
  /** Records that the activation was seen at `now` (bookkeeping, not audited). */
  touch(activationId: string, now: number): Promise<void>;
  deactivate(licenceId: string, activationId: string, now: number): Promise<Activation | undefined>;
}
