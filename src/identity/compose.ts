/**
 * The identity part of the composition root: stores, keyring, revocation, login, refresh and the
 * bearer authenticator, wired from the configuration. Kept apart from `rampart.ts` so that file
 * stays a short list of the parts.
 */
import type { Redis } from 'ioredis';
import { masterKeyOf } from '../kernel/master-key.js';
import { InProcessRevocationBus } from '../kernel/adapters/memory/in-process-revocation-bus.js';
import { RedisRevocationBus } from '../kernel/adapters/redis/redis-revocation-bus.js';
import { connectRedis } from '../kernel/adapters/redis/redis-connection.js';
import { SqlAccountStore } from './accounts/adapters/sql-account-store.js';
import { SqlCurrentUserReader } from './accounts/adapters/sql-current-user-reader.js';
import { SqlMfaStore } from './mfa/adapters/sql-mfa-store.js';
import { SqlPasswordTokenStore } from './accounts/adapters/sql-password-token-store.js';
import { SqlPlatformOwners } from './accounts/adapters/sql-platform-owners.js';
import { SqlSessionTombstones } from './sessions/adapters/sql-session-tombstones.js';
import { SqlSessionStore } from './sessions/adapters/sql-session-store.js';
import { SqlSigningKeyStore } from './tokens/adapters/sql-signing-key-store.js';
import { SqlUserStore } from './accounts/adapters/sql-user-store.js';
import type { RampartKysely } from '../kernel/adapters/sql/schema.js';
import type { RampartConfig } from '../kernel/config.js';
import { composeBrowserSessions, type BrowserSessions } from './browser/compose-browser.js';
import { deriveKey } from '../kernel/crypto/derive-key.js';
import { commonPasswords } from './accounts/crypto/common-passwords.js';
import { PasswordHasher } from './accounts/crypto/password-hasher.js';
import { Totp } from './mfa/crypto/totp.js';
import { PasswordPolicy } from './accounts/domain/password-policy.js';
import type { AuditLog } from '../kernel/ports/audit-log.js';
import type { Clock } from '../kernel/ports/clock.js';
import type { RateLimiter } from '../kernel/ports/rate-limiter.js';
import type { RevocationBus } from '../kernel/ports/revocation-bus.js';
import type { SessionStore } from './sessions/ports/session-store.js';
import type { UserStore } from './accounts/ports/user-store.js';
import { AccountPasswordService } from './accounts/services/account-password.js';
import { BearerAuthenticator } from './tokens/services/bearer-authenticator.js';
import { BootstrapAdmin, type BootstrapNotice } from './accounts/services/bootstrap-admin.js';
import { CurrentUser } from './accounts/services/current-user.js';
import { LoginLimiter } from './accounts/services/login-limiter.js';
import { LoginService } from './accounts/services/login-service.js';
import { MfaEnrolment } from './mfa/services/mfa-enrolment.js';
import { MfaLogin, type SessionGranter } from './mfa/services/mfa-login.js';
import { MySessions } from './sessions/services/my-sessions.js';
import { RefreshService } from './tokens/services/refresh-service.js';
import { RevocationWatcher } from './sessions/services/revocation-watcher.js';
import { SecondFactor } from './mfa/services/second-factor.js';
import { SelfRegistration } from './accounts/services/self-registration.js';
import { SessionRevoker } from './sessions/services/session-revoker.js';
import { TombstonePurge } from './sessions/services/tombstone-purge.js';
import { TokenService } from './tokens/services/token-service.js';
import { UserAdminService } from './accounts/services/user-admin.js';
import { UserStatusService } from './accounts/services/user-status.js';

/** The identity services, as the routes and the CLI use them (browser sessions, CSRF, DPoP, MFA enforcement included). */
export interface Identity extends BrowserSessions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly login: LoginService;
  readonly refresh: RefreshService;
  readonly revoker: SessionRevoker;
  readonly revocations: RevocationWatcher;
  readonly currentUser: CurrentUser;
  readonly userStatus: UserStatusService;
  readonly authenticator: BearerAuthenticator;
  /** Platform user management (users.manage). */
  readonly userAdmin: UserAdminService;
  /** Set-password tokens and the caller's password change. */
  readonly accountPassword: AccountPasswordService;
  readonly mySessions: MySessions;
  readonly registration: SelfRegistration;
  /** The caller's TOTP enrolment. */
  readonly mfa: MfaEnrolment;
  /** The second step of a login of an enrolled user. */
  readonly mfaLogin: MfaLogin;
  /** Checks a second-factor code (TOTP or recovery code), spending it; for re-authentication. */
  readonly factor: SecondFactor;
  /** The one password hasher (its bounded queue is shared by every caller). */
  readonly hasher: PasswordHasher;
  /** Spreads revocations (sessions, API keys, clients, authorization changes) to every instance. */
  readonly bus: RevocationBus;
  /** Purges session tombstones past the longest access-token lifetime (decision 004), on an unref'd timer. */
  readonly tombstonePurge: TombstonePurge;
  /** Stops the key reload, the revocation subscription and the bus. */
  close(): Promise<void>;
}

export interface IdentityParts {
  readonly config: RampartConfig;
  readonly db: RampartKysely;
  readonly redis: Redis | undefined;
  readonly clock: Clock;
  readonly audit: AuditLog;
  readonly rateLimiter: RateLimiter;
  readonly hasher?: PasswordHasher;
  readonly onError: (error: unknown, what: string) => void;
}

/** How often an instance re-reads the signing keys (a rotation elsewhere shows up within this). */
const KEY_RELOAD_INTERVAL_MS = 30_000;

/** The signing-key store of a database, encrypting private keys under the master key. */
export function signingKeyStore(config: RampartConfig, db: RampartKysely): SqlSigningKeyStore {
  return new SqlSigningKeyStore(db, deriveKey(masterKeyOf(config), 'signing-key-wrap'));
}

function revocationBus(parts: IdentityParts): RevocationBus {
  if (parts.redis === undefined || parts.config.redisUrl === undefined) return new InProcessRevocationBus();
  // A dedicated connection: one in subscriber mode can run no other command.
  const subscriber = connectRedis(parts.config.redisUrl, (error) => parts.onError(error, 'redis subscriber connection error'));
  return new RedisRevocationBus(parts.redis, subscriber, { onError: (error) => parts.onError(error, 'revocation listener failed') });
}

/** Builds and starts identity; resolves with the services and the one-time bootstrap notice. */
export async function composeIdentity(parts: IdentityParts): Promise<{ identity: Identity; notice: BootstrapNotice | undefined }> {
  const { config, db, clock, audit } = parts;
  const masterKey = masterKeyOf(config);
  const users = new SqlUserStore(db);
  const sessions = new SqlSessionStore(db);
  const hasher = parts.hasher ?? new PasswordHasher({ maxWaitMs: config.loginMaxWaitMs });
  const tokens = new TokenService({
    store: new SqlSigningKeyStore(db, deriveKey(masterKey, 'signing-key-wrap')),
    clock,
    issuer: config.publicUrl,
    audience: config.publicUrl,
    ttlSeconds: config.accessTokenTtl,
    algorithm: config.accessTokenAlg,
  });
  await tokens.start();
  const bus = revocationBus(parts);
  const revocations = new RevocationWatcher({ sessions, bus, clock, onError: (error) => parts.onError(error, 'revocation reload failed') });
  await revocations.start();
  const revoker = new SessionRevoker(sessions, bus, revocations, clock);
  const notice = await new BootstrapAdmin({
    users,
    hasher,
    clock,
    email: config.bootstrapAdminEmail,
    password: config.bootstrapAdminPassword,
    publicUrl: config.publicUrl,
  }).run();
  const reload = setInterval(
    () => tokens.reload().catch((error: unknown) => parts.onError(error, 'signing key reload failed')),
    KEY_RELOAD_INTERVAL_MS,
  );
  reload.unref();
  const tombstonePurge = new TombstonePurge({
    tombstones: new SqlSessionTombstones(db),
    clock,
    onError: (error) => parts.onError(error, 'session tombstone purge failed'),
  });
  tombstonePurge.start();
  const refreshTtlSeconds = config.refreshTokenTtl;
  const accounts = new SqlAccountStore(db);
  const passwordTokens = new SqlPasswordTokenStore(db);
  const policy = new PasswordPolicy({ commonPasswords: commonPasswords() });
  const userStatus = new UserStatusService(users, revoker, clock);
  const mfaStore = new SqlMfaStore(db);
  const totp = new Totp({ clock });
  const sealKey = deriveKey(masterKey, 'totp-secret-seal');
  const factor = new SecondFactor(mfaStore, totp, sealKey, clock);
  const mfa = new MfaEnrolment({ store: mfaStore, users, factor, totp, sealKey, audit, clock });
  // The verify step opens its session through the login service, declared just below.
  const granter: SessionGranter = { grant: (...args) => login.grant(...args) };
  const mfaLogin = new MfaLogin({ store: mfaStore, users, factor, granter, audit, clock });
  const browser = composeBrowserSessions({ config, redis: parts.redis, clock, audit, sessions, users, revocations, revoker, factor: mfa });
  const login: LoginService = new LoginService({
    users,
    sessions,
    tokens,
    hasher,
    limiter: new LoginLimiter(parts.rateLimiter, config.loginRateLimit),
    audit,
    clock,
    refreshTtlSeconds,
    mfa: mfaLogin,
    cookieSessions: browser.cookieSessions,
  });
  const identity: Identity = Object.freeze({
    users,
    sessions,
    tokens,
    login,
    refresh: new RefreshService({
      users,
      sessions,
      tokens,
      revoker,
      audit,
      clock,
      successorKey: deriveKey(masterKey, 'refresh-successor'),
      refreshTtlSeconds,
      reuseGraceSeconds: config.refreshReuseGrace,
      dpop: browser.dpop,
    }),
    revoker,
    revocations,
    currentUser: new CurrentUser(new SqlCurrentUserReader(db)),
    userStatus,
    authenticator: new BearerAuthenticator(tokens, revocations),
    userAdmin: new UserAdminService({
      users,
      accounts,
      passwordTokens,
      status: userStatus,
      revoker,
      owners: new SqlPlatformOwners(db),
      hasher,
      policy,
      audit,
      clock,
    }),
    accountPassword: new AccountPasswordService({ users, accounts, sessions, passwordTokens, revoker, hasher, policy, audit, clock }),
    mySessions: new MySessions(sessions, revoker, clock, audit),
    registration: new SelfRegistration({ enabled: config.selfRegistration, users, hasher, policy, audit, clock }),
    mfa,
    mfaLogin,
    factor,
    hasher,
    ...browser,
    bus,
    tombstonePurge,
    async close() {
      clearInterval(reload);
      tombstonePurge.stop();
      await revocations.close();
      await bus.close();
    },
  });
  return { identity, notice };
}
