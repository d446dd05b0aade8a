/**
 * The credentials part of the composition root: API keys and OAuth service clients — their
 * stores, the revocation listeners that keep every instance current, the services, and the two
 * authenticators (`Bearer rk_…` and `Bearer <client access token>`).
 */
import { credentialsPersonalData } from './routes/personal-data.js';
import { credentialsOrgData } from './adapters/sql-org-data.js';
import type { Identity } from '../identity/index.js';
import type { Authenticator } from '../kernel/ports/authenticator.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { SqlApiKeyStore } from './adapters/sql-api-key-store.js';
import { SqlClientStore } from './adapters/sql-client-store.js';
import { apiKeyRoutes } from './routes/api-keys.js';
import { clientRoutes } from './routes/clients.js';
import { oauthRoutes } from './routes/oauth.js';
import { ApiKeyAuthenticator } from './services/api-key-authenticator.js';
import { ApiKeyRevocations } from './services/api-key-revocations.js';
import { ApiKeyService } from './services/api-key-service.js';
import { ClientRevocations } from './services/client-revocations.js';
import { ClientTokenAuthenticator } from './services/client-token-authenticator.js';
import { OAuthService } from './services/oauth-service.js';
import { OperatorRefs } from './services/operator-refs.js';
import { ServiceClientService } from './services/service-client-service.js';

/** API keys and service clients, as the routes and the CLI use them. */
export interface Credentials {
  readonly apiKeys: ApiKeyService;
  readonly clients: ServiceClientService;
  readonly oauth: OAuthService;
  /** `Bearer rk_…`, then `Bearer <client token>`: asked after the user bearer authenticator. */
  readonly authenticators: readonly Authenticator[];
  readonly apiKeyAuthenticator: ApiKeyAuthenticator;
  /** The operator's `--org` and `--owner` references (`rampart client`), resolved to ids. */
  readonly operatorRefs: OperatorRefs;
}

/**
 * The credentials capability on the kernel, identity (users, access tokens, session revocations),
 * tenancy (the authorizer, unless the application replaces it; the org store for the operator)
 * and audit. Each revocation listener is on the close stack from its start, so a failure of the
 * second closes the first.
 */
export async function composeCredentialsPart(kernel: Kernel, earlier: Earlier): Promise<Part<Credentials>> {
  const identity: Pick<
    Identity,
    'tokens' | 'users' | 'revocations' | 'passwordChangeHooks' | 'mfaEnforcement' | 'userAdmin' | 'securityEvents'
  > = earlier.need('identity', 'credentials');
  // While RAMPART_MFA_REQUIRED_FOR_ADMINS is on, an owner's or admin's keys and clients wait for their second factor.
  const mustEnrol = (userId: string): Promise<boolean> => identity.mfaEnforcement.mustEnrol(userId);
  const tenancy = earlier.need('tenancy', 'credentials');
  const { log: audit } = earlier.need('audit', 'credentials');
  const { database, bus, clock } = kernel;
  const authorizer = kernel.options.authorizer ?? tenancy.authorizer;
  const keyStore = new SqlApiKeyStore(database.db);
  const clientStore = new SqlClientStore(database.db, database.dialect);
  const keyRevocations = new ApiKeyRevocations(bus, clock);
  const clientRevocations = new ClientRevocations(clientStore, bus, clock, kernel.onError('client revocation reload failed'));
  await keyRevocations.start();
  kernel.closers.add('api key revocations', keyRevocations);
  await clientRevocations.start();
  kernel.closers.add('client revocations', clientRevocations);
  const apiKeyAuthenticator = new ApiKeyAuthenticator({
    store: keyStore,
    revocations: keyRevocations,
    audit,
    clock,
    onError: kernel.onError('api key last_used_at write failed'),
    mustEnrol,
  });
  const credentials: Credentials = Object.freeze({
    apiKeys: new ApiKeyService({
      store: keyStore,
      users: identity.users,
      authorizer,
      revocations: keyRevocations,
      bus,
      audit,
      clock,
      securityEvents: identity.securityEvents,
    }),
    clients: new ServiceClientService({ store: clientStore, authorizer, revocations: clientRevocations, bus, audit, clock }),
    oauth: new OAuthService({
      clients: clientStore,
      tokens: identity.tokens,
      revocations: clientRevocations,
      sessionRevoked: (sessionId) => identity.revocations.isRevoked(sessionId),
      authorizer,
      bus,
      audit,
      clock,
      issuer: kernel.config.publicUrl,
      users: identity.users,
      mustEnrol,
    }),
    authenticators: Object.freeze([
      apiKeyAuthenticator,
      new ClientTokenAuthenticator({
        tokens: identity.tokens,
        revocations: clientRevocations,
        owners: keyRevocations,
        clients: clientStore,
        users: identity.users,
        clock,
        mustEnrol,
      }),
    ]),
    apiKeyAuthenticator,
    operatorRefs: new OperatorRefs(tenancy.store, identity.users),
  });
  // A password change with `revoke_api_keys: true` revokes every live key of the user, each audited as `api_key.revoke`.
  identity.passwordChangeHooks.onRevokeApiKeys(async (userId, context) => {
    const actor = { ...context, principal: { type: 'user', id: userId, via: 'bearer' } as const };
    const revoked: string[] = [];
    let page = await credentials.apiKeys.list(userId, undefined, 200);
    while (page.length > 0) {
      const now = clock.now();
      for (const key of page.filter((k) => k.revokedAt === null && (k.expiresAt === null || k.expiresAt > now))) {
        await credentials.apiKeys.revoke(key.id, actor);
        revoked.push(key.id);
      }
      page = page.length < 200 ? [] : await credentials.apiKeys.list(userId, page.at(-1)?.id, 200);
    }
    return revoked;
  });
  // An erased user's service clients are revoked with the account, on every instance (their keys go with the user row).
  identity.userAdmin.onErase(async (userId, context) => {
    await credentials.clients.revokeAllOfCreator(userId, context);
  });
  return {
    facade: credentials,
    routes: async (app) => {
      await apiKeyRoutes(app, credentials);
      await clientRoutes(app, credentials);
      await oauthRoutes(app, credentials);
    },
    authenticators: credentials.authenticators,
    personalData: credentialsPersonalData(credentials.apiKeys),
    orgData: credentialsOrgData(database.db, database.dialect),
  };
}
