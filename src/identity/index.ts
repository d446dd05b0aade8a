/**
 * The identity capability's public face: accounts, sessions, tokens, MFA and browser sessions,
 * their routes and the `rampart user` commands. Later capabilities and the application reach
 * nothing here but what this file exports.
 */
import type { Command } from 'commander';
import type { Capability } from '../kernel/part.js';
import { IDENTITY_PROCESSING, IDENTITY_RETENTION } from './domain/privacy.js';
import type { PasswordHasher } from './accounts/crypto/password-hasher.js';
import { composeIdentityPart, type Identity } from './compose.js';
import { IDENTITY_VARIABLES } from './config.js';
import { SECURITY_VARIABLES } from './security/config.js';
import { PASSWORD_HASH_VARIABLES } from './accounts/password-hash-config.js';
import { KEY_ROTATION_VARIABLES } from './tokens/key-rotation-config.js';
import { IDENTITY_EVENT_TYPES } from './domain/events.js';

// Re-exported so that the RampartConfig keys this module declares reach the library's type declarations.
export { IDENTITY_VARIABLES } from './config.js';
export { SECURITY_VARIABLES } from './security/config.js';
export { PASSWORD_HASH_VARIABLES } from './accounts/password-hash-config.js';
export { KEY_ROTATION_VARIABLES } from './tokens/key-rotation-config.js';

// Re-exported so that the AuditActions this module declares reach the library's type declarations.
export { IDENTITY_AUDIT_ACTIONS } from './domain/audit-actions.js';
export { IDENTITY_EVENT_TYPES } from './domain/events.js';

declare module '../kernel/part.js' {
  interface RampartOptions {
    /** The password hasher (tests pass one with a small queue); argon2id at OWASP parameters by default. */
    readonly passwordHasher?: PasswordHasher;
  }
  interface Facades {
    identity: Identity;
  }
}

export const identity: Capability<'identity'> = {
  name: 'identity',
  // Its personal data's retention and processing activities (issue 22 item 2; the compliance capability reads them).
  retention: IDENTITY_RETENTION,
  privacy: IDENTITY_PROCESSING,
  variables: [...IDENTITY_VARIABLES, ...SECURITY_VARIABLES, ...PASSWORD_HASH_VARIABLES, ...KEY_ROTATION_VARIABLES],
  eventTypes: IDENTITY_EVENT_TYPES,
  commands(program, context) {
    program
      .command('user')
      .description('platform user accounts')
      .command('import <file>')
      .description('import accounts from JSON lines {email, name?, password_hash?} (bcrypt or argon2id, kept as given)')
      .option('--json', 'print results as JSON')
      .action(async (file: string, _options: unknown, command: Command) => {
        process.exitCode = await context.run(command, async (config, out) =>
          (await import('./accounts/cli/user-import-command.js')).runUserImport(config, out, file),
        );
      });
    program
      .command('admin')
      .description('platform administrators, on the machine that holds the data')
      .command('recover')
      .description(
        'create or reset a platform admin and print a one-time password (changed at the first sign-in) or, with --link, a set-password link; ' +
          'revokes its sessions; audited (admin.recover). Works with the server stopped, and through it when it runs',
      )
      .option('--email <email>', 'the admin to create or reset (default: the first owner of the system org, else admin@<public host>)')
      .option('--link', 'print a set-password link (24 h, single use) instead of a one-time password')
      .option('--json', 'print results as JSON')
      .action(async (options: { email?: string; link?: boolean }, command: Command) => {
        process.exitCode = await context.run(command, async (config, out) =>
          (await import('./accounts/cli/admin-recover.js')).runAdminRecover(config, out, context.compose, options),
        );
      });
    program
      .command('sessions')
      .description('sessions of every user')
      .command('revoke-all')
      .description('kill switch: end every session of the deployment, or with --org of an org’s members, on every instance')
      .option('--org <org>', "only the sessions of this org's members (id or slug)")
      .option('--json', 'print results as JSON')
      .action(async (options: { org?: string }, command: Command) => {
        process.exitCode = await context.run(command, async (config, out) =>
          (await import('./sessions/cli/sessions-revoke-all-command.js')).runSessionsRevokeAll(config, out, context.compose, options.org),
        );
      });
  },
  compose: (kernel, earlier) => composeIdentityPart(kernel, earlier),
};

export { type PasswordHasher } from './accounts/crypto/password-hasher.js';
export { normaliseEmail, type Membership, type Org, type User } from './accounts/domain/user.js';
export { type UserStore } from './accounts/ports/user-store.js';
export { SessionJson, sessionJson } from './accounts/routes/me-account.js';
export { UserJson, userJson } from './accounts/routes/user-json.js';
export { type BootstrapNotice } from './accounts/services/bootstrap-admin.js';
export { identityAdminOperations } from './accounts/cli/admin-recover.js';
export { bootstrapNoticePath, readBootstrapNotice } from './accounts/adapters/bootstrap-notice-file.js';
export { LoginLimiter } from './accounts/services/login-limiter.js';
export { type UserAdminService } from './accounts/services/user-admin.js';
export { clearSessionCookie } from './browser/crypto/session-cookie.js';
export { default as browserLayer, browserSessionStep, type BrowserSessionLayerOptions } from './browser/routes/browser-layer.js';
export { signingKeyStore, type Identity } from './compose.js';
export { type SecondFactor } from './mfa/services/second-factor.js';
export { type FactorMethod } from './mfa/services/second-factor.js';
export { type OtherFactor, type OtherFactors } from './mfa/services/mfa-login.js';
export { type GuessBudget } from './sessions/services/guess-budget.js';
export { MIN_REVOCATION_RETAIN_MS, RevocationSet } from './sessions/domain/revocation-set.js';
export { type Session } from './sessions/domain/session.js';
export { type AccessTokenClaims } from './tokens/domain/access-token.js';
export { type OrgPermissions, type TokenScopes } from './tokens/ports/token-scopes.js';
export { TokenService } from './tokens/services/token-service.js';
export { type ExternalProof } from './accounts/services/login-service.js';
export { LoginAnswer, type LoginAnswerJson, type LoginResponder, type SignInOptions, contextOf } from './accounts/routes/login-answer.js';
export { type SecurityEventInput, type SecurityEventKind, type SecurityEventRecorder } from './security/domain/security-event.js';
