/**
 * An org's OAuth service clients (test/fixtures/spec-api-v1.md, `/orgs/{org}/clients`, `clients.manage`). Rules:
 * 1. every scope is an org permission the creator holds in that org now (the Authorizer is asked
 *    for each; platform permissions are never a client's) — else 403 `forbidden`, recorded as a
 *    `client.create` failure; the name refuses control characters (400 `validation_failed`);
 * 2. `client_secret_basic` gets a 256-bit secret, shown once, stored as SHA-256;
 *    `private_key_jwt` registers a public JWK Set: 1–10 keys, each with only the members its key
 *    type has (no private member, nothing else), at most `MAX_JWKS_BYTES` in all;
 * 3. revoking a client revokes every token it holds at once on every instance: written to the
 *    store, applied here, published on the revocation bus (kind `client`);
 * 4. every change is audited, never the secret, and the entry comes first (`auditedChange`): a
 *    change whose entry cannot be recorded does not happen;
 * 5. when its creator is erased, every client the creator made is revoked (`revokeAllOfCreator`).
 */
import { hashClientSecret, newClientId, newClientSecret } from '../crypto/client-secret.js';
import { auditedChange } from '../../kernel/audited-change.js';
import { DomainError, validationFailed } from '../../kernel/domain/errors.js';
import { hasControlCharacter } from '../../kernel/http/names.js';
import { PLATFORM_PERMISSIONS } from '../../tenancy/index.js';
import type { Principal } from '../../kernel/domain/principal.js';
import type { Secret } from '../../kernel/domain/secret.js';
import {
  audienceProblem,
  jwksProblem,
  MAX_CLIENT_AUDIENCES,
  type ClientAuthMethod,
  type PublicJwk,
  type ServiceClient,
} from '../domain/service-client.js';
import type { TenantScope } from '../../kernel/domain/tenant-scope.js';
import type { AuditAction } from '../../kernel/domain/audit-entry.js';
import type { AuditEvent, AuditLog } from '../../kernel/ports/audit-log.js';
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
  /** The audiences (absolute URIs) its tokens may ask for (RFC 8707); none by default. */
  readonly audiences?: readonly string[];
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
    checkRequest(request);
    await this.#authorizeScopes(scope.orgId, scopes, actor.principal, actor);
    const prepared = this.#prepare(request, scopes, actor.principal);
    const event = this.#event(scope.orgId, 'client.create', prepared.row.id, actor, {
      scopes,
      auth_method: request.authMethod,
      ...(request.audiences === undefined || request.audiences.length === 0 ? {} : { audiences: [...new Set(request.audiences)].sort() }),
    });
    await auditedChange(this.#o.audit, event, () => this.#o.store.create(scope, prepared.row));
    return this.#created(scope.orgId, prepared);
  }

  /**
   * `rampart client create`: the operator registers a client of the org `orgId` for the user
   * `ownerId`, whose authority bounds it — each scope must be held by that user in the org now, as
   * through the API (a non-member is refused the same way).
   */
  async createAsOperator(orgId: string, ownerId: string, request: NewClientRequest): Promise<CreatedClient> {
    const scopes = [...new Set(request.scopes)].sort();
    checkRequest(request);
    const principal: Principal = { type: 'user', id: ownerId, via: 'bearer' };
    await this.#authorizeScopes(orgId, scopes, principal, OPERATOR);
    const prepared = this.#prepare(request, scopes, principal);
    const event = this.#event(orgId, 'client.create', prepared.row.id, OPERATOR, {
      scopes,
      auth_method: request.authMethod,
      owner: ownerId,
    });
    await auditedChange(this.#o.audit, event, () => this.#o.store.operator.create(orgId, prepared.row));
    return this.#created(orgId, prepared);
  }

  /** `rampart client list`. */
  async listAsOperator(orgId: string): Promise<readonly ServiceClient[]> {
    return (await this.#o.store.operator.list(orgId)).map(publicView);
  }

  /** `rampart client revoke`: as the API's revocation, at once on every instance. */
  async revokeAsOperator(orgId: string, id: string): Promise<void> {
    const live = (await this.#o.store.operator.list(orgId)).some((client) => client.id === id && client.revokedAt === null);
    if (!live) throw new DomainError('not_found', 'No such live client in that org');
    await auditedChange(this.#o.audit, this.#event(orgId, 'client.revoke', id, OPERATOR, {}), () =>
      this.#revoke(id, (now) => this.#o.store.operator.revoke(orgId, id, now)),
    );
  }

  /**
   * The user `userId` is being erased: every live client they created, in any org, is revoked at
   * once on every instance, each with its own `client.revoke` entry (actor `system`), recorded first.
   */
  async revokeAllOfCreator(userId: string, context: RequestContext): Promise<number> {
    const clients = await this.#o.store.liveCreatedBy(userId);
    const system = { ip: context.ip, userAgent: context.userAgent, requestId: context.requestId };
    for (const client of clients) {
      const event = { ...this.#event(client.orgId, 'client.revoke', client.id, system, { cause: 'creator_erased' }), subject: userId };
      // Revoked already (a race with another revocation) is the outcome wanted: not a failure.
      await auditedChange(this.#o.audit, event, () =>
        this.#revoke(client.id, (now) => this.#o.store.operator.revoke(client.orgId, client.id, now), true),
      );
    }
    return clients.length;
  }

  #prepare(request: NewClientRequest, scopes: readonly string[], principal: Principal): { row: NewServiceClient; secret?: Secret<string> } {
    const secret = request.authMethod === 'client_secret_basic' ? newClientSecret() : undefined;
    const row: NewServiceClient = {
      id: newClientId(),
      name: request.name,
      authMethod: request.authMethod,
      secretHash: secret === undefined ? null : hashClientSecret(secret.reveal()),
      jwks: request.authMethod === 'private_key_jwt' && request.jwks !== undefined ? { keys: request.jwks.keys } : null,
      scopes,
      audiences: [...new Set(request.audiences ?? [])].sort(),
      createdBy: principal.type === 'user' ? principal.id : (principal.owner ?? principal.id),
      now: this.#o.clock.now(),
    };
    return secret === undefined ? { row } : { row, secret };
  }

  #created(orgId: string, prepared: { row: NewServiceClient; secret?: Secret<string> }): CreatedClient {
    const { secretHash: _hash, now: createdAt, ...fields } = prepared.row;
    const client: ServiceClient = Object.freeze({ ...fields, audiences: fields.audiences ?? [], orgId, createdAt, revokedAt: null });
    return prepared.secret === undefined ? { client } : { client, secret: prepared.secret };
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
    await auditedChange(this.#o.audit, this.#event(scope.orgId, 'client.revoke', id, actor, {}), () =>
      this.#revoke(id, (now) => this.#o.store.revoke(scope, id, now)),
    );
  }

  /** Written to the store, applied here, published to every instance. */
  async #revoke(id: string, write: (now: number) => Promise<boolean>, alreadyIsFine = false): Promise<void> {
    const now = this.#o.clock.now();
    if (!(await write(now)) && !alreadyIsFine) throw new DomainError('not_found', 'No such live client');
    this.#o.revocations.revokeLocally(id, now);
    await this.#o.bus.publish({ kind: 'client', id, revokedAt: now });
  }

  async #authorizeScopes(
    orgId: string,
    scopes: readonly string[],
    principal: Principal,
    actor: ClientActor | typeof OPERATOR,
  ): Promise<void> {
    for (const permission of scopes) {
      const platform = PLATFORM_PERMISSIONS.has(permission);
      const decision = platform
        ? undefined
        : await this.#o.authorizer.decide({ principal, access: { permission, scope: 'org' }, org: orgId });
      if (decision?.allow === true) continue;
      // An attempt to mint a credential beyond one's authority is a policy violation: recorded.
      await this.#o.audit.record({
        ...this.#event(orgId, 'client.create', null, actor, { scope: permission }),
        result: 'failure',
        reason: platform ? 'platform_scope' : 'scope_beyond_creator',
      });
      if (platform) {
        throw new DomainError('forbidden', `The scope ${permission} is a platform permission; a service client holds org permissions only`);
      }
      throw new DomainError('forbidden', `The scope ${permission} is beyond the creator's permissions`);
    }
  }

  #event(
    orgId: string,
    action: AuditAction,
    clientId: string | null,
    actor: ClientActor | RequestContext | typeof OPERATOR,
    details: Readonly<Record<string, unknown>>,
  ): AuditEvent {
    return {
      org: orgId,
      actor: 'principal' in actor ? { type: actor.principal.type, id: actor.principal.id } : { type: 'system', id: null },
      action,
      resource: clientId ?? 'client',
      result: 'success',
      sourceIp: actor.ip,
      requestId: actor.requestId,
      ...(actor.userAgent === undefined ? {} : { userAgent: actor.userAgent }),
      details,
    };
  }
}

/** The name and the key set, checked before anything is authorized, recorded or stored. */
function checkRequest(request: NewClientRequest): void {
  if (request.name.length === 0 || request.name.length > 200 || hasControlCharacter(request.name)) {
    throw validationFailed([{ field: 'body.name', reason: 'must be 1 to 200 characters, none of them a control character' }]);
  }
  if (request.authMethod === 'private_key_jwt') {
    if (request.jwks === undefined) throw validationFailed([{ field: 'body.jwks', reason: 'is required for private_key_jwt' }]);
    const problem = jwksProblem(request.jwks);
    if (problem !== undefined) throw validationFailed([{ field: 'body.jwks', reason: problem }]);
  } else if (request.jwks !== undefined) {
    throw validationFailed([{ field: 'body.jwks', reason: 'is only for private_key_jwt' }]);
  }
  const audiences = request.audiences ?? [];
  if (audiences.length > MAX_CLIENT_AUDIENCES) {
    throw validationFailed([{ field: 'body.audiences', reason: `holds at most ${MAX_CLIENT_AUDIENCES} audiences` }]);
  }
  for (const audience of audiences) {
    const problem = audience.length > 500 ? 'is longer than 500 characters' : audienceProblem(audience);
    if (problem !== undefined) throw validationFailed([{ field: 'body.audiences', reason: `an audience ${problem}` }]);
  }
}
