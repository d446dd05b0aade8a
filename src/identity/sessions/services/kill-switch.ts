/**
 * The kill switch (V7.4.5; docs/decisions/030-session-limits-and-kill-switch.md): ends at once
 * every session of an org's members, or of the whole deployment — cookie sessions, token sessions
 * and with them their refresh tokens — after a leak. Rules:
 * 1. an org's kill ends every session of every user who is a member of the org at that moment:
 *    a session is a user's, not an org's, and any of them can act in the org (a refresh names the
 *    org it wants), so a member's sessions in their other orgs end too;
 * 2. the caller's own session ends with the others unless `keep` names it;
 * 3. entry first (kernel/audited-change.ts): `sessions.revoke_all` is recorded before anything is
 *    revoked, in the org's log for an org, in `system` for the deployment;
 * 4. the revocation is one statement in the store; this instance reloads its revocation set before
 *    answering, and one `session` event ({@link EVERY_SESSION}) makes every other instance reload
 *    its own within the bus's bound (well under a second with Redis, decision 014).
 * API keys and service clients are credentials, not sessions: they are revoked on their own routes.
 */
import { SYSTEM_ORG_SLUG } from '../../../kernel/domain/system-org.js';
import type { AuditActorType } from '../../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../../kernel/ports/audit-log.js';
import { auditedChange } from '../../../kernel/audited-change.js';
import type { Clock } from '../../../kernel/ports/clock.js';
import type { RevocationBus } from '../../../kernel/ports/revocation-bus.js';
import type { RequestContext } from '../../../kernel/domain/request-context.js';
import type { SessionStore } from '../ports/session-store.js';
import { EVERY_SESSION, type RevocationWatcher } from './revocation-watcher.js';

/** Who pulls the switch: a user through the API, or the operator through `rampart sessions revoke-all`. */
export interface KillSwitchActor {
  readonly type: Extract<AuditActorType, 'user' | 'system'>;
  readonly id: string | null;
  /** The caller's session, kept alive when `keepCurrent` (rule 2). */
  readonly sessionId?: string | undefined;
  readonly context: RequestContext | undefined;
}

export interface KillSwitchResult {
  /** How many live sessions were revoked. */
  readonly revoked: number;
  /** When (ms): every session live before it, in scope, is refused from then on. */
  readonly revokedAt: number;
}

export interface KillSwitchOptions {
  readonly sessions: Pick<SessionStore, 'revokeEvery'>;
  readonly watcher: Pick<RevocationWatcher, 'reload'>;
  readonly bus: RevocationBus;
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** An org's id from its id or slug (the command line names orgs either way). */
  readonly orgs: { idOf(idOrSlug: string): Promise<string | undefined> };
}

export class KillSwitch {
  readonly #o: KillSwitchOptions;

  constructor(options: KillSwitchOptions) {
    this.#o = options;
  }

  /** The id of the org named by id or slug; `undefined` when there is none. */
  orgIdOf(idOrSlug: string): Promise<string | undefined> {
    return this.#o.orgs.idOf(idOrSlug);
  }

  /** Ends every session of the members of `orgId`, or with `orgId` undefined of the whole deployment. */
  async revokeAll(orgId: string | undefined, actor: KillSwitchActor, keepCurrent = false): Promise<KillSwitchResult> {
    const keep = keepCurrent ? actor.sessionId : undefined;
    const event: AuditEvent = {
      org: orgId ?? SYSTEM_ORG_SLUG,
      actor: { type: actor.type, id: actor.id },
      action: 'sessions.revoke_all',
      resource: orgId ?? 'deployment',
      result: 'success',
      sourceIp: actor.context?.ip ?? null,
      requestId: actor.context?.requestId ?? null,
      ...(actor.context?.userAgent === undefined ? {} : { userAgent: actor.context.userAgent }),
      details: { scope: orgId === undefined ? 'deployment' : 'org', keep_current: keep !== undefined },
      ...(actor.type === 'user' && actor.id !== null ? { subject: actor.id } : {}),
    };
    return auditedChange(this.#o.audit, event, async () => {
      const revokedAt = this.#o.clock.now();
      const revoked = await this.#o.sessions.revokeEvery(revokedAt, 'kill_switch', {
        ...(orgId === undefined ? {} : { orgId }),
        ...(keep === undefined ? {} : { keep }),
      });
      // This instance refuses them before the answer leaves; the others on the event.
      await this.#o.watcher.reload();
      await this.#o.bus.publish({ kind: 'session', id: EVERY_SESSION, revokedAt });
      return Object.freeze({ revoked, revokedAt });
    });
  }
}
