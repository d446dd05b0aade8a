/**
 * Where the `scope` of a user's access token comes from (test/fixtures/spec-api-v1.md, "Added in
 * v1.1", "Refinements": every access token carries `scope`, the space-separated permissions; a
 * refresh with `org` carries that org and the caller's permissions in it). Identity does not know
 * roles: the authorizer's capability (tenancy) answers through this port, installed with
 * `TokenService.useScopes` when it is composed.
 *
 * Guarantees an implementation gives:
 * - `platform(userId)` lists the platform permissions the user holds now (empty for a user who
 *   holds none, or is unknown or disabled); it never throws for an unknown user.
 * - `inOrg(userId, org)` resolves `org` by id or slug and answers the org's id with the user's
 *   permissions there, or `undefined` when the org does not exist or the user is not an active
 *   member of it — the two are indistinguishable to the caller (404 either way).
 * - A failure of the backing store rejects the promise: no token is issued (fail closed).
 */

/** An org the user is an active member of, and the permissions its role grants there. */
export interface OrgPermissions {
  readonly orgId: string;
  readonly permissions: readonly string[];
}

export interface TokenScopes {
  platform(userId: string): Promise<readonly string[]>;
  inOrg(userId: string, org: string): Promise<OrgPermissions | undefined>;
}

/** Before the authorizer's capability is composed: no permission anywhere, no org resolves. */
export const NO_TOKEN_SCOPES: TokenScopes = Object.freeze({
  platform: () => Promise.resolve([]),
  inOrg: () => Promise.resolve(undefined),
});
