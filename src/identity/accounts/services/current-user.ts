/** `GET /api/v1/me`: the caller's account, memberships and MFA status. */
import { DomainError } from '../../../kernel/domain/errors.js';
import type { CallerRecord, CurrentUserReader } from '../ports/current-user-reader.js';

export type CurrentUserView = CallerRecord;

export class CurrentUser {
  readonly #reader: CurrentUserReader;

  constructor(reader: CurrentUserReader) {
    this.#reader = reader;
  }

  async describe(userId: string): Promise<CurrentUserView> {
    const found = await this.#reader.read(userId);
    // The token outlived its account (deleted between two requests): the caller is nobody now.
    if (found === undefined || found.user.status !== 'active')
      throw new DomainError('session_revoked', 'The account of this session is no longer active');
    return found;
  }
}
