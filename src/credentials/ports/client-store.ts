/**
 * Where an org's OAuth service clients live, with the access tokens revoked by `jti` and the
 * client assertions already used. Org-scoped methods take the {@link TenantScope} the
 * authorization layer minted and never reach another org's rows; the token endpoint's lookups run
 * before any scope exists (the client is who authenticates) and are named for it.
 */
import type { StoredServiceClient } from '../domain/service-client.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

export interface NewServiceClient {
  readonly id: string;
  readonly name: string;
  readonly authMethod: StoredServiceClient['authMethod'];
  readonly secretHash: string | null;
  readonly jwks: StoredServiceClient['jwks'];
  readonly scopes: readonly string[];
  /** The audiences its tokens may be issued for (RFC 8707); none or empty: Rampart's only. */
  readonly audiences?: readonly string[];
  readonly createdBy: string;
  readonly now: number;
}

/** What an instance must refuse from memory: revoked clients and revoked token ids. */
export interface ClientRevocationRecord {
  readonly id: string;
  readonly revokedAt: number;
}

/**
 * Guarantees (test/contract/client-store.contract.ts checks each, on every adapter and backend,
 * with several instances racing; test/integration/service-clients.test.ts checks them through the
 * server):
 * - scoped methods only see the scope's org (PostgreSQL: row-level security as well), and the
 *   operator's methods only the org they name;
 * - `revoke` sets `revoked_at` once and resolves true only for the call that did;
 * - `useAssertion` is atomic: of N concurrent calls with one `(client, jti)`, exactly one
 *   resolves true (RFC 7523 §3 item 7), and an entry lives until the assertion expires;
 * - `revokeToken` is idempotent: the first revocation of a `jti` is kept;
 * - `revokedSince` returns every revocation an instance starting at `since` must still enforce.
 * The port has no secret rotation: a client is replaced by creating another and revoking it.
 */
export interface ClientStore {
  create(scope: TenantScope, client: NewServiceClient): Promise<void>;
  list(scope: TenantScope): Promise<readonly StoredServiceClient[]>;
  find(scope: TenantScope, id: string): Promise<StoredServiceClient | undefined>;
  revoke(scope: TenantScope, id: string, now: number): Promise<boolean>;
  /**
   * System work by the operator (`rampart client`), outside any request and so without a scope:
   * the same as the scoped methods on the org `orgId`, which the caller has resolved and checked.
   */
  operator: {
    create(orgId: string, client: NewServiceClient): Promise<void>;
    list(orgId: string): Promise<readonly StoredServiceClient[]>;
    revoke(orgId: string, id: string, now: number): Promise<boolean>;
  };
  /**
   * Across orgs, outside any scope: the clients `userId` created that are not revoked (their
   * creator is being erased, and each is revoked through `operator.revoke`).
   */
  liveCreatedBy(userId: string): Promise<readonly StoredServiceClient[]>;
  /**
   * Before any scope: the client named by a `client_id`, of any org, revoked or not (the token
   * endpoint authenticates it and refuses a revoked one).
   */
  findForAuthentication(id: string): Promise<StoredServiceClient | undefined>;
  /** Records a used assertion; false when `(clientId, jti)` was used before. */
  useAssertion(clientId: string, jti: string, expiresAt: number, now: number): Promise<boolean>;
  /** Revokes an access token of `clientId` by its `jti` until `expiresAt`; a second call changes nothing. */
  revokeToken(clientId: string, orgId: string, jti: string, now: number, expiresAt: number): Promise<void>;
  /**
   * For an instance's start, across orgs: the clients revoked at or after `since` (ms), and every
   * revoked token id whose token expires at or after `since`, however long ago it was revoked.
   */
  revokedSince(since: number): Promise<readonly ClientRevocationRecord[]>;
}
