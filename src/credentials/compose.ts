/**
 * The credentials part of the composition root: API keys and OAuth service clients — their
 * stores, the revocation listeners that keep every instance current, the services, and the two
 * authenticators (`Bearer rk_…` and `Bearer <client access token>`). Kept apart from `rampart.ts`.
 */
import { SqlApiKeyStore } from './adapters/sql-api-key-store.js';
import { SqlClientStore } from './adapters/sql-client-store.js';
import type { SqlDatabase } from '../kernel/adapters/sql/sql-database.js';
import type { Identity } from '../identity/index.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { Authenticator } from '../kernel/ports/authenticator.js';
import type { Authorizer } from '../kernel/ports/authorizer.js';
import type { Clock } from '../kernel/ports/clock.js';
import { ApiKeyAuthenticator } from './services/api-key-authenticator.js';
import { ApiKeyRevocations } from './services/api-key-revocations.js';
import { ApiKeyService } from './services/api-key-service.js';
import { ClientRevocations } from './services/client-revocations.js';
import { ClientTokenAuthenticator } from './services/client-token-authenticator.js';
import { OAuthService } from './services/oauth-service.js';
import { ServiceClientService } from './services/service-client-service.js';

/** API keys and service clients, as the routes and the CLI use them. */
export interface Credentials {
  readonly apiKeys: ApiKeyService;
  readonly clients: ServiceClientService;
  readonly oauth: OAuthService;
  /** `Bearer rk_…`, then `Bearer <client token>`: asked after the user bearer authenticator. */
  readonly authenticators: readonly Authenticator[];
  readonly apiKeyAuthenticator: ApiKeyAuthenticator;
  close(): Promise<void>;
}

export interface CredentialParts {
  readonly database: SqlDatabase;
  readonly identity: Pick<Identity, 'bus' | 'tokens' | 'users' | 'revocations'>;
  readonly authorizer: Authorizer;
  readonly audit: AuditLog;
  readonly clock: Clock;
  readonly issuer: string;
  readonly onError: (error: unknown, what: string) => void;
}

export async function composeApiKeys(parts: CredentialParts): Promise<Credentials> {
  const { database, identity, authorizer, audit, clock } = parts;
  const bus = identity.bus;
  const keyStore = new SqlApiKeyStore(database.db);
  const clientStore = new SqlClientStore(database.db, database.dialect);
  const keyRevocations = new ApiKeyRevocations(bus, clock);
  const clientRevocations = new ClientRevocations(clientStore, bus, clock, (error) =>
    parts.onError(error, 'client revocation reload failed'),
  );
  await keyRevocations.start();
  try {
    await clientRevocations.start();
  } catch (error) {
    await keyRevocations.close();
    throw error;
  }
  const apiKeyAuthenticator = new ApiKeyAuthenticator({
    store: keyStore,
    revocations: keyRevocations,
    audit,
    clock,
    onError: (error) => parts.onError(error, 'api key last_used_at write failed'),
  });
  return Object.freeze({
    apiKeys: new ApiKeyService({ store: keyStore, users: identity.users, authorizer, revocations: keyRevocations, bus, audit, clock }),
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
      issuer: parts.issuer,
    }),
    authenticators: Object.freeze([apiKeyAuthenticator, new ClientTokenAuthenticator(identity.tokens, clientRevocations, clientStore)]),
    apiKeyAuthenticator,
    async close() {
      await clientRevocations.close();
      await keyRevocations.close();
    },
  });
}
