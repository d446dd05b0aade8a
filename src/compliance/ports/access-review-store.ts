/**
 * Where the access review reads who holds access to an org and keeps its attestations.
 * Guarantees: `facts` reads one consistent moment (one transaction); `attest` stores a row that is
 * never updated; `attestations` lists newest first (`created_at`, then `id`, descending), every
 * read and write confined to the scope's org.
 */
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { SystemScope } from '../../secrets/index.js';

/** A request's scope, or the operator's on one org. */
export type ReviewScope = TenantScope | SystemScope;

export interface ReviewedMember {
  readonly userId: string;
  readonly email: string;
  readonly name: string | null;
  readonly role: string;
  readonly status: string;
  readonly memberSince: number;
  readonly mfa: boolean;
  /** The latest activity of any of the user's sessions (deployment-wide), or null. */
  readonly lastActiveAt: number | null;
}

export interface ReviewedApiKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly ownerId: string;
  readonly ownerEmail: string | null;
  readonly scopes: readonly string[];
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly lastUsedAt: number | null;
}

export interface ReviewedClient {
  readonly id: string;
  readonly name: string;
  readonly authMethod: string;
  readonly scopes: readonly string[];
  readonly createdBy: string | null;
  readonly createdAt: number;
}

export interface AccessFacts {
  readonly members: readonly ReviewedMember[];
  readonly apiKeys: readonly ReviewedApiKey[];
  readonly serviceClients: readonly ReviewedClient[];
}

/** One stored attestation. */
export interface Attestation {
  readonly id: string;
  readonly orgId: string;
  readonly reviewedAt: number;
  readonly note: string;
  readonly actorType: string;
  readonly actorId: string;
  readonly createdAt: number;
}

export interface AccessReviewStore {
  /** The org's id for an id or slug (the CLI's `--org`), or undefined. */
  findOrg(idOrSlug: string): Promise<string | undefined>;
  /** Everyone and everything holding access to the org at `now`. */
  facts(scope: ReviewScope, now: number): Promise<AccessFacts>;
  attest(scope: ReviewScope, attestation: Attestation): Promise<void>;
  /** At most `limit` attestations, newest first, after `after` (the previous page's last). */
  attestations(
    scope: ReviewScope,
    after: { readonly createdAt: number; readonly id: string } | undefined,
    limit: number,
  ): Promise<Attestation[]>;
}
