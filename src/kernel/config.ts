/**
 * Rampart's configuration: every `RAMPART_*` variable, where it is defined, what it means, its
 * secure default and how it is checked. Values come from the environment and, optionally, a JSON
 * file with the same keys (`--config`); the environment wins. Anything that does not parse stops
 * the start with a {@link ConfigError} naming the variable and what is wrong — never the value of
 * a secret. The result is frozen.
 */
import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Secret } from './domain/secret.js';
import { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from './domain/signing-algorithm.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface RampartConfig {
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly dataDir: string;
  /** `undefined`: the embedded SQLite database `<dataDir>/rampart.db`. */
  readonly databaseUrl: Secret<string> | undefined;
  /** PostgreSQL only: the role that owns the schema and runs migrations; the server then works as `databaseUrl`'s role. */
  readonly databaseMigrationUrl: Secret<string> | undefined;
  readonly redisUrl: Secret<string> | undefined;
  readonly masterKey: Secret<Buffer> | undefined;
  /** Where the secrets' key-encryption key lives: derived from the master key, or in a PKCS#11 token. */
  readonly kekSource: 'master-key' | 'pkcs11';
  /** The PKCS#11 module (shared library) path, with `kekSource` `pkcs11`. */
  readonly pkcs11Module: string | undefined;
  /** The label of the PKCS#11 token holding the KEK. */
  readonly pkcs11TokenLabel: string | undefined;
  /** The user PIN of that token. */
  readonly pkcs11Pin: Secret<string> | undefined;
  /** The label prefix of the KEK objects in the token (`<prefix>-<kek id>`). */
  readonly pkcs11KeyLabel: string;
  readonly bootstrapAdminEmail: string | undefined;
  readonly bootstrapAdminPassword: Secret<string> | undefined;
  readonly selfRegistration: boolean;
  readonly corsOrigins: readonly string[];
  readonly accessTokenTtl: number;
  /** The JWS algorithm of new access-token signing keys (takes effect at the next key rotation). */
  readonly accessTokenAlg: SigningAlgorithm;
  readonly refreshTokenTtl: number;
  /** Seconds within which a replay of the refresh token just rotated gets the same successor (0: none). */
  readonly refreshReuseGrace: number;
  readonly sessionIdleTimeout: number;
  readonly sessionAbsoluteTimeout: number;
  /** Whether platform admins and org owners/admins must enrol a second factor before anything else. */
  readonly mfaRequiredForAdmins: boolean;
  readonly loginRateLimit: number;
  /** ms; 0: password hashes are bounded by the queue's length only. */
  readonly loginMaxWaitMs: number;
  readonly rateLimit: number;
  /** `false`, or the proxies (addresses or CIDR ranges) whose `X-Forwarded-For` is honoured. */
  readonly trustProxy: false | readonly string[];
  readonly logLevel: LogLevel;
  readonly bodyLimit: number;
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly httpRedirectPort: number | undefined;
  readonly metricsAllow: readonly string[];
  readonly securityContact: string;
  readonly securityPolicy: string | undefined;
  readonly shutdownTimeout: number;
  /** Seconds between scheduled audit checkpoints. */
  readonly auditCheckpointInterval: number;
  /** A file each new audit checkpoint is appended to (JSON lines), or undefined. */
  readonly auditWitnessFile: string | undefined;
  /** A witness URL each new audit checkpoint is POSTed to and the latest is compared with at startup, or undefined. */
  readonly auditWitnessUrl: string | undefined;
  /** Days after which audit entries' payloads are dropped (leaf hashes kept), or undefined: kept forever. */
  readonly auditRetentionDays: number | undefined;
  /** A JSON-lines file every integrated audit entry is appended to (the SIEM sink), or undefined. */
  readonly auditSinkFile: string | undefined;
  /** Failed logins on one account within 15 minutes that raise a `security.alert`. */
  readonly auditAlertLoginFailures: number;
}

/** A configuration value that is missing or wrong; the message names the variable. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Raw = string | undefined;

interface Variable<K extends keyof RampartConfig> {
  readonly key: K;
  readonly env: string;
  /** The default as written in the README ("unset" where there is none). */
  readonly defaultText: string;
  readonly description: string;
  /** Whether the value is a secret: redacted by `rampart config`, never echoed in errors. */
  readonly secret?: boolean;
  readonly parse: (raw: Raw, partial: Partial<Mutable<RampartConfig>>) => RampartConfig[K];
}

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/** A parser of a secret service URL whose scheme is one of `schemes` (`postgres:`…). */
function serviceUrl(schemes: readonly string[], expected: string) {
  return (raw: Raw): Secret<string> | undefined => {
    if (raw === undefined || raw.trim() === '') return undefined;
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw new Error(`must be a ${expected} URL`);
    }
    if (!schemes.includes(url.protocol)) throw new Error(`must be a ${expected} URL`);
    return new Secret(raw.trim());
  };
}

const parsePostgresUrl = serviceUrl(['postgres:', 'postgresql:'], 'postgres://');

function integer(min: number, max: number, fallback: number) {
  return (raw: Raw): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new Error(`must be a whole number from ${min} to ${max}`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new Error(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

function boolean(fallback: boolean) {
  return (raw: Raw): boolean => {
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new Error('must be true or false');
  };
}

function list(raw: Raw): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** An address or a CIDR range, IPv4 or IPv6. */
export function isAddressOrRange(value: string): boolean {
  const [address, bits, extra] = value.split('/');
  if (extra !== undefined || address === undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

function addresses(raw: Raw): string[] {
  const items = list(raw);
  for (const item of items) {
    if (!isAddressOrRange(item)) throw new Error(`"${item}" is not an IP address or CIDR range`);
  }
  return items;
}

function origin(value: string): string {
  if (value === '*' || value === 'null') throw new Error(`"${value}" is never allowed: list exact origins`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`"${value}" is not an origin such as https://app.example.com`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    throw new Error(`"${value}" is not an exact origin (scheme://host[:port], no path or slash)`);
  }
  return value;
}

function filePath(raw: Raw): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : resolve(raw.trim());
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The variables, in README order. Each entry is the one place its variable is documented.
 * A drift test checks that the README's configuration table lists exactly these.
 */
export const VARIABLES: readonly Variable<keyof RampartConfig>[] = [
  {
    key: 'host',
    env: 'RAMPART_HOST',
    defaultText: '127.0.0.1',
    description: 'Address the server listens on.',
    parse: (raw) => {
      const value = raw?.trim() ?? '127.0.0.1';
      if (isIP(value) === 0 && !/^[A-Za-z0-9.-]+$/.test(value)) throw new Error('must be an IP address or host name');
      return value;
    },
  },
  {
    key: 'port',
    env: 'RAMPART_PORT',
    defaultText: '8080',
    description: 'Port the server listens on (0 picks a free one).',
    parse: integer(0, 65535, 8080),
  },
  {
    key: 'publicUrl',
    env: 'RAMPART_PUBLIC_URL',
    defaultText: 'http://127.0.0.1:8080',
    description: 'The URL clients reach Rampart at: token issuer (`iss`), CSRF origin and base of links.',
    parse: (raw) => {
      const value = raw?.trim() ?? 'http://127.0.0.1:8080';
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new Error('must be an absolute http(s) URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('must be an http(s) URL');
      if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
        throw new Error('must not carry credentials, a query or a fragment');
      }
      return value.replace(/\/+$/, '');
    },
  },
  {
    key: 'dataDir',
    env: 'RAMPART_DATA_DIR',
    defaultText: './data',
    description: 'Embedded database, keys and backups. The directory is 0700 and its files 0600; Rampart refuses to start otherwise.',
    parse: (raw) => resolve(raw?.trim() || './data'),
  },
  {
    key: 'databaseUrl',
    env: 'RAMPART_DATABASE_URL',
    defaultText: 'SQLite in the data dir',
    description: '`postgres://user:password@host:port/db` to use PostgreSQL instead of the embedded SQLite.',
    secret: true,
    parse: (raw) => parsePostgresUrl(raw),
  },
  {
    key: 'databaseMigrationUrl',
    env: 'RAMPART_DATABASE_MIGRATION_URL',
    defaultText: 'unset: migrations run as `RAMPART_DATABASE_URL`',
    description:
      'PostgreSQL: the URL of the role that owns the schema. Migrations run through it, then the server works only as `RAMPART_DATABASE_URL`, which should be a role that owns no table and cannot bypass row-level security (`rampart doctor` checks; docs/decisions/006-tenancy.md).',
    secret: true,
    parse: (raw, partial) => {
      const url = parsePostgresUrl(raw);
      if (url !== undefined && partial.databaseUrl === undefined)
        throw new Error('needs RAMPART_DATABASE_URL (the role the server works as)');
      return url;
    },
  },
  {
    key: 'redisUrl',
    env: 'RAMPART_REDIS_URL',
    defaultText: 'unset',
    description: '`redis://…` to share rate limits, the revocation bus and caches between instances.',
    secret: true,
    parse: serviceUrl(['redis:', 'rediss:'], 'redis:// or rediss://'),
  },
  {
    key: 'masterKey',
    env: 'RAMPART_MASTER_KEY',
    defaultText: 'generated into the data dir',
    description: 'Base64 of a 32-byte key-encryption key. Unset: `rampart init` generates one into the data dir (with a `doctor` warning).',
    secret: true,
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const text = raw.trim();
      const bytes = Buffer.from(text, 'base64');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length !== 32) {
        throw new Error('must be the base64 of exactly 32 random bytes (openssl rand -base64 32)');
      }
      return new Secret(bytes);
    },
  },
  {
    key: 'kekSource',
    env: 'RAMPART_KEK_SOURCE',
    defaultText: 'master-key',
    description:
      "Where the key-encryption key of the secrets' data keys lives: `master-key` (derived from `RAMPART_MASTER_KEY` or the key file) or `pkcs11` (an AES key generated in, and never leaving, a PKCS#11 token; wrapping happens in the token).",
    parse: (raw) => {
      const value = raw?.trim() ?? '';
      if (value === '' || value === 'master-key') return 'master-key';
      if (value === 'pkcs11') return 'pkcs11';
      throw new Error('must be master-key or pkcs11');
    },
  },
  {
    key: 'pkcs11Module',
    env: 'RAMPART_PKCS11_MODULE',
    defaultText: 'unset',
    description: 'With `RAMPART_KEK_SOURCE=pkcs11`: the PKCS#11 module path (e.g. `/usr/lib/softhsm/libsofthsm2.so`).',
    parse: (raw, partial) => {
      const value = filePath(raw);
      if (partial.kekSource === 'pkcs11' && value === undefined) throw new Error('is required with RAMPART_KEK_SOURCE=pkcs11');
      return value;
    },
  },
  {
    key: 'pkcs11TokenLabel',
    env: 'RAMPART_PKCS11_TOKEN_LABEL',
    defaultText: 'unset',
    description: 'With `RAMPART_KEK_SOURCE=pkcs11`: the label of the token that holds the KEK.',
    parse: (raw, partial) => {
      const value = raw?.trim();
      if (value === undefined || value === '') {
        if (partial.kekSource === 'pkcs11') throw new Error('is required with RAMPART_KEK_SOURCE=pkcs11');
        return undefined;
      }
      if (value.length > 32) throw new Error('must be at most 32 characters (a PKCS#11 token label)');
      return value;
    },
  },
  {
    key: 'pkcs11Pin',
    env: 'RAMPART_PKCS11_PIN',
    defaultText: 'unset',
    description: "With `RAMPART_KEK_SOURCE=pkcs11`: the token's user PIN.",
    secret: true,
    parse: (raw, partial) => {
      if (raw === undefined || raw === '') {
        if (partial.kekSource === 'pkcs11') throw new Error('is required with RAMPART_KEK_SOURCE=pkcs11');
        return undefined;
      }
      return new Secret(raw);
    },
  },
  {
    key: 'pkcs11KeyLabel',
    env: 'RAMPART_PKCS11_KEY_LABEL',
    defaultText: 'rampart-kek',
    description: 'Label prefix of the KEK objects Rampart creates in the token (`<prefix>-<kek id>`).',
    parse: (raw) => {
      const value = raw?.trim();
      if (value === undefined || value === '') return 'rampart-kek';
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(value)) throw new Error('must be 1-64 letters, digits, dots, dashes or underscores');
      return value;
    },
  },
  {
    key: 'bootstrapAdminEmail',
    env: 'RAMPART_BOOTSTRAP_ADMIN_EMAIL',
    defaultText: 'unset',
    description: 'Email of the first platform admin, created when no user exists.',
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const value = raw.trim();
      if (value.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(value)) throw new Error('must be an email address');
      return value;
    },
  },
  {
    key: 'bootstrapAdminPassword',
    env: 'RAMPART_BOOTSTRAP_ADMIN_PASSWORD',
    defaultText: 'unset: a random password is printed once',
    description: 'Password of the first platform admin.',
    secret: true,
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
    key: 'corsOrigins',
    env: 'RAMPART_CORS_ORIGINS',
    defaultText: 'empty',
    description: 'Comma-separated allow-list of exact origins (`https://app.example.com`); never `*` or `null`.',
    parse: (raw) => list(raw).map(origin),
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
    defaultText: 'true',
    description:
      'Platform admins and org owners/admins without a confirmed second factor get 403 `mfa_enrollment_required` on every route but those needed to enrol (`/me`, `/me/mfa/totp*`, `/me/password`, logout). `false` turns the requirement off.',
    parse: boolean(true),
  },
  {
    key: 'loginRateLimit',
    env: 'RAMPART_LOGIN_RATE_LIMIT',
    defaultText: '10',
    description: 'Login attempts per minute per (IP, account); 10× that per IP.',
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
    key: 'rateLimit',
    env: 'RAMPART_RATE_LIMIT',
    defaultText: '600',
    description: 'Requests per minute per caller (principal, or IP when unauthenticated) on other routes.',
    parse: integer(1, 1_000_000_000, 600),
  },
  {
    key: 'trustProxy',
    env: 'RAMPART_TRUST_PROXY',
    defaultText: 'false',
    description: '`false`, or comma-separated proxy addresses/CIDR ranges whose `X-Forwarded-For` is honoured.',
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '' || raw.trim().toLowerCase() === 'false') return false;
      if (raw.trim().toLowerCase() === 'true') {
        throw new Error('"true" would trust any client to set its own address: list the proxies instead');
      }
      return addresses(raw);
    },
  },
  {
    key: 'logLevel',
    env: 'RAMPART_LOG_LEVEL',
    defaultText: 'info',
    description: 'pino level; logs are JSON on stdout, redacted.',
    parse: (raw) => {
      const value = (raw?.trim() ?? 'info') as LogLevel;
      if (!LOG_LEVELS.includes(value)) throw new Error(`must be one of ${LOG_LEVELS.join(', ')}`);
      return value;
    },
  },
  {
    key: 'bodyLimit',
    env: 'RAMPART_BODY_LIMIT',
    defaultText: '1048576',
    description: 'Default request-body limit in bytes (413 `payload_too_large` above it); routes may declare their own.',
    parse: integer(1024, 104_857_600, 1_048_576),
  },
  {
    key: 'tlsCert',
    env: 'RAMPART_TLS_CERT',
    defaultText: 'unset',
    description:
      'PEM certificate chain file. With `RAMPART_TLS_KEY`, the server speaks HTTPS only (TLS 1.2/1.3, AEAD suites with forward secrecy).',
    parse: filePath,
  },
  {
    key: 'tlsKey',
    env: 'RAMPART_TLS_KEY',
    defaultText: 'unset',
    description: 'PEM private-key file for `RAMPART_TLS_CERT`.',
    parse: (raw, partial) => {
      const value = filePath(raw);
      if ((value === undefined) !== (partial.tlsCert === undefined)) {
        throw new Error('must be set together with RAMPART_TLS_CERT');
      }
      return value;
    },
  },
  {
    key: 'httpRedirectPort',
    env: 'RAMPART_HTTP_REDIRECT_PORT',
    defaultText: 'unset',
    description: 'With TLS: a plain-HTTP port that only redirects to `RAMPART_PUBLIC_URL`.',
    parse: (raw, partial) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      if (partial.tlsCert === undefined) throw new Error('needs RAMPART_TLS_CERT and RAMPART_TLS_KEY');
      return integer(0, 65535, 0)(raw);
    },
  },
  {
    key: 'metricsAllow',
    env: 'RAMPART_METRICS_ALLOW',
    defaultText: 'loopback',
    description: 'Comma-separated addresses/CIDR ranges that may read `/metrics` without a credential; loopback always may.',
    parse: addresses,
  },
  {
    key: 'securityContact',
    env: 'RAMPART_SECURITY_CONTACT',
    defaultText: 'mailto:security@<public host>',
    description: '`Contact` of `/.well-known/security.txt` (RFC 9116): a `mailto:` or `https:` URI.',
    parse: (raw, partial) => {
      const value = raw?.trim();
      if (value === undefined || value === '') {
        return `mailto:security@${new URL(partial.publicUrl ?? 'http://127.0.0.1:8080').hostname}`;
      }
      if (!/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+|tel:\+?[\d-]+)$/.test(value)) {
        throw new Error('must be a mailto:, https: or tel: URI');
      }
      return value;
    },
  },
  {
    key: 'securityPolicy',
    env: 'RAMPART_SECURITY_POLICY',
    defaultText: 'unset',
    description: '`Policy` of `/.well-known/security.txt`: an https: URL of the disclosure policy.',
    parse: (raw) => {
      const value = raw?.trim();
      if (value === undefined || value === '') return undefined;
      if (!/^https:\/\/\S+$/.test(value)) throw new Error('must be an https: URL');
      return value;
    },
  },
  {
    key: 'shutdownTimeout',
    env: 'RAMPART_SHUTDOWN_TIMEOUT',
    defaultText: '30',
    description: 'Seconds SIGTERM waits for in-flight requests before closing connections.',
    parse: integer(1, 600, 30),
  },
  {
    key: 'auditCheckpointInterval',
    env: 'RAMPART_AUDIT_CHECKPOINT_INTERVAL',
    defaultText: '60',
    description: 'Seconds between signed audit-log checkpoints (one is also issued on demand); none is signed while the log has not grown.',
    parse: integer(1, 86_400, 60),
  },
  {
    key: 'auditWitnessFile',
    env: 'RAMPART_AUDIT_WITNESS_FILE',
    defaultText: 'unset',
    description:
      'A file, best on other storage than the database, that every new audit checkpoint is appended to (JSON lines) so that a rollback of the whole database is detectable: `rampart audit verify --checkpoint <file>`.',
    parse: filePath,
  },
  {
    key: 'auditWitnessUrl',
    env: 'RAMPART_AUDIT_WITNESS_URL',
    defaultText: 'unset',
    description:
      "A witness URL (https, or http on loopback only): every new audit checkpoint is POSTed to it (text/plain signed note), and at startup the witness's latest (GET) is compared with the database's — a database rolled back behind the witness fails `/readyz` (`audit_witness`) and logs an error.",
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      let url: URL;
      try {
        url = new URL(raw.trim());
      } catch {
        throw new Error('must be an absolute URL');
      }
      const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new Error('must be https (http only on loopback)');
      if (url.username !== '' || url.password !== '') throw new Error('must not hold credentials');
      return url.toString();
    },
  },
  {
    key: 'auditRetentionDays',
    env: 'RAMPART_AUDIT_RETENTION_DAYS',
    defaultText: 'unset',
    description:
      "Days after which audit entries' payloads are dropped (hourly, and by `rampart audit prune`); their leaf hashes stay, so proofs and `rampart audit verify` still pass. Unset: kept forever.",
    parse: (raw) => {
      if (raw === undefined || raw.trim() === '') return undefined;
      const value = Number(raw.trim());
      if (!Number.isSafeInteger(value) || value < 1 || value > 36_500) throw new Error('must be an integer from 1 to 36500');
      return value;
    },
  },
  {
    key: 'auditSinkFile',
    env: 'RAMPART_AUDIT_SINK_FILE',
    defaultText: 'unset',
    description:
      'A file (0600) every integrated audit entry is appended to as a JSON line, for a SIEM shipper; it never blocks the log: a bounded buffer, overflow dropped and counted in `rampart_audit_sink_dropped_total`.',
    parse: filePath,
  },
  {
    key: 'auditAlertLoginFailures',
    env: 'RAMPART_AUDIT_ALERT_LOGIN_FAILURES',
    defaultText: '5',
    description: 'Failed logins on one account within 15 minutes that raise a `security.alert` audit entry (4× that from one address).',
    parse: integer(2, 10_000, 5),
  },
];

export interface LoadOptions {
  /** The environment to read; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file whose keys are `RAMPART_*` names; the environment wins over it. */
  readonly file?: string;
}

function readFileValues(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    throw new ConfigError('--config', `${file} ${reason}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('--config', `${file} must hold a JSON object of RAMPART_* keys`);
  }
  const known = new Set(VARIABLES.map((variable) => variable.env));
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!known.has(name)) throw new ConfigError(name, `is not a Rampart variable (in ${file})`);
    if (typeof value === 'string') values[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) values[name] = value.join(',');
    else throw new ConfigError(name, `must be a string, number, boolean or list of strings (in ${file})`);
  }
  return values;
}

/** Reads, checks and freezes the configuration. Throws {@link ConfigError} on the first problem. */
export function loadConfig(options: LoadOptions = {}): RampartConfig {
  const env = options.env ?? process.env;
  const fromFile = options.file === undefined ? {} : readFileValues(options.file);
  for (const name of Object.keys(env)) {
    if (name.startsWith('RAMPART_') && !VARIABLES.some((variable) => variable.env === name)) {
      throw new ConfigError(name, 'is not a Rampart variable (misspelt?)');
    }
  }
  const partial: Partial<Mutable<RampartConfig>> = {};
  for (const variable of VARIABLES) {
    const raw = env[variable.env] ?? fromFile[variable.env];
    try {
      (partial as Record<string, unknown>)[variable.key] = variable.parse(raw, partial);
    } catch (error) {
      const problem = error instanceof Error ? error.message : 'is not valid';
      throw new ConfigError(variable.env, problem);
    }
  }
  return Object.freeze({
    ...partial,
    corsOrigins: Object.freeze([...(partial.corsOrigins ?? [])]),
    metricsAllow: Object.freeze([...(partial.metricsAllow ?? [])]),
    trustProxy: partial.trustProxy === false || partial.trustProxy === undefined ? false : Object.freeze([...partial.trustProxy]),
  }) as RampartConfig;
}

/** The effective configuration by variable name, secrets redacted: what `rampart config` prints. */
export function describeConfig(config: RampartConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const variable of VARIABLES) {
    const value = config[variable.key];
    if (value === undefined) out[variable.env] = null;
    else if (variable.secret === true) out[variable.env] = '[redacted]';
    else out[variable.env] = value;
  }
  return out;
}
