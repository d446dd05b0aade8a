/**
 * Organisations (test/fixtures/spec-api-v1.md, "Organisations, members, roles"): create (the creator becomes
 * `owner`; slugs unique across the deployment), list the caller's, read, delete. Each change is
 * audited first (fail closed: no entry, no change; a change that then fails gets a failure
 * entry). Deleting removes every row of the org in every tenant table in one transaction (the
 * store's guarantee); the audit log keeps the org's earlier entries (append-only, deployment-wide).
 */
import { newId } from '../../kernel/crypto/random-id.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import { hasControlCharacter } from '../../kernel/http/names.js';
import { isSlug, slugFromName, type Org, type OrgMembership } from '../domain/org.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import { SYSTEM_ORG_SLUG } from '../../kernel/domain/system-org.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { OrgStore } from '../ports/org-store.js';
import type { OrgEventFacts, OrgEvents, TenancyActor } from './org-events.js';
import { actingUser } from './tenant-authorizer.js';

export interface OrgServiceOptions {
  readonly orgs: OrgStore;
  readonly events: OrgEvents;
  readonly clock: Clock;
}

export class OrgService {
  readonly #o: OrgServiceOptions;

  constructor(options: OrgServiceOptions) {
    this.#o = options;
  }

  /** Creates an org owned by the calling user. Only a user (not a credential) creates orgs. */
  async create(input: { name: string; slug?: string }, actor: TenancyActor): Promise<Org> {
    if (actor.principal.type !== 'user') throw new DomainError('forbidden', 'Only a user may create an org');
    // The route's schema refuses them too (NameString); a caller of the facade is held to the same rule.
    if (hasControlCharacter(input.name)) throw validationFailed([{ field: 'name', reason: 'must not contain control characters' }]);
    const slug = input.slug ?? slugFromName(input.name);
    if (!isSlug(slug)) throw new DomainError('validation_failed', 'slug: must be lower-case letters, digits and hyphens');
    if (slug === SYSTEM_ORG_SLUG) throw new DomainError('conflict', 'An org with this slug exists');
    if ((await this.#o.orgs.resolve(slug)) !== undefined) throw new DomainError('conflict', 'An org with this slug exists');
    const org: Org = Object.freeze({ id: newId('org'), slug, name: input.name, createdAt: this.#o.clock.now() });
    const ownerId = actor.principal.id;
    // A concurrent creation of the same slug loses in the store (conflict), after its entry: a failure entry follows.
    const facts: OrgEventFacts = { orgId: org.id, action: 'org.create', resource: org.id, details: { slug } };
    await this.#o.events.change(facts, actor, () => this.#o.orgs.create(org, ownerId, 'owner'), false);
    return org;
  }

  /** The orgs the caller belongs to (a credential: its owner's, within its confinement). */
  async list(principal: Principal): Promise<readonly OrgMembership[]> {
    const userId = actingUser(principal);
    if (userId === undefined) return [];
    const orgs = await this.#o.orgs.orgsOf(userId);
    return principal.org === undefined ? orgs : orgs.filter((org) => org.id === principal.org);
  }

  async get(scope: TenantScope): Promise<Org> {
    const org = await this.#o.orgs.resolve(scope.orgId);
    if (org === undefined) throw new DomainError('not_found', 'No such org');
    return org;
  }

  /** Deletes the org and all its tenant data. The `system` org cannot be deleted. */
  async delete(scope: TenantScope, actor: TenancyActor): Promise<void> {
    if (scope.orgSlug === SYSTEM_ORG_SLUG) throw new DomainError('conflict', 'The system org cannot be deleted');
    // Audit first (fail closed): when the log cannot record the deletion, nothing is deleted.
    const facts: OrgEventFacts = { orgId: scope.orgId, action: 'org.delete', resource: scope.orgId, details: { slug: scope.orgSlug } };
    await this.#o.events.change(facts, actor, () => this.#o.orgs.deleteOrg(scope));
  }
}
