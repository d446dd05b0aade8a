/**
 * The authorizer of org-scoped and platform permissions. The rules, in order:
 * 1. platform permissions go to the {@link PlatformAuthorizer} (owners and admins of `system`);
 * 2. `{org}` is resolved by id (`org_…`) or slug; an org that does not exist is hidden (404);
 * 3. the acting user is the principal, or for an API key or service client its owner; the pure
 *    `decide()` (tenancy/domain/decide.ts) rules on that user's role, the credential's scopes and its
 *    confinement; a non-member is hidden (404), a member without the permission is refused (403).
 *
 * Per (acting user, org) the membership and the account's state are cached, and per org its role
 * table; an `authz` event on the revocation bus (published by every membership or role change, on
 * any instance) drops the org's entries at once everywhere. Entries also expire after
 * {@link CACHE_TTL_MS}, a bound on staleness should an event be lost before a resync.
 *
 * A request's denial is audited (`authz.deny`): a member's in their org (its auditors see it), and
 * anyone else's — a probe of an org they cannot see, or of none — in `system`, with the org's id
 * when it exists: a stranger cannot write volume into an org's log. The first denial of an (actor,
 * log) in a {@link DENY_WINDOW_MS} window is recorded at once (fail closed); further ones are
 * counted and written as one entry with `details.count` when the window closes, and at `close()`
 * (docs/decisions/013-invitations.md).
 */
import { decide, rolePermissions, type DecisionOrg, type DecisionResource, type DecisionSubject } from '../domain/decide.js';
import type { Org } from '../domain/org.js';
import { BUILTIN_ROLE_NAMES, type PermissionRegistry } from '../domain/permissions.js';
import type { Decision, Principal } from '../../kernel/domain/principal.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
import type { AuthorizationQuestion, Authorizer, AuthorizerDecision } from '../../kernel/ports/authorizer.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgStore } from '../ports/org-store.js';
import type { RevocationBus, RevocationSubscription } from '../../kernel/ports/revocation-bus.js';
import type { UserStore } from '../../identity/index.js';
import { PlatformAuthorizer } from './platform-authorizer.js';

export const CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 100_000;
/** The window over which repeated denials of one (actor, log) become one entry. */
export const DENY_WINDOW_MS = 60_000;
/** Open windows kept at most; past it every open window is written out at once. */
const MAX_DENY_WINDOWS = 10_000;
/** Distinct permissions and orgs a summary lists at most. */
const MAX_LISTED = 20;

export interface TenantAuthorizerOptions {
  readonly orgs: OrgStore;
  readonly users: Pick<UserStore, 'findById' | 'memberships'>;
  readonly registry: PermissionRegistry;
  readonly bus: RevocationBus;
  readonly clock: Clock;
  /** Where a request's denied authorization is recorded (spec: "Audited: … authorization failure"). */
  readonly audit?: AuditLog;
  /** Where a summary that could not be recorded is reported (the timer has no caller to tell). */
  readonly onError?: (error: unknown) => void;
}

/** An open window of denials of one (actor, log): the latest event, and how many were not yet written. */
interface DenyWindow {
  readonly startedAt: number;
  latest: AuditEvent;
  count: number;
  readonly permissions: Set<string>;
  readonly orgs: Set<string>;
}

interface OrgEntry {
  readonly view: DecisionOrg;
  readonly expiresAt: number;
}

interface MemberEntry {
  readonly orgId: string;
  readonly active: boolean;
  readonly role: string | undefined;
  readonly expiresAt: number;
}

/** The user whose membership bounds the principal: itself, or the credential's owner. */
export function actingUser(principal: Principal): string | undefined {
  return principal.type === 'user' ? principal.id : principal.owner;
}

export class TenantAuthorizer implements Authorizer {
  readonly #o: TenantAuthorizerOptions;
  readonly #platform: PlatformAuthorizer;
  /** By org id and by slug. */
  readonly #orgs = new Map<string, OrgEntry>();
  /** By `${userId}\0${orgId}`. */
  readonly #members = new Map<string, MemberEntry>();
  #subscription: RevocationSubscription | undefined;
  /**
   * Bumped by every invalidation: a lookup that started before one does not enter the cache, so a
   * read racing a change can never store the old answer after the change's event dropped it.
   */
  #generation = 0;
  /** By `${actor type}:${actor id}\0${log org}`. */
  readonly #denials = new Map<string, DenyWindow>();
  #denyTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: TenantAuthorizerOptions) {
    this.#o = options;
    this.#platform = new PlatformAuthorizer(options.users);
  }

  /** Subscribes to `authz` events; call before serving. */
  async start(): Promise<void> {
    this.#subscription = await this.#o.bus.subscribe({
      onRevoked: (event) => {
        if (event.kind === 'authz') this.invalidate(event.id);
      },
      onResync: () => this.clear(),
    });
    const report = this.#o.onError ?? (() => undefined);
    this.#denyTimer = setInterval(() => void this.flushDenials().catch(report), DENY_WINDOW_MS);
    // The timer never keeps the process alive; close() writes out what is still open.
    this.#denyTimer.unref();
  }

  /** Writes out every open denial window, then stops listening. */
  async close(): Promise<void> {
    if (this.#denyTimer !== undefined) clearInterval(this.#denyTimer);
    this.#denyTimer = undefined;
    try {
      await this.flushDenials(true);
    } finally {
      await this.#subscription?.unsubscribe();
      this.#subscription = undefined;
    }
  }

  /**
   * Writes one entry (with `details.count`) for each denial window that has closed (`all`: every
   * open one) and holds denials not yet written. Rejects, after trying every one, when one could
   * not be recorded.
   */
  async flushDenials(all = false): Promise<void> {
    const now = this.#o.clock.now();
    const failures: unknown[] = [];
    for (const [key, window] of [...this.#denials]) {
      if (!all && now - window.startedAt < DENY_WINDOW_MS) continue;
      this.#denials.delete(key);
      await this.#writeSummary(window, now).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  /** Drops every cached fact about the org (on this instance; the bus brings it to the others). */
  invalidate(orgId: string): void {
    this.#generation += 1;
    const entry = this.#orgs.get(orgId);
    this.#orgs.delete(orgId);
    if (entry !== undefined) this.#orgs.delete(entry.view.slug);
    for (const [key, member] of this.#members) if (member.orgId === orgId) this.#members.delete(key);
  }

  clear(): void {
    this.#generation += 1;
    this.#orgs.clear();
    this.#members.clear();
  }

  async decide(question: AuthorizationQuestion): Promise<AuthorizerDecision> {
    const { principal, access } = question;
    let decision: AuthorizerDecision;
    if (access.scope === 'platform') decision = await this.#platform.decide(question);
    else if (question.org === undefined) decision = { allow: false, reason: 'an org-scoped permission needs an org', hide: true };
    else decision = await this.check(principal, question.org, access.permission);
    if (!decision.allow && question.context !== undefined) await this.#recordDeny(question, decision);
    return decision;
  }

  /**
   * An authorization failure: a member's in their org, anyone else's in `system` (with the org's
   * id when it exists). The `{org}` the caller typed is not recorded: it is untrusted input.
   */
  async #recordDeny(question: AuthorizationQuestion, decision: AuthorizerDecision): Promise<void> {
    const { audit } = this.#o;
    const context = question.context;
    if (audit === undefined || context === undefined) return;
    const org = question.org === undefined ? undefined : await this.orgView(question.org);
    // A hidden deny means the caller cannot see the org: its log is not theirs to write to.
    const inOrg = org !== undefined && decision.hide !== true;
    const event: AuditEvent = {
      org: inOrg ? org.id : SYSTEM_ORG_SLUG,
      actor: { type: question.principal.type, id: question.principal.id },
      action: 'authz.deny',
      resource: question.access.permission,
      result: 'failure',
      reason: decision.reason,
      sourceIp: context.ip,
      requestId: context.requestId,
      ...(context.userAgent === undefined ? {} : { userAgent: context.userAgent }),
      details: { scope: question.access.scope, hidden: decision.hide === true, ...(inOrg ? {} : { org_id: org?.id ?? null }) },
    };
    await this.#deny(event, org?.id);
  }

  /** Records `event` at once when it opens a window, else counts it in the open one. */
  async #deny(event: AuditEvent, orgId: string | undefined): Promise<void> {
    const now = this.#o.clock.now();
    const key = `${event.actor.type}:${event.actor.id ?? ''}\u0000${event.org}`;
    const open = this.#denials.get(key);
    if (open !== undefined && now - open.startedAt < DENY_WINDOW_MS) {
      open.count += 1;
      open.latest = event;
      if (open.permissions.size < MAX_LISTED) open.permissions.add(event.resource);
      if (orgId !== undefined && open.orgs.size < MAX_LISTED) open.orgs.add(orgId);
      return;
    }
    if (open !== undefined) {
      this.#denials.delete(key);
      await this.#writeSummary(open, now);
    }
    if (this.#denials.size >= MAX_DENY_WINDOWS) await this.flushDenials(true);
    // Opened before the entry is written, so that concurrent denials count in it rather than race.
    const window: DenyWindow = { startedAt: now, latest: event, count: 0, permissions: new Set(), orgs: new Set() };
    this.#denials.set(key, window);
    try {
      await this.#o.audit?.record(event);
    } catch (error) {
      if (this.#denials.get(key) === window) this.#denials.delete(key);
      throw error;
    }
  }

  async #writeSummary(window: DenyWindow, now: number): Promise<void> {
    if (window.count === 0) return;
    const { latest } = window;
    await this.#o.audit?.record({
      ...latest,
      details: {
        ...latest.details,
        count: window.count,
        window_started_at: new Date(window.startedAt).toISOString(),
        window_ended_at: new Date(Math.min(now, window.startedAt + DENY_WINDOW_MS)).toISOString(),
        permissions: [...window.permissions].sort(),
        ...(window.orgs.size === 0 || latest.org !== SYSTEM_ORG_SLUG ? {} : { org_ids: [...window.orgs].sort() }),
      },
    });
  }

  /** The decision for `principal` holding `permission` in the org `idOrSlug` (on `resource`). */
  check(principal: Principal, idOrSlug: string, permission: string, resource?: DecisionResource): Promise<AuthorizerDecision> {
    // The hot path: both facts cached, no promise chain.
    const now = this.#o.clock.now();
    const cachedOrg = this.#orgs.get(idOrSlug);
    if (cachedOrg !== undefined && cachedOrg.expiresAt > now) {
      const userId = actingUser(principal);
      const member = userId === undefined ? undefined : this.#members.get(`${userId}\u0000${cachedOrg.view.id}`);
      if (member !== undefined && member.expiresAt > now) {
        const subject = { principal, active: member.active, role: member.role };
        return Promise.resolve(this.#conclude(decide(subject, cachedOrg.view, permission, resource), cachedOrg.view));
      }
    }
    return this.#checkSlow(principal, idOrSlug, permission, resource);
  }

  async #checkSlow(principal: Principal, idOrSlug: string, permission: string, resource?: DecisionResource): Promise<AuthorizerDecision> {
    const org = await this.orgView(idOrSlug);
    if (org === undefined) return { allow: false, reason: 'no such org', hide: true };
    const subject = await this.subject(principal, org);
    return this.#conclude(decide(subject, org, permission, resource), org);
  }

  #conclude(decision: Decision, org: DecisionOrg): AuthorizerDecision {
    return decision.allow ? { ...decision, org: { id: org.id, slug: org.slug } } : decision;
  }

  /** The org's decision view (roles resolved), or `undefined` when no such org exists. */
  async orgView(idOrSlug: string): Promise<DecisionOrg | undefined> {
    const now = this.#o.clock.now();
    const cached = this.#orgs.get(idOrSlug);
    if (cached !== undefined && cached.expiresAt > now) return cached.view;
    const generation = this.#generation;
    const org = await this.#o.orgs.resolve(idOrSlug);
    if (org === undefined) return undefined;
    const view = await this.#buildView(org);
    if (generation !== this.#generation) return view;
    this.#bound(this.#orgs);
    const entry = { view, expiresAt: now + CACHE_TTL_MS };
    this.#orgs.set(org.id, entry);
    this.#orgs.set(org.slug, entry);
    return view;
  }

  /** The subject of a decision in `org`: the acting user's state and role there. */
  async subject(principal: Principal, org: DecisionOrg): Promise<DecisionSubject> {
    const userId = actingUser(principal);
    if (userId === undefined) return { principal, active: false, role: undefined };
    const now = this.#o.clock.now();
    const key = `${userId}\u0000${org.id}`;
    let entry = this.#members.get(key);
    if (entry === undefined || entry.expiresAt <= now) {
      const generation = this.#generation;
      const [user, role] = await Promise.all([this.#o.users.findById(userId), this.#o.orgs.roleOf(org.id, userId)]);
      entry = { orgId: org.id, active: user?.status === 'active', role, expiresAt: now + CACHE_TTL_MS };
      if (generation === this.#generation) {
        this.#bound(this.#members);
        this.#members.set(key, entry);
      }
    }
    return { principal, active: entry.active, role: entry.role };
  }

  /** Every permission `principal` holds in `org`, each with the role that grants it (scopes applied). */
  async permissionsIn(principal: Principal, org: DecisionOrg): Promise<ReadonlySet<string>> {
    const subject = await this.subject(principal, org);
    if (principal.org !== undefined && principal.org !== org.id) return new Set();
    const granted = rolePermissions(subject, org);
    const scopes = principal.scopes;
    return scopes === undefined ? granted : new Set([...granted].filter((p) => scopes.includes(p)));
  }

  async #buildView(org: Org): Promise<DecisionOrg> {
    const { registry } = this.#o;
    const roles = new Map<string, ReadonlySet<string>>();
    for (const custom of await this.#o.orgs.customRolesOf(org.id)) {
      // A permission no longer registered grants nothing (deny at run time).
      roles.set(custom.name, new Set(custom.permissions.filter((p) => registry.has(p))));
    }
    for (const name of BUILTIN_ROLE_NAMES) roles.set(name, registry.builtin(name));
    return Object.freeze({ id: org.id, slug: org.slug, roles, knows: (permission: string) => registry.has(permission) });
  }

  #bound(map: Map<string, unknown>): void {
    if (map.size >= MAX_ENTRIES) map.clear();
  }
}
