/**
 * OIDC and OAuth 2 sign-in, and the linked identities every federated sign-in uses (OIDC, LDAP,
 * PAM): the configured providers (each request to them through the SSRF guard), the sealed state
 * cookie's key, the store of links, and their routes.
 */
import { Type } from '@sinclair/typebox';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import { outboundPolicyOf, systemResolver } from '../../kernel/net/outbound-policy.js';
import type { Earlier, Kernel, Part, PersonalDataSection } from '../../kernel/part.js';
import { SqlExternalIdentityStore } from '../identities/adapters/sql-external-identity-store.js';
import type { ExternalIdentityStore } from '../identities/ports/external-identity-store.js';
import { IdentityJson, identityJson } from '../identities/routes/identity-json.js';
import { meIdentityRoutes } from '../identities/routes/me-identities.js';
import { IdentityLinks } from '../identities/services/identity-links.js';
import { SignInWays } from '../identities/services/sign-in-ways.js';
import { oidcRoutes } from './routes/oidc-routes.js';
import { FederatedSignIn } from './services/federated-sign-in.js';
import { guardedFetch } from './services/guarded-fetch.js';
import { ProviderClient } from './services/provider-client.js';

export interface OidcFederation {
  /** Linked identities of every kind (`oidc:<name>`, `ldap:<name>`, `pam`). */
  readonly identities: ExternalIdentityStore;
  /**
   * The ways into an account beside its identities: a later capability (passkeys) registers its
   * own, so that unlinking never removes the last way to sign in.
   */
  readonly signInWays: SignInWays;
  /** The OIDC/OAuth sign-in and link flows. */
  readonly flows: FederatedSignIn;
}

/** The redirect URI of provider `name`: exact, under the public URL. */
export function redirectUriOf(publicUrl: string, name: string): string {
  return new URL(`/api/v1/auth/oidc/${name}/callback`, publicUrl).href;
}

export function composeOidc(kernel: Kernel, earlier: Earlier): Promise<Part<OidcFederation>> {
  const { config, clock } = kernel;
  const identity = earlier.need('identity', 'federation');
  const audit = earlier.need('audit', 'federation').log;
  const identities = new SqlExternalIdentityStore(kernel.database.db);
  const signInWays = new SignInWays();
  const fetch = guardedFetch(outboundPolicyOf(config), systemResolver());
  const clients = new Map(config.oidcProviders.map((p) => [p.name, new ProviderClient(p, redirectUriOf(config.publicUrl, p.name), fetch)]));
  const flows = new FederatedSignIn({
    clients,
    identities,
    users: identity.users,
    audit,
    clock,
    stateKey: deriveKey(kernel.masterKey(), 'oidc-state-seal'),
    selfRegistration: config.selfRegistration,
  });
  const links = new IdentityLinks({ identities, ways: signInWays, identity, flows, audit, clock });
  const personalData: PersonalDataSection = {
    key: 'external_identities',
    schema: Type.Array(IdentityJson),
    read: async (userId) => (await identities.listOfUser(userId, undefined, 1000)).map(identityJson),
  };
  return Promise.resolve({
    facade: Object.freeze({ identities, signInWays, flows }),
    routes: async (app) => {
      await oidcRoutes(app, flows, identity);
      await meIdentityRoutes(app, links);
    },
    personalData: [personalData],
  });
}
