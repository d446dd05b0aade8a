/**
 * The identity capability on the kernel: stores, keyring, revocation, login, refresh, browser
 * sessions and the bearer and cookie authenticators, wired from the configuration, with their
 * routes. Everything it opens is pushed on `kernel.closers` as soon as it is open.
 */
import { SqlIdentityPersonalData } from './adapters/sql-identity-personal-data.js';
import { identityPersonalData } from './routes/personal-data.js';
import type { FastifyInstance } from 'fastify';
import { SqlAccountStore } from './accounts/adapters/sql-account-store.js';
import { SqlCurrentUserReader } from './accounts/adapters/sql-current-user-reader.js';
import { CachedCurrentUserReader } from './accounts/adapters/cached-current-user-reader.js';
import { SqlMfaStore } from './mfa/adapters/sql-mfa-store.js';
import { SqlPasswordTokenStore } from './accounts/adapters/sql-password-token-store.js';
import { SqlPlatformOwners } from './accounts/adapters/sql-platform-owners.js';
import { SqlSessionTombstones } from './sessions/adapters/sql-session-tombstones.js';
import { SqlSessionStore } from './sessions/adapters/sql-session-store.js';
import { SqlSigningKeyStore } from './tokens/adapters/sql-signing-key-store.js';
import { SqlUserStore } from './accounts/adapters/sql-user-store.js';
import { SqlSignInHistory } from './accounts/adapters/sql-sign-in-history.js';
import { DeviceTokens } from './accounts/crypto/device-token.js';
import { LoginIdentifierDigest } from './accounts/crypto/login-identifier.js';
import { masterKeyOf } from '../kernel/master-key.js';
import type { RampartKysely } from '../kernel/adapters/sql/schema.js';
import type { RampartConfig } from '../kernel/config.js';
import type { Earlier, Kernel, Part } from '../kernel/part.js';
import { composeBrowserSessions, type BrowserSessions } from './browser/compose-browser.js';
import type { BrowserSessionLayerOptions } from './browser/routes/browser-layer.js';
import { deriveKey } from '../kernel/crypto/derive-key.js';
import { commonPasswords } from './accounts/crypto/common-passwords.js';
import { PasswordHasher } from './accounts/crypto/password-hasher.js';
import { passwordHashPolicyOf } from './accounts/password-hash-config.js';
import { rotationPeriodMs } from './tokens/key-rotation-config.js';
import { KeyRotationSchedule } from './tokens/services/key-rotation-schedule.js';
import { notifyAlerts } from './security/services/alert-notifier.js';
import { Totp } from './mfa/crypto/totp.js';
import { deploymentContextWords, PasswordPolicy } from './accounts/domain/password-policy.js';
import type { RevocationBus } from '../kernel/ports/revocation-bus.js';
import type { RequestContext } from '../kernel/domain/request-context.js';
import type { SessionStore } from './sessions/ports/session-store.js';
import type { UserStore } from './accounts/ports/user-store.js';
import { authRoutes } from './accounts/routes/auth.js';
import { LoginResponder } from './accounts/routes/login-answer.js';
import { meRoutes } from './accounts/routes/me.js';
import { userRoutes } from './accounts/routes/users.js';
import { meMfaRoutes } from './mfa/routes/me-mfa.js';
import { wellKnownRoutes } from './tokens/routes/well-known.js';
import { AccountPasswordService } from './accounts/services/account-password.js';
import { BearerAuthenticator } from './tokens/services/bearer-authenticator.js';
import { type BootstrapNotice } from './accounts/services/bootstrap-admin.js';
import { bootstrapAdminAtStart, clearingBootstrapNotice } from './accounts/bootstrap-at-start.js';
import { AdminRecovery } from './accounts/services/admin-recovery.js';
import { SqlAdminRecoveryStore } from './accounts/adapters/sql-admin-recovery-store.js';
import { CurrentUser } from './accounts/services/current-user.js';
import { LoginLimiter } from './accounts/services/login-limiter.js';
import { LoginService } from './accounts/services/login-service.js';
import { MfaEnrolment } from './mfa/services/mfa-enrolment.js';
import { MfaLogin, OtherFactors, type SessionGranter } from './mfa/services/mfa-login.js';
import { MySessions } from './sessions/services/my-sessions.js';
import { RefreshService } from './tokens/services/refresh-service.js';
import { RevocationWatcher } from './sessions/services/revocation-watcher.js';
import { SecondFactor } from './mfa/services/second-factor.js';
import { recordEnrolmentRequired } from './mfa/services/mfa-enforcement.js';
import { GuessBudget } from './sessions/services/guess-budget.js';
import { StepUp } from './sessions/services/step-up.js';
import { registerStepUpCheck, stepUpRoutes } from './sessions/routes/step-up.js';
import { PasswordChangeHooks } from './accounts/services/account-password.js';
import { SelfRegistration } from './accounts/services/self-registration.js';
import { SessionRevoker } from './sessions/services/session-revoker.js';
import { TombstonePurge } from './sessions/services/tombstone-purge.js';
import { TokenService } from './tokens/services/token-service.js';
import { UserAdminService } from './accounts/services/user-admin.js';
import { UserStatusService } from './accounts/services/user-status.js';
import { SqlEmailTokenStore } from './email/adapters/sql-email-token-store.js';
import { emailRoutes } from './email/routes/email-routes.js';
import { EmailFlows } from './email/services/email-flows.js';
import { PasswordChangeGate } from './accounts/services/password-change-gate.js';
import { KillSwitch } from './sessions/services/kill-switch.js';
import { OtherSessions } from './sessions/services/other-sessions.js';
import { SqlOrgIds } from './sessions/adapters/sql-org-ids.js';
import { revokeAllRoutes } from './sessions/routes/revoke-all.js';
import { revocationStreamRoutes, type WatchAccess } from './sessions/routes/revocation-stream.js';
import { RevocationFeed } from './sessions/services/revocation-feed.js';
import { OrgTokenFloor } from './tokens/services/org-token-floor.js';
import { SqlRevocationSequence } from '../kernel/adapters/sql/sql-revocation-sequence.js';
import { SqlPasswordChangeRequirements } from './accounts/adapters/sql-password-change-requirements.js';
import { composeSecurity } from './security/compose-security.js';
import type { NewDeviceAlerts } from './security/services/new-device-alerts.js';
import type { SecurityEvents } from './security/services/security-events.js';

/** The identity services, as the routes and the CLI use them (browser sessions, CSRF, DPoP, MFA enforcement included). */
export interface Identity extends BrowserSessions {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: TokenService;
  readonly login: LoginService;
  /**
   * The login answer of every sign-in route, and the sign-in of a user whose first factor another
   * module proved (OIDC, directories, passkeys): MFA, session modes and cookies as for a password.
   */
  readonly signIn: LoginResponder;
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
  /** Email verification, password reset by mail and email change (identity/email/), through the mail capability. */
  readonly email: EmailFlows;
  /** The caller's TOTP enrolment. */
  readonly mfa: MfaEnrolment;
  /** The second step of a login of an enrolled user. */
  readonly mfaLogin: MfaLogin;
  /**
   * Where a later capability registers a second factor it holds (passkeys): the MFA challenge,
   * the admins' MFA requirement and step-up then count it.
   */
  readonly otherFactors: OtherFactors;
  /** Checks a second-factor code (TOTP or recovery code), spending it; for re-authentication. */
  readonly factor: SecondFactor;
  /** One budget per account for each guessable secret (password, TOTP, recovery code), for every route that checks one. */
  readonly guessBudget: GuessBudget;
  /** The kill switch (V7.4.5): every session of an org's members, or of the deployment, ended at once. */
  readonly killSwitch: KillSwitch;
  /** Fresh authentication for the changes that need it (`config.stepUp` routes) and `POST /api/v1/auth/step-up`. */
  readonly stepUp: StepUp;
  /** Where the credentials capability registers the API-key revocation a password change can ask for. */
  readonly passwordChangeHooks: PasswordChangeHooks;
  /** The one password hasher (its bounded queue is shared by every caller). */
  readonly hasher: PasswordHasher;
  /**
   * Records an account's security events and mails them (identity/security/): password, email,
   * second-factor, passkey and API-key changes, recovery codes used, admin sign-outs. Call
   * `record` after the cause's change committed; it never rejects.
   */
  readonly securityEvents: SecurityEvents;
  /** New-device alerts: where the email flows register the password reset "this wasn't me" starts (`useResets`). */
  readonly newDevices: NewDeviceAlerts;
  /** The kernel's revocation bus: spreads revocations (sessions, API keys, clients, authorization changes) to every instance. */
  readonly bus: RevocationBus;
  /** The revocation feed for applications (GET /api/v1/revocations/stream). */
  readonly revocationFeed: RevocationFeed;
  /**
   * Installs who may watch the feed (the authorizer's capability: `sessions.watch` in the client's
   * org). Until it is installed nobody may (fail closed).
   */
  useWatchAccess(access: WatchAccess): void;
  /** Floors of active-org tokens: a change of an org's memberships ends its tokens (org-token-floor.ts). */
  readonly orgTokenFloor: OrgTokenFloor;
  /** Purges session tombstones past the longest access-token lifetime (decision 004), on an unref'd timer. */
  readonly tombstonePurge: TombstonePurge;
  /** The options of the chain's browser-sessions layer (`browserLayer`): CSRF, rotation after a privilege change, MFA enforcement. */
  readonly browserLayer: BrowserSessionLayerOptions;
  /** `rampart admin recover`: a platform admin created or reset on the machine (admin-recovery.ts). */
  readonly adminRecovery: AdminRecovery;
  /**
   * The bootstrap admin's one-time notice (its generated password), or `undefined`: given once,
   * to the first caller (`rampart serve` prints it on stderr), never logged.
   */
  takeBootstrapNotice(): BootstrapNotice | undefined;
}

/** How often an instance re-reads the signing keys (a rotation elsewhere shows up within this). */
const KEY_RELOAD_INTERVAL_MS = 30_000;

/** How often a server with RAMPART_KEY_ROTATION_SCHEDULE=on looks at the signing key's age. */
const KEY_ROTATION_CHECK_MS = 3_600_000;

/** The signing-key store of a database, encrypting private keys under the master key. */
export function signingKeyStore(config: RampartConfig, db: RampartKysely): SqlSigningKeyStore {
  return new SqlSigningKeyStore(db, deriveKey(masterKeyOf(config), 'signing-key-wrap'));
}

/**
 * Builds and starts identity on the kernel (after audit): the key reload, the revocation watcher
 * and the tombstone purge are pushed on `kernel.closers` as each is started, so that a later step
 * that throws (the bootstrap admin) closes them.
 */
export async function composeIdentityPart(kernel: Kernel, earlier: Earlier): Promise<Part<Identity>> {
  const { config, clock, closers, bus } = kernel;
  const db = kernel.database.db;
  const audit = earlier.need('audit', 'identity').log;
  const masterKey = kernel.masterKey();
  const users = new SqlUserStore(db);
  const sessions = new SqlSessionStore(db);
  const hasher =
    kernel.options.passwordHasher ?? new PasswordHasher({ policy: passwordHashPolicyOf(config), maxWaitMs: config.loginMaxWaitMs });
  const signingKeys = new SqlSigningKeyStore(db, deriveKey(masterKey, 'signing-key-wrap'));
  const tokens = new TokenService({
    store: signingKeys,
    clock,
    issuer: config.publicUrl,
    audience: config.publicUrl,
    ttlSeconds: config.accessTokenTtl,
    algorithm: config.accessTokenAlg,
  });
  await tokens.start();
  const revocations = new RevocationWatcher({ sessions, bus, clock, onError: kernel.onError('revocation reload failed') });
  await revocations.start();
  closers.add('identity revocation watcher', revocations);
  const revoker = new SessionRevoker(sessions, bus, revocations, clock);
  const orgTokenFloor = new OrgTokenFloor(bus, clock);
  await orgTokenFloor.start();
  closers.add('identity org token floor', orgTokenFloor);
  tokens.useFloor(orgTokenFloor);
  const revocationFeed = new RevocationFeed({
    bus,
    sequence: new SqlRevocationSequence(db, kernel.database.dialect),
    sessions,
    users,
    heartbeatMs: config.revocationHeartbeat * 1000,
    onError: kernel.onError('revocation feed read failed'),
  });
  await revocationFeed.start();
  closers.add('identity revocation feed', revocationFeed);
  let watchAccess: WatchAccess | undefined;
  // Security alerts reach the platform admins by mail and the org's webhooks (identity/security/services/alert-notifier.ts).
  notifyAlerts(earlier.need('audit', 'identity').alerts, { db, mail: earlier.need('mail', 'identity'), logger: kernel.logger });
  // Security events and new-device alerts (identity/security/), mailed through the mail capability.
  const security = composeSecurity({
    config,
    db,
    masterKey,
    mail: earlier.need('mail', 'identity'),
    users,
    history: new SqlSignInHistory(db),
    deviceTokens: new DeviceTokens(deriveKey(masterKey, 'login-device-token')),
    revoker,
    audit,
    clock,
    onError: (what) => kernel.onError(what),
  });
  // The notice is also written to a 0600 file in the data directory (bootstrap-at-start.ts).
  let notice = await bootstrapAdminAtStart({
    config,
    users,
    hasher,
    clock,
    logger: kernel.logger,
    requirements: new SqlPasswordChangeRequirements(db),
  });
  const reloadFailed = kernel.onError('signing key reload failed');
  const reload = setInterval(() => tokens.reload().catch(reloadFailed), KEY_RELOAD_INTERVAL_MS);
  reload.unref();
  closers.defer('identity signing-key reload', () => clearInterval(reload));
  if (config.keyRotationSchedule && kernel.options.background !== false) {
    // RAMPART_KEY_ROTATION_SCHEDULE=on: the signing key is rotated once past RAMPART_KEY_ROTATION_DAYS.
    const schedule = new KeyRotationSchedule({
      tokens,
      store: signingKeys,
      audit,
      clock,
      periodMs: rotationPeriodMs(config),
      onError: kernel.onError('scheduled signing key rotation failed'),
    });
    schedule.start(KEY_ROTATION_CHECK_MS);
    closers.add('identity key rotation schedule', schedule);
  }
  const tombstonePurge = new TombstonePurge({
    tombstones: new SqlSessionTombstones(db),
    clock,
    onError: kernel.onError('session tombstone purge failed'),
  });
  tombstonePurge.start();
  closers.defer('identity tombstone purge', () => tombstonePurge.stop());
  // A token session's idle timeout is each refresh token's lifetime (at most RAMPART_REFRESH_TOKEN_TTL).
  const refreshTtlSeconds = config.tokenSessionIdleTimeout;
  const tokenSessionAbsoluteSeconds = config.tokenSessionAbsoluteTimeout;
  const accounts = clearingBootstrapNotice(new SqlAccountStore(db), config.dataDir);
  const passwordTokens = new SqlPasswordTokenStore(db);
  const policy = new PasswordPolicy({ commonPasswords: commonPasswords(), contextWords: deploymentContextWords(config.publicUrl) });
  const userStatus = new UserStatusService(users, revoker, clock);
  const mfaStore = new SqlMfaStore(db);
  const totp = new Totp({ clock });
  const sealKey = deriveKey(masterKey, 'totp-secret-seal');
  const guessBudget = new GuessBudget({ limiter: kernel.rateLimiter, limit: config.guessLimit, windowMs: config.guessWindow * 1000 });
  const factor = new SecondFactor(mfaStore, totp, sealKey, clock, guessBudget, security.events);
  const mfa = new MfaEnrolment({
    otherSessions: new OtherSessions(sessions, revoker, clock),
    store: mfaStore,
    users,
    factor,
    totp,
    sealKey,
    audit,
    clock,
    securityEvents: security.events,
  });
  // The verify step opens its session through the login service, declared just below.
  const granter: SessionGranter = { grant: (...args) => login.grant(...args) };
  const otherFactors = new OtherFactors();
  const mfaLogin = new MfaLogin({ store: mfaStore, users, factor, granter, audit, clock, otherFactors });
  // The admins' MFA requirement counts a confirmed TOTP or any registered factor (a passkey).
  const enrolled = { isEnabled: async (userId: string) => (await mfa.isEnabled(userId)) || (await otherFactors.any(userId)) };
  const browser = composeBrowserSessions({
    config,
    redis: kernel.redis,
    clock,
    audit,
    sessions,
    users,
    revocations,
    revoker,
    factor: enrolled,
  });
  // A membership change on any instance drops every instance's cached MFA requirement at once.
  const enforcementEvents = await bus.subscribe(browser.mfaEnforcement.listener());
  closers.defer('identity mfa enforcement events', () => enforcementEvents.unsubscribe());
  // The caller's own row, per instance, dropped by `user` and `authz` events (cached-current-user-reader.ts).
  const callers = new CachedCurrentUserReader(new SqlCurrentUserReader(db), clock);
  const callerEvents = await bus.subscribe(callers.listener());
  closers.defer('identity caller cache events', () => callerEvents.unsubscribe());
  const userChanged = async (userId: string): Promise<void> => {
    callers.forget(userId);
    await bus.publish({ kind: 'user', id: userId, revokedAt: clock.now() }).catch(kernel.onError('user change publish failed'));
  };
  const stepUp = new StepUp({
    sessions,
    users,
    hasher,
    factor,
    mfa,
    budget: guessBudget,
    audit,
    clock,
    windowSeconds: config.stepUpWindow,
    otherFactors,
  });
  const passwordChangeHooks = new PasswordChangeHooks();
  const email = new EmailFlows({
    users,
    tokens: new SqlEmailTokenStore(db),
    mail: earlier.need('mail', 'identity'),
    revoker,
    hasher,
    policy,
    audit,
    clock,
    limiter: kernel.rateLimiter,
    publicUrl: config.publicUrl,
    securityEvents: () => security.events,
    onError: kernel.onError('email flow failed after its answer'),
    userChanged,
  });
  // "This wasn't me" on a new-device alert asks for a password reset: mailed by the email flows.
  security.newDevices.useResets(email);
  const login: LoginService = new LoginService({
    users,
    sessions,
    tokens,
    hasher,
    limiter: new LoginLimiter(kernel.rateLimiter, { perMinute: config.loginRateLimit, accountWindow: config.loginAccountLimit }),
    audit,
    clock,
    refreshTtlSeconds,
    tokenSessionAbsoluteSeconds,
    mfa: mfaLogin,
    cookieSessions: browser.cookieSessions,
    history: new SqlSignInHistory(db),
    deviceTokens: new DeviceTokens(deriveKey(masterKey, 'login-device-token')),
    identifiers: new LoginIdentifierDigest(deriveKey(masterKey, 'login-identifier')),
    signInWatch: security.newDevices,
  });
  const passwordChangeGate = new PasswordChangeGate({ requirements: new SqlPasswordChangeRequirements(db), clock });
  const browserLayer: BrowserSessionLayerOptions = Object.freeze({
    csrf: browser.csrf,
    rotate: async (sessionId: string, userId: string) => {
      const user = await users.findById(userId);
      return user === undefined ? undefined : browser.cookieSessions.rotate(sessionId, user);
    },
    mustEnrol: async (userId: string, refused?: { readonly context: RequestContext; readonly route: string }) => {
      const must = await browser.mfaEnforcement.mustEnrol(userId);
      if (must && refused !== undefined) await recordEnrolmentRequired(audit, userId, refused.context, refused.route);
      return must;
    },
    forget: (userId: string) => browser.mfaEnforcement.forget(userId),
    userChanged,
    // V6.4.1: the bootstrap admin changes the generated or given password before anything else.
    mustChangePassword: (userId: string) => passwordChangeGate.mustChange(userId),
    knownClear: (userId: string) => passwordChangeGate.knownClear(userId) && browser.mfaEnforcement.knownClear(userId),
  });
  const identity: Identity = Object.freeze({
    users,
    sessions,
    tokens,
    login,
    signIn: new LoginResponder({ csrf: browser.csrf, dpop: browser.dpop, cookieSessions: browser.cookieSessions, login, config }),
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
    currentUser: new CurrentUser(callers),
    userStatus,
    authenticator: new BearerAuthenticator(tokens, revocations, orgTokenFloor),
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
      securityEvents: security.events,
    }),
    accountPassword: new AccountPasswordService({
      users,
      accounts,
      sessions,
      passwordTokens,
      revoker,
      hasher,
      policy,
      audit,
      clock,
      budget: guessBudget,
      hooks: passwordChangeHooks,
      securityEvents: security.events,
    }),
    mySessions: new MySessions(sessions, revoker, clock, audit, new OtherSessions(sessions, revoker, clock)),
    killSwitch: new KillSwitch({ sessions, watcher: revocations, bus, audit, clock, orgs: new SqlOrgIds(db) }),
    registration: new SelfRegistration({
      enabled: config.selfRegistration,
      users,
      hasher,
      policy,
      audit,
      clock,
      notices: email.registrationNotices,
    }),
    email,
    mfa,
    mfaLogin,
    otherFactors,
    factor,
    guessBudget,
    stepUp,
    passwordChangeHooks,
    securityEvents: security.events,
    newDevices: security.newDevices,
    hasher,
    ...browser,
    bus,
    tombstonePurge,
    revocationFeed,
    orgTokenFloor,
    useWatchAccess(access: WatchAccess) {
      watchAccess = access;
    },
    browserLayer,
    adminRecovery: new AdminRecovery({
      store: new SqlAdminRecoveryStore(db),
      users,
      passwordTokens,
      revoker,
      bus,
      hasher,
      audit,
      clock,
      publicUrl: config.publicUrl,
    }),
    takeBootstrapNotice() {
      const taken = notice;
      notice = undefined;
      return taken;
    },
  });
  return {
    facade: identity,
    routes: async (app: FastifyInstance) => {
      // Before any route: every route that declares `stepUp: true` (any capability's) is checked.
      registerStepUpCheck(app, identity.stepUp);
      await wellKnownRoutes(app, config, identity.tokens);
      await stepUpRoutes(app, identity.stepUp, config.stepUpWindow);
      await revokeAllRoutes(app, identity.killSwitch);
      await revocationStreamRoutes(app, { feed: revocationFeed, access: () => watchAccess });
      await authRoutes(app, identity, config);
      await meRoutes(app, identity.currentUser);
      await meMfaRoutes(app, identity);
      // Also the caller's password and sessions routes and the public account routes.
      await userRoutes(app, identity, config);
      await emailRoutes(app, identity.email, config);
      await security.routes(app);
    },
    authenticators: [identity.authenticator, identity.cookieSessions],
    personalData: [...identityPersonalData(users, new SqlIdentityPersonalData(db)), security.personalData],
  };
}
