/**
 * An org's OAuth service clients (test/fixtures/spec-api-v1.md, `/orgs/{org}/clients`, `clients.manage`). Rules:
 * 1. every scope is an org permission the creator holds in that org now (the Authorizer is asked
 *    for each; platform permissions are never a client's) — else 403 `forbidden`;
 * 2. `client_secret_basic` gets a 256-bit secret, shown once, stored as SHA-256;
 *    `private_key_jwt` registers a public JWK Set (no private member, 1–10 keys);
 * 3. revoking a client revokes every token it holds at once on every instance: written to the
 *    store, applied here, published on the revocation bus (kind `client`);
 * 4. every change is audited, never the secret.
 */
import { hashClientSecret, newClientId, newClientSecret } from '../crypto/client-secret.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import { PLATFORM_PERMISSIONS } from '../../tenancy/index.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { Secret } from '../../kernel/domain/secret.js';
import { jwksProblem, type ClientAuthMethod, type PublicJwk, type ServiceClient } from '../domain/service-client.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditLog } from '../../kernel/ports/audit-log.js';
import type { Authorizer } from '../../kernel/ports/authorizer.js';
import type { ClientStore, NewServiceClient } from '../ports/client-store.js';
import type { Clock } from '../../kernel/ports/clock.js';
import type { RevocationBus } from '../../kernel/ports/revocation-bus.js';
import type { ClientRevocations } from './client-revocations.js';
import type { RequestContext } from '../../kernel/domain/request-context.js';

export interface ServiceClientServiceOptions {
  readonly store: ClientStore;
  readonly authorizer: Authorizer;
  readonly revocations: Pick<ClientRevocations, 'revokeLocally'>;
  readonly bus: RevocationBus;
  readonly audit: AuditLog;
  readonly clock: Clock;
}

export interface NewClientRequest {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly authMethod: ClientAuthMethod;
  readonly jwks?: { readonly keys: readonly PublicJwk[] };
}

export interface ClientActor extends RequestContext {
  readonly principal: Principal;
}

export interface CreatedClient {
  readonly client: ServiceClient;
  /** client_secret_basic: the secret, shown once. */
  readonly secret?: Secret<string>;
}

/** The operator at the command line: no request, no principal. */
const OPERATOR = Object.freeze({ ip: null, userAgent: undefined, requestId: null });

/** A client without its secret's hash. */
function publicView(client: ServiceClient & { secretHash?: string | null }): ServiceClient {
  const { secretHash: _hidden, ...rest } = client;
  return Object.freeze(rest);
}

export class ServiceClientService {
  readonly #o: ServiceClientServiceOptions;

  constructor(options: ServiceClientServiceOptions) {
    this.#o = options;
  }

  async create(scope: TenantScope, request: NewClientRequest, actor: ClientActor): Promise<CreatedClient> {
    const scopes = [...new Set(request.scopes)].sort();
    await this.#authorizeScopes(scope.orgId, scopes, actor.principal);
    const created = await this.#insert(scope.orgId, request, scopes, actor.principal, (client) => this.#o.store.create(scope, client));
    await this.#audit(scope.orgId, 'client.create', created.client.id, actor, { scopes, auth_method: request.authMethod });
    return created;
  }

  /**
   * `rampart client create`: the operator registers a client of the org `orgId` for the user
   * `ownerId`, whose authority bounds it — each scope must be held by that user in the org now, as
   * through the API (a non-member is refused the same way).
   */
  async createAsOperator(orgId: string, ownerId: string, request: NewClientRequest): Promise<CreatedClient> {
    const scopes = [...new Set(request.scopes)].sort();
    const principal: Principal = { type: 'user', id: ownerId, via: 'bearer' };
    await this.#authorizeScopes(orgId, scopes, principal);
    const created = await this.#insert(orgId, request, scopes, principal, (client) => this.#o.store.operator.create(orgId, client));
    await this.#audit(orgId, 'client.create', created.client.id, OPERATOR, { scopes, auth_method: request.authMethod, owner: ownerId });
    return created;
  }

  /** `rampart client list`. */
  async listAsOperator(orgId: string): Promise<readonly ServiceClient[]> {
    return (await this.#o.store.operator.list(orgId)).map(publicView);
  }

  /** `rampart client revoke`: as the API's revocation, at once on every instance. */
  async revokeAsOperator(orgId: string, id: string): Promise<void> {
    const now = this.#o.clock.now();
    if (!(await this.#o.store.operator.revoke(orgId, id, now))) throw new DomainError('not_found', 'No such live client in that org');
    this.#o.revocations.revokeLocally(id, now);
    await this.#o.bus.publish({ kind: 'client', id, revokedAt: now });
    await this.#audit(orgId, 'client.revoke', id, OPERATOR, {});
  }

  async #insert(
    orgId: string,
    request: NewClientRequest,
    scopes: readonly string[],
    principal: Principal,
    save: (client: NewServiceClient) => Promise<void>,
  ): Promise<CreatedClient> {
    if (request.authMethod === 'private_key_jwt') {
      if (request.jwks === undefined) throw validationFailed([{ field: 'body.jwks', reason: 'is required for private_key_jwt' }]);
      const problem = jwksProblem(request.jwks);
      if (problem !== undefined) throw validationFailed([{ field: 'body.jwks', reason: problem }]);
    } else if (request.jwks !== undefined) {
      throw validationFailed([{ field: 'body.jwks', reason: 'is only for private_key_jwt' }]);
    }
    const secret = request.authMethod === 'client_secret_basic' ? newClientSecret() : undefined;
    const row: NewServiceClient = {
      id: newClientId(),
      name: request.name,
      authMethod: request.authMethod,
      secretHash: secret === undefined ? null : hashClientSecret(secret.reveal()),
      jwks: request.authMethod === 'private_key_jwt' && request.jwks !== undefined ? { keys: request.jwks.keys } : null,
      scopes,
      createdBy: principal.type === 'user' ? principal.id : (principal.owner ?? principal.id),
      now: this.#o.clock.now(),
    };
    await save(row);
    const { secretHash: _hash, now: createdAt, ...fields } = row;
    const client: ServiceClient = Object.freeze({ ...fields, orgId, createdAt, revokedAt: null });
    return secret === undefined ? { client } : { client, secret };
  }

  async list(scope: TenantScope): Promise<readonly ServiceClient[]> {
    return (await this.#o.store.list(scope)).map(publicView);
  }

  async get(scope: TenantScope, id: string): Promise<ServiceClient> {
    const client = await this.#o.store.find(scope, id);
    if (client === undefined) throw new DomainError('not_found', 'No such client');
    return publicView(client);
  }

  async revoke(scope: TenantScope, id: string, actor: ClientActor): Promise<void> {
    await this.get(scope, id);
    const now = this.#o.clock.now();
    await this.#o.store.revoke(scope, id, now);
    this.#o.revocations.revokeLocally(id, now);
    await this.#o.bus.publish({ kind: 'client', id, revokedAt: now });
    await this.#audit(scope.orgId, 'client.revoke', id, actor, {});
  }

  async #authorizeScopes(orgId: string, scopes: readonly string[], principal: Principal): Promise<void> {
    for (const permission of scopes) {
      if (PLATFORM_PERMISSIONS.has(permission)) {
        throw new DomainError('forbidden', `The scope ${permission} is a platform permission; a service client holds org permissions only`);
      }
      const decision = await this.#o.authorizer.decide({ principal, access: { permission, scope: 'org' }, org: orgId });
      if (!decision.allow) throw new DomainError('forbidden', `The scope ${permission} is beyond the creator's permissions`);
    }
  }

  async #audit(
    orgId: string,
    action: AuditAction,
    clientId: string,
    actor: ClientActor | typeof OPERATOR,
    details: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.#o.audit.record({
      org: orgId,
      actor: 'principal' in actor ? { type: actor.principal.type, id: actor.principal.id } : { type: 'system', id: null },
      action,
      resource: clientId,
      result: 'success',
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details,
    });
  }
}
