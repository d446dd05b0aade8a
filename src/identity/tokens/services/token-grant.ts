/** What a successful login or refresh hands the client (test/fixtures/spec-api-v1.md, "Authentication"). */
import type { Secret } from '../../../kernel/domain/secret.js';
import type { User } from '../../accounts/domain/user.js';

export interface TokenGrant {
  readonly accessToken: Secret<string>;
  /** Seconds. */
  readonly expiresIn: number;
  readonly refreshToken: Secret<string>;
  readonly sessionId: string;
  readonly user: User;
  /** The session's absolute end (ms): no refresh extends it (`session_expires_at` in the answer). */
  readonly sessionExpiresAt?: number;
}
