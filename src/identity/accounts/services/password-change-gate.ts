/**
 * "A generated or environment-given bootstrap password must be changed at first login before
 * anything else is allowed" (V6.4.1; docs/decisions/030-session-limits-and-kill-switch.md). Every
 * authenticated route but {@link PASSWORD_CHANGE_ROUTES} answers 403 `password_change_required`
 * while the account is marked (identity/browser/routes/browser-layer.ts asks this gate).
 *
 * Only "not required" answers are cached (for {@link PASSWORD_CHANGE_GATE_TTL_MS}): a marked
 * account is read from the store on each request, so the change made on any instance lifts the
 * gate everywhere at once, and the mark is never served stale in the direction that lets through.
 * A mark is set only when an account is created, before any answer about it could be cached.
 */
import type { PasswordChangeRequirements } from '../ports/password-change-requirements.js';

/** What a marked account may still reach: itself, the change, the way out. */
export const PASSWORD_CHANGE_ROUTES: ReadonlySet<string> = new Set([
  'GET /api/v1/me',
  'POST /api/v1/me/password',
  'POST /api/v1/auth/logout',
  'GET /api/v1/auth/csrf',
  'POST /api/v1/auth/step-up',
]);

export const PASSWORD_CHANGE_GATE_TTL_MS = 5_000;

export interface PasswordChangeGateOptions {
  readonly requirements: PasswordChangeRequirements;
  readonly clock: { now(): number };
  readonly cacheSize?: number;
}

export class PasswordChangeGate {
  readonly #o: PasswordChangeGateOptions;
  /** userId → until when "not required" may be served from memory. */
  readonly #clear = new Map<string, number>();
  readonly #max: number;

  constructor(options: PasswordChangeGateOptions) {
    this.#o = options;
    this.#max = options.cacheSize ?? 50_000;
  }

  /** Whether memory already says `userId` owes no password change (then {@link mustChange} would answer `false`). */
  knownClear(userId: string): boolean {
    const until = this.#clear.get(userId);
    return until !== undefined && until > this.#o.clock.now();
  }

  /** Whether `userId` must change their password before anything else. */
  async mustChange(userId: string): Promise<boolean> {
    const now = this.#o.clock.now();
    const until = this.#clear.get(userId);
    if (until !== undefined && until > now) return false;
    const required = (await this.#o.requirements.requiredSince(userId)) !== undefined;
    if (!required) {
      if (this.#clear.size >= this.#max) this.#clear.clear();
      this.#clear.set(userId, now + PASSWORD_CHANGE_GATE_TTL_MS);
    }
    return required;
  }
}
