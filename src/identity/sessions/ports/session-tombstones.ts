/**
 * Session tombstones (docs/decisions/004-user-deletion.md): the revoked sessions of erased users,
 * kept so that revocation sets refuse their access tokens. Once every access token such a session
 * could have carried has expired, a tombstone is useless, and it is purged.
 */
export interface SessionTombstones {
  /** Deletes the tombstones revoked before `before` (ms); resolves with how many went. */
  purgeRevokedBefore(before: number): Promise<number>;
}
