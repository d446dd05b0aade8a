/**
 * The identity capability's variables: the first platform admin, self-registration, token and
 * session lifetimes, the access-token algorithm, the MFA requirement for admins and the login
 * limits. Listed on the `identity` capability (`identity/index.ts`); their keys join the kernel's
 * `RampartConfig` here (declaration merging).
 */
import { boolean, integer, optional, type ConfigVariable } from '../kernel/config.js';
import { Secret } from '../kernel/domain/secret.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from './tokens/domain/signing-key.js';

declare module '../kernel/config.js' {
  interface RampartConfig {
    readonly bootstrapAdminEmail: string | undefined;
    readonly bootstrapAdminPassword: Secret<string> | undefined;
    readonly selfRegistration: boolean;
    readonly accessTokenTtl: number;
    /** The JWS algorithm of new access-token signing keys (takes effect at the next key rotation). */
    readonly accessTokenAlg: SigningAlgorithm;
    readonly refreshTokenTtl: number;
    /** Seconds within which a replay of the refresh token just rotated gets the same successor (0: none). */
    readonly refreshReuseGrace: number;
    /** Seconds from login after which a token session ends, however often it is refreshed (V7.3.2). */
    readonly tokenSessionAbsoluteTimeout: number;
    /** Seconds without a refresh after which a token session ends (at most the refresh-token lifetime). */
    readonly tokenSessionIdleTimeout: number;
    readonly sessionIdleTimeout: number;
    readonly sessionAbsoluteTimeout: number;
    /** Whether platform admins and members holding a sensitive permission must enrol a second factor before anything else. */
    readonly mfaRequiredForAdmins: boolean;
    /** Seconds a login or step-up stays fresh enough for the changes that need a step-up. */
    readonly stepUpWindow: number;
    /** Attempts per account at each guessable secret (password, TOTP, recovery code) per `guessWindow`. */
    readonly guessLimit: number;
    /** Seconds of the per-account guess budget's window. */
    readonly guessWindow: number;
    readonly loginRateLimit: number;
    /** ms; 0: password hashes are bounded by the queue's length only. */
    readonly loginMaxWaitMs: number;
    /** Untrusted login attempts per account per 15 minutes (docs/decisions/011-login-throttling.md). */
    readonly loginAccountLimit: number;
    /** Seconds between heartbeats on the revocation feed (GET /api/v1/revocations/stream). */
    readonly revocationHeartbeat: number;
  }
}

/**
 * The identity variables, in README order. Each entry is the one place its variable is documented.
 * The order matters: `RAMPART_SESSION_ABSOLUTE_TIMEOUT` reads `sessionIdleTimeout`, parsed before it;
 * `RAMPART_TOKEN_SESSION_IDLE_TIMEOUT` reads `refreshTokenTtl` and `tokenSessionAbsoluteTimeout`.
 */
export const IDENTITY_VARIABLES: readonly ConfigVariable[] = [
  {
    key: 'bootstrapAdminEmail',
    env: 'RAMPART_BOOTSTRAP_ADMIN_EMAIL',
    defaultText: 'unset',
    description: 'Email of the first platform admin, created when no user exists.',
    parse: optional((value) => {
      if (value.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(value)) throw new Error('must be an email address');
      return value;
    }),
  },
  {
    key: 'bootstrapAdminPassword',
    env: 'RAMPART_BOOTSTRAP_ADMIN_PASSWORD',
    defaultText: 'unset: a random password is printed once',
    description: 'Password of the first platform admin.',
    secret: true,
    // A password is taken as written: neither trimmed nor, when blank but not empty, taken for unset.
    parse: (raw) => {
      if (raw === undefined || raw === '') return undefined;
      if (raw.length < 12 || raw.length > 128) throw new Error('must be 12 to 128 characters long');
      return new Secret(raw);
    },
  },
  {
    key: 'selfRegistration',
    env: 'RAMPART_SELF_REGISTRATION',
    defaultText: 'false',
    description: 'Enables `POST /api/v1/auth/register`.',
    parse: boolean(false),
  },
  {
    key: 'accessTokenTtl',
    env: 'RAMPART_ACCESS_TOKEN_TTL',
    defaultText: '900',
    description: 'Access-token lifetime in seconds (at most 900).',
    parse: integer(30, 900, 900),
  },
  {
    key: 'accessTokenAlg',
    env: 'RAMPART_ACCESS_TOKEN_ALG',
    defaultText: 'EdDSA',
    description:
      "Algorithm of new access-token signing keys: `EdDSA` (Ed25519), `ES256` or `RS256`. A change takes effect at the next `rampart keys rotate`; tokens of older keys verify with their own key's algorithm until it retires.",
    parse: (raw) => {
      const value = raw?.trim() ?? 'EdDSA';
      if (!isSigningAlgorithm(value)) throw new Error(`must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
      return value;
    },
  },
  {
    key: 'refreshTokenTtl',
    env: 'RAMPART_REFRESH_TOKEN_TTL',
    defaultText: '604800',
    description: 'Refresh-token lifetime in seconds.',
    parse: integer(300, 7_776_000, 604_800),
  },
  {
    key: 'refreshReuseGrace',
    env: 'RAMPART_REFRESH_REUSE_GRACE',
    defaultText: '0',
    description:
      'Seconds (at most 60) within which a replay of the refresh token just rotated returns the same successor instead of revoking the session (two racing tabs); 0 treats every replay as theft.',
    parse: integer(0, 60, 0),
  },
  {
    key: 'tokenSessionAbsoluteTimeout',
    env: 'RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT',
    defaultText: '2592000',
    description:
      'Token-session absolute lifetime in seconds (300 to 31536000): a refresh never extends a session past its login plus this; then the user signs in again. Login and refresh answers give the end as `session_expires_at`.',
    parse: integer(300, 31_536_000, 2_592_000),
  },
  {
    key: 'tokenSessionIdleTimeout',
    env: 'RAMPART_TOKEN_SESSION_IDLE_TIMEOUT',
    defaultText: 'RAMPART_REFRESH_TOKEN_TTL',
    description:
      'Token-session idle timeout in seconds: a session not refreshed for this long ends (each refresh token lives this long). At most RAMPART_REFRESH_TOKEN_TTL and RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT; by default the smaller of the two.',
    parse: (raw, partial) => {
      const refresh = partial.refreshTokenTtl ?? 604_800;
      const absolute = partial.tokenSessionAbsoluteTimeout ?? 2_592_000;
      const value = integer(300, 7_776_000, Math.min(refresh, absolute))(raw);
      if (value > refresh) throw new Error('must not be longer than RAMPART_REFRESH_TOKEN_TTL');
      if (value > absolute) throw new Error('must not be longer than RAMPART_TOKEN_SESSION_ABSOLUTE_TIMEOUT');
      return value;
    },
  },
  {
    key: 'sessionIdleTimeout',
    env: 'RAMPART_SESSION_IDLE_TIMEOUT',
    defaultText: '1800',
    description: 'Browser-session idle timeout in seconds.',
    parse: integer(60, 86_400, 1800),
  },
  {
    key: 'sessionAbsoluteTimeout',
    env: 'RAMPART_SESSION_ABSOLUTE_TIMEOUT',
    defaultText: '28800',
    description: 'Browser-session absolute timeout in seconds (at least the idle timeout).',
    parse: (raw, partial) => {
      const value = integer(60, 2_592_000, 28_800)(raw);
      if (partial.sessionIdleTimeout !== undefined && value < partial.sessionIdleTimeout) {
        throw new Error('must not be shorter than RAMPART_SESSION_IDLE_TIMEOUT');
      }
      return value;
    },
  },
  {
    key: 'mfaRequiredForAdmins',
    env: 'RAMPART_MFA_REQUIRED_FOR_ADMINS',
    defaultText: 'true (false with RAMPART_DEV)',
    description:
      'Platform admins, and every member whose role (built-in or custom) holds a sensitive permission — `org.delete`, `org.export`, `members.manage`, `roles.manage`, `secrets.manage`, `api_keys.manage`, `clients.manage`, `config.manage`, `licences.manage`, `artifacts.sign`, or an application permission registered with `sensitive: true` — without a confirmed second factor get 403 `mfa_enrollment_required` on every route but those needed to enrol or step away (`/me`, `/me/mfa/totp*`, `/me/password`, `/auth/step-up`, `/auth/csrf`, logout, leaving an org); their API keys and service clients are refused too. `false` turns the requirement off.',
    // RAMPART_DEV (a kernel variable, parsed before this one) turns the default off; `true` still holds.
    parse: (raw, partial) => boolean(partial.dev !== true)(raw),
  },
  {
    key: 'stepUpWindow',
    env: 'RAMPART_STEP_UP_WINDOW',
    defaultText: '300',
    description:
      'Seconds (30 to 3600) after a login or a `POST /api/v1/auth/step-up` during which the session may enrol a second factor and create or rotate API keys; later they answer 401 `step_up_required` with the `methods` that satisfy it.',
    parse: integer(30, 3600, 300),
  },
  {
    key: 'guessLimit',
    env: 'RAMPART_GUESS_LIMIT',
    defaultText: '10',
    description:
      'Attempts per account at each secret a caller can guess — the password (outside login), a TOTP code, a recovery code — per RAMPART_GUESS_WINDOW, across every route that checks it, right or wrong; past it 429 with Retry-After.',
    parse: integer(1, 1000, 10),
  },
  {
    key: 'guessWindow',
    env: 'RAMPART_GUESS_WINDOW',
    defaultText: '900',
    description: 'Seconds (60 to 86400) of the per-account guess budget window.',
    parse: integer(60, 86_400, 900),
  },
  {
    key: 'loginRateLimit',
    env: 'RAMPART_LOGIN_RATE_LIMIT',
    defaultText: '10',
    description: 'Login attempts per minute per (IP, account); 10× that per IP (an IPv6 address counts by its /64).',
    parse: integer(1, 100_000, 10),
  },
  {
    key: 'loginMaxWaitMs',
    env: 'RAMPART_LOGIN_MAX_WAIT_MS',
    defaultText: '750',
    description:
      'Longest estimated time (ms) a password hash (a login, or any other password check or change) may wait in the hashing queue and run; past it the request is refused at once with 429 and Retry-After. 0: no bound in time (the queue still holds at most 64).',
    parse: integer(0, 60_000, 750),
  },
  {
    key: 'loginAccountLimit',
    env: 'RAMPART_LOGIN_ACCOUNT_LIMIT',
    defaultText: '20',
    description:
      'Login attempts per account per 15 minutes from devices that have not signed in to it before (any address together, counted before the password is checked, the same for an unknown email); past it 429 with Retry-After until the window ends. A device that signed in before — device cookie or `device_token`, DPoP key, or same address and user agent — is not counted here.',
    parse: integer(1, 100_000, 20),
  },
  {
    key: 'revocationHeartbeat',
    env: 'RAMPART_REVOCATION_HEARTBEAT',
    defaultText: '15',
    description:
      'Seconds (1 to 60) between the comment lines that keep a revocation feed (`GET /api/v1/revocations/stream`) open through proxies and prove it live; the middleware treats a feed silent for three intervals as down.',
    parse: integer(1, 60, 15),
  },
];
