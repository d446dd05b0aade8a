/**
 * Where pending invitations live. The org's side (create, list, revoke) takes the
 * {@link TenantScope} the authorization layer minted; the invitee's side (their invitations,
 * accept, decline) runs before any scope of theirs exists in the org, and is named for it.
 */
import type { AcceptOutcome, Invitation, ReceivedInvitation } from '../domain/invitation.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';

/**
 * Guarantees (test/integration/invitations.test.ts checks them on SQLite and PostgreSQL):
 * - one pending invitation per (org, email): `create` replaces an earlier one, in one transaction;
 * - `accept` is atomic: of concurrent accepts of one invitation exactly one joins, the invitation
 *   is deleted in the same transaction as the membership is inserted; an invitation addressed to
 *   another email is never touched;
 * - a scoped method never reads or writes a row of another org.
 */
export interface InvitationStore {
  /** Stores `invitation`, replacing any pending one of the same org and email. */
  create(scope: TenantScope, invitation: Invitation): Promise<void>;
  /** The org's pending invitations not yet expired at `now`, newest first. */
  list(scope: TenantScope, now: number): Promise<readonly Invitation[]>;
  /** Deletes one of the org's invitations; `false` when it has none with this id. */
  revoke(scope: TenantScope, id: string): Promise<boolean>;
  /** Before any scope: the invitations addressed to `email` not yet expired at `now`, with their orgs. */
  receivedBy(email: string, now: number): Promise<readonly ReceivedInvitation[]>;
  /** Before any scope: the invitation `id` when it is addressed to `email` (expired or not). */
  addressedTo(id: string, email: string): Promise<Invitation | undefined>;
  /** Before any scope: deletes the invitation (addressed to `email`) and adds `userId` to its org with its role. */
  accept(id: string, email: string, userId: string, now: number): Promise<AcceptOutcome>;
  /** Before any scope: deletes the invitation addressed to `email`; `false` when there is none. */
  decline(id: string, email: string): Promise<boolean>;
}
