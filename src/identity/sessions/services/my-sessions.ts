/**
 * The caller's sessions (test/fixtures/spec-api-v1.md, "The caller"): list the live ones, revoke one,
 * or revoke every other one (ASVS V7.5.2; the routes need a fresh authentication). A session id of
 * another user answers 404 exactly like an unknown one, so ids of others are not revealed. A
 * revocation is audited before it is made: when the log cannot record it, nothing changes.
 */
import { auditedChange } from '../../../kernel/audited-change.js';
import { DomainError } from '../../../kernel/domain/errors.js';
import type { Session } from '../domain/session.js';
import type { AuditLog } from '../../../kernel/ports/audit-log.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { SessionStore } from '../ports/session-store.js';
import { userAuditEvent, type RequestContext } from '../../../kernel/domain/request-context.js';
import type { SessionRevoker } from './session-revoker.js';
import type { OtherSessions } from './other-sessions.js';

export class MySessions {
  readonly #sessions: SessionStore;
  readonly #revoker: SessionRevoker;
  readonly #clock: Clock;
  readonly #audit: AuditLog;
  readonly #others: Pick<OtherSessions, 'end'>;

  constructor(sessions: SessionStore, revoker: SessionRevoker, clock: Clock, audit: AuditLog, others: Pick<OtherSessions, 'end'>) {
    this.#sessions = sessions;
    this.#revoker = revoker;
    this.#clock = clock;
    this.#audit = audit;
    this.#others = others;
  }

  list(userId: string): Promise<readonly Session[]> {
    return this.#sessions.listLive(userId, this.#clock.now());
  }

  async revoke(userId: string, sessionId: string, context: RequestContext): Promise<void> {
    const session = await this.#sessions.find(sessionId);
    if (session === undefined || session.userId !== userId || session.revokedAt !== null) {
      throw new DomainError('not_found', 'No such session');
    }
    await this.#audit.record(userAuditEvent({ userId, action: 'session.revoke', resource: sessionId, context }));
    await this.#revoker.revoke(sessionId, 'logout');
  }

  /**
   * Revokes every live session of `userId` but `keep` (the one the caller acts from, if any), on
   * every instance at once; entry first. Resolves with how many it ended.
   */
  revokeOthers(userId: string, keep: string | undefined, context: RequestContext): Promise<number> {
    const event = userAuditEvent({ userId, action: 'session.revoke_others', resource: userId, context, details: { kept: keep ?? 'none' } });
    return auditedChange(this.#audit, event, () => this.#others.end(userId, keep, 'logout'));
  }
}
