/**
 * Which orgs would lose their last owner if a user went (the self-erasure guard, test/fixtures/spec-api-v1.md
 * "The caller": `DELETE /api/v1/me`). Read before any tenant scope exists, from the membership
 * directory the authorizer reads too.
 */

/** An org of which the user is the only owner. */
export interface SoleOwnership {
  readonly orgId: string;
  readonly orgSlug: string;
  /** Members of the org, the user included. */
  readonly members: number;
}

/** Guarantees: read-only; a failure of the backing store rejects the promise. */
export interface OrgOwnership {
  /** The orgs in which `userId` is an `owner` and no other member is, in slug order. */
  soleOwnerships(userId: string): Promise<readonly SoleOwnership[]>;
}
