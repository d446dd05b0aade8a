/**
 * Browser sessions, CSRF, DPoP binding and MFA enforcement (docs/decisions/007-browser-sessions.md),
 * wired from the configuration. `identity/compose.ts` builds these before the login and refresh
 * services, which use them.
 */
import type { Redis } from 'ioredis';
import { MemoryDpopReplayCache } from './adapters/memory-dpop-replay-cache.js';
import { RedisDpopReplayCache } from './adapters/redis-dpop-replay-cache.js';
import type { RampartConfig } from '../../kernel/config.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { SessionStore } from '../sessions/ports/session-store.js';
import type { UserStore } from '../accounts/ports/user-store.js';
import { CookieSessions } from './services/cookie-sessions.js';
import { CsrfPolicy } from './services/csrf-policy.js';
import { CsrfRefusalAudit } from './services/csrf-refusal-audit.js';
import { DpopService } from './services/dpop.js';
import { MfaEnforcement } from '../mfa/services/mfa-enforcement.js';
import type { RevocationWatcher } from '../sessions/services/revocation-watcher.js';
import type { SessionRevoker } from '../sessions/services/session-revoker.js';

export interface BrowserSessions {
  /** Browser (cookie) sessions; also the cookie {@link Authenticator}. */
  readonly cookieSessions: CookieSessions;
  readonly csrf: CsrfPolicy;
  readonly dpop: DpopService;
  readonly mfaEnforcement: MfaEnforcement;
  /**
   * Call when a user's roles change (tenancy: membership role change, removal, new owner/admin):
   * their browser sessions end (a new id at every privilege change) and the MFA requirement is
   * re-evaluated on this instance at once (on the others within 5 s). Resolves with the revoked ids.
   */
  roleChanged(userId: string): Promise<readonly string[]>;
}

export interface BrowserSessionParts {
  readonly config: RampartConfig;
  readonly redis: Redis | undefined;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly sessions: SessionStore;
  readonly users: UserStore;
  readonly revocations: RevocationWatcher;
  readonly revoker: SessionRevoker;
  readonly factor: { isEnabled(userId: string): Promise<boolean> };
}

export function composeBrowserSessions(parts: BrowserSessionParts): BrowserSessions {
  const { config, clock } = parts;
  const cookieSessions = new CookieSessions({
    sessions: parts.sessions,
    revocations: parts.revocations,
    revoker: parts.revoker,
    audit: parts.audit,
    clock,
    idleTimeoutSeconds: config.sessionIdleTimeout,
    absoluteTimeoutSeconds: config.sessionAbsoluteTimeout,
  });
  const mfaEnforcement = new MfaEnforcement({ enabled: config.mfaRequiredForAdmins, users: parts.users, factor: parts.factor, clock });
  return Object.freeze({
    cookieSessions,
    csrf: new CsrfPolicy(config.publicUrl, config.corsOrigins, new CsrfRefusalAudit(parts.audit, clock)),
    dpop: new DpopService(parts.redis === undefined ? new MemoryDpopReplayCache() : new RedisDpopReplayCache(parts.redis), clock),
    mfaEnforcement,
    roleChanged(userId: string) {
      mfaEnforcement.forget(userId);
      return cookieSessions.privilegeChanged(userId);
    },
  });
}
