/**
 * What a directory (an LDAP server, the PAM stack) says of a login name and password. The
 * {@link DirectoryCheck} port is implemented by `adapters/ldap-directory-client.ts` and
 * `adapters/pam-authenticator.ts`.
 */
import type { Secret } from '../../../kernel/domain/secret.js';

/** A person as the directory knows them, once their password is proven. */
export interface DirectoryPerson {
  /** The directory's stable id of the person (LDAP `entryUUID`/`objectGUID`, a PAM login name). */
  readonly subject: string;
  readonly email: string | null;
  readonly name: string | null;
  /** The DNs of the groups the person belongs to, lower-cased (empty without a group mapping). */
  readonly groups: readonly string[];
}

export type DirectoryVerdict =
  | { readonly kind: 'proven'; readonly person: DirectoryPerson }
  /** No entry for the name, or more than one (an ambiguous filter is never guessed). */
  | { readonly kind: 'unknown' | 'ambiguous' }
  | { readonly kind: 'wrong_password'; readonly subject: string | undefined }
  /** The directory marks the account disabled or locked: refused before any password is tried. */
  | { readonly kind: 'disabled'; readonly subject: string | undefined };

/**
 * Guarantees: never binds or authenticates with an empty password (the caller refuses it first,
 * and each adapter refuses it again: an LDAP bind with an empty password is an anonymous bind
 * that succeeds); the password never reaches a log, an error message or a command line; a
 * directory that cannot be reached rejects with `DomainError('service_unavailable')`.
 */
export interface DirectoryCheck {
  check(username: string, password: Secret<string>): Promise<DirectoryVerdict>;
}
