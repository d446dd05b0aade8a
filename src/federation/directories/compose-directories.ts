/**
 * LDAP and PAM sign-in on the kernel, identity (login answer, limits, revocation), tenancy (the
 * orgs a group mapping names) and the linked identities of the oidc area: one
 * {@link DirectorySource} per configured directory, the shared {@link DirectorySignIn}, and
 * their routes (only those of configured directories).
 */
import type { Earlier, Kernel, Part } from '../../kernel/part.js';
import { deriveKey } from '../../kernel/crypto/derive-key.js';
import { LoginLimiter } from '../../identity/index.js';
import type { OidcFederation } from '../oidc/compose-oidc.js';
import { LdapDirectoryClient } from './adapters/ldap-directory-client.js';
import { PamAuthenticator } from './adapters/pam-authenticator.js';
import { SqlDirectoryAccounts } from './adapters/sql-directory-accounts.js';
import { IdentifierDigest } from './crypto/identifier-digest.js';
import { directoryRoutes } from './routes/directory-routes.js';
import { DirectorySignIn, type DirectorySource } from './services/directory-sign-in.js';

/** The directories, as other parts (and tests) reach them. */
export interface Directories {
  /** The configured LDAP directories by name, and PAM when configured. */
  readonly ldap: ReadonlyMap<string, DirectorySource>;
  readonly pam: DirectorySource | undefined;
  readonly signIn: DirectorySignIn;
}

export async function composeDirectories(kernel: Kernel, earlier: Earlier, oidc: OidcFederation): Promise<Part<Directories>> {
  const { config, logger, clock, bus } = kernel;
  const identity = earlier.need('identity', 'federation');
  const tenancy = earlier.need('tenancy', 'federation');
  const audit = earlier.need('audit', 'federation').log;
  const ldap = new Map<string, DirectorySource>(
    config.ldapDirectories.map((directory) => [
      directory.name,
      { provider: `ldap:${directory.name}`, directory: new LdapDirectoryClient(directory, logger), groupRoles: directory.groupRoles },
    ]),
  );
  const pamService = config.pamService;
  const domain = config.pamEmailDomain;
  const pam: DirectorySource | undefined =
    pamService === undefined || domain === undefined
      ? undefined
      : {
          provider: 'pam',
          directory: new PamAuthenticator({ service: pamService, helper: config.pamHelper, logger }),
          groupRoles: [],
          emailOf: (person) => `${person.subject}@${domain}`,
        };
  const signIn = new DirectorySignIn({
    audit,
    limiter: new LoginLimiter(kernel.rateLimiter, { perMinute: config.loginRateLimit, accountWindow: config.loginAccountLimit }),
    users: identity.users,
    identities: oidc.identities,
    accounts: new SqlDirectoryAccounts(kernel.database.db),
    revoker: identity.revoker,
    orgs: tenancy.authorizer,
    membershipsChanged: async (userId, orgIds) => {
      // As tenancy's own member changes: every instance drops its cached decisions about the org,
      // and the member's browser sessions get a new id (MFA re-evaluated).
      for (const orgId of orgIds) {
        tenancy.authorizer.invalidate(orgId);
        await bus.publish({ kind: 'authz', id: orgId, revokedAt: clock.now() });
      }
      await identity.roleChanged(userId);
    },
    digest: new IdentifierDigest(deriveKey(kernel.masterKey(), 'login-identifier')),
    clock,
  });
  const facade: Directories = Object.freeze({ ldap, pam, signIn });
  await Promise.resolve();
  return {
    facade,
    routes: (app) => directoryRoutes(app, { signIn, responder: identity.signIn, ldap, pam, config }),
  };
}
