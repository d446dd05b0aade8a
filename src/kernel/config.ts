/**
 * Rampart's configuration machinery and the kernel's own `RAMPART_*` variables. Each variable is
 * defined where it is used: the kernel's here, each capability's in its `config.ts`, which adds its
 * keys to {@link RampartConfig} by declaration merging and lists its variables on its `Capability`;
 * `src/config.ts` joins the lists into the whole configuration. Values come from the environment
 * and, optionally, a JSON file with the same keys (`--config`); the environment wins. Anything that
 * does not parse stops the start with a {@link ConfigError} naming the variable and what is wrong —
 * never the value of a secret. The result is frozen.
 */
import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Secret } from './domain/secret.js';
import { parseCidr } from './net/ip-ranges.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * The configuration, loaded, checked and frozen. Here the kernel's keys; each capability adds its
 * own from its `config.ts` by declaration merging:
 * ```ts
 * declare module '../kernel/config.js' {
 *   interface RampartConfig {
 *     readonly auditCheckpointInterval: number;
 *   }
 * }
 * ```
 */
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
  readonly corsOrigins: readonly string[];
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
  /** Networks the SSRF guard lets outbound requests reach although a deny range covers them (src/kernel/net/). */
  readonly outboundAllowCidrs: readonly string[];
  /** Ports outbound requests may use. */
  readonly outboundPorts: readonly number[];
  /**
   * RAMPART_DEV: development conveniences (readable logs, no MFA requirement for admins, the admin
   * of RAMPART_BOOTSTRAP_ADMIN_* kept as given); refused with NODE_ENV=production.
   */
  readonly dev: boolean;
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

/** A variable's text as found in the environment or the file; `undefined` when it is not set. */
export type Raw = string | undefined;

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/** The values parsed so far: those of the variables before the one being parsed in the list. */
export type PartialConfig = Partial<Mutable<RampartConfig>>;

export interface Variable<K extends keyof RampartConfig> {
  readonly key: K;
  readonly env: string;
  /** The default as written in the README ("unset" where there is none). */
  readonly defaultText: string;
  readonly description: string;
  /** Whether the value is a secret: redacted by `rampart config`, never echoed in errors. */
  readonly secret?: boolean;
  /**
   * Parses the variable, or throws an `Error` whose message says what is wrong (the loader puts the
   * variable's name before it). `partial` holds the variables earlier in the list, so a variable
   * that reads another must come after it.
   */
  readonly parse: (raw: Raw, partial: PartialConfig) => RampartConfig[K];
}

/** Any one variable, as lists of them hold it: its `parse` must return its own key's type. */
export type ConfigVariable = { [K in keyof RampartConfig]: Variable<K> }[keyof RampartConfig];

// The parse combinators the variables of the kernel and of the capabilities are built from.

/** `parse` of the trimmed value, or `undefined` when the variable is unset or blank. */
export function optional<T>(parse: (value: string, partial: PartialConfig) => T) {
  return (raw: Raw, partial: PartialConfig): T | undefined => {
    if (raw === undefined || raw.trim() === '') return undefined;
    return parse(raw.trim(), partial);
  };
}

/** `value` as an absolute URL; throws `problem` when it is not one. */
export function absoluteUrl(value: string, problem: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(problem);
  }
}

/** A parser of a secret service URL whose scheme is one of `schemes` (`postgres:`…); unset or blank: `undefined`. */
export function serviceUrl(schemes: readonly string[], expected: string) {
  return optional((value): Secret<string> => {
    const url = absoluteUrl(value, `must be a ${expected} URL`);
    if (!schemes.includes(url.protocol)) throw new Error(`must be a ${expected} URL`);
    return new Secret(value);
  });
}

/** A whole number from `min` to `max`; unset: `fallback`. */
export function integer(min: number, max: number, fallback: number) {
  return (raw: Raw): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw.trim())) throw new Error(`must be a whole number from ${min} to ${max}`);
    const value = Number(raw.trim());
    if (value < min || value > max) throw new Error(`must be a whole number from ${min} to ${max}`);
    return value;
  };
}

/** `true`/`1` or `false`/`0`; unset: `fallback`. */
export function boolean(fallback: boolean) {
  return (raw: Raw): boolean => {
    if (raw === undefined) return fallback;
    const value = raw.trim().toLowerCase();
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    throw new Error('must be true or false');
  };
}

/** A comma-separated list, items trimmed, empty items dropped; unset: empty. */
export function list(raw: Raw): string[] {
  if (raw === undefined) return [];
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A file path, resolved against the working directory; unset or blank: `undefined`. */
export function filePath(raw: Raw): string | undefined {
  return raw === undefined || raw.trim() === '' ? undefined : resolve(raw.trim());
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
  const url = absoluteUrl(value, `"${value}" is not an origin such as https://app.example.com`);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) {
    throw new Error(`"${value}" is not an exact origin (scheme://host[:port], no path or slash)`);
  }
  return value;
}

const parsePostgresUrl = serviceUrl(['postgres:', 'postgresql:'], 'postgres://');

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The kernel's variables, in README order. Each entry is the one place its variable is documented.
 * A drift test checks that the README's configuration table lists exactly the variables of
 * `src/config.ts`, these first.
 */
export const KERNEL_VARIABLES: readonly ConfigVariable[] = [
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
    defaultText: 'the listening address, http://RAMPART_HOST:RAMPART_PORT',
    description:
      'The URL clients reach Rampart at: token issuer (`iss`), CSRF origin and base of links. Unset: the address the server listens on (the port it got when `RAMPART_PORT` is 0; loopback when listening on every interface, which `rampart doctor` warns about).',
    parse: (raw, partial) => {
      const value = raw?.trim() || defaultPublicUrl(partial.host ?? '127.0.0.1', partial.port ?? 8080);
      const url = absoluteUrl(value, 'must be an absolute http(s) URL');
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
    parse: parsePostgresUrl,
  },
  {
    key: 'databaseMigrationUrl',
    env: 'RAMPART_DATABASE_MIGRATION_URL',
    defaultText: 'unset: migrations run as `RAMPART_DATABASE_URL`',
    description:
      'PostgreSQL: the URL of the role that owns the schema. Migrations run through it, then the server works only as `RAMPART_DATABASE_URL`, which should be a role that owns no table and cannot bypass row-level security (`rampart doctor` checks; docs/decisions/006-tenancy.md).',
    secret: true,
    parse: (raw, partial) => {
      const url = parsePostgresUrl(raw, partial);
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
    parse: optional((text) => {
      const bytes = Buffer.from(text, 'base64');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || bytes.length !== 32) {
        throw new Error('must be the base64 of exactly 32 random bytes (openssl rand -base64 32)');
      }
      return new Secret(bytes);
    }),
  },
  {
    key: 'corsOrigins',
    env: 'RAMPART_CORS_ORIGINS',
    defaultText: 'empty',
    description: 'Comma-separated allow-list of exact origins (`https://app.example.com`); never `*` or `null`.',
    parse: (raw) => list(raw).map(origin),
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
    parse: optional((value, partial) => {
      if (partial.tlsCert === undefined) throw new Error('needs RAMPART_TLS_CERT and RAMPART_TLS_KEY');
      return integer(0, 65535, 0)(value);
    }),
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
    parse: optional((value) => {
      if (!/^https:\/\/\S+$/.test(value)) throw new Error('must be an https: URL');
      return value;
    }),
  },
  {
    key: 'shutdownTimeout',
    env: 'RAMPART_SHUTDOWN_TIMEOUT',
    defaultText: '30',
    description: 'Seconds SIGTERM waits for in-flight requests before closing connections.',
    parse: integer(1, 600, 30),
  },
  {
    key: 'outboundAllowCidrs',
    env: 'RAMPART_OUTBOUND_ALLOW_CIDRS',
    defaultText: 'empty',
    description:
      'Comma-separated CIDR ranges that outbound requests (webhooks and every other request Rampart sends) may reach although the SSRF guard denies them (private, loopback…): for an internal receiver. Only the listed networks; `rampart doctor` warns while it is set (docs/decisions/017-ssrf-guard.md).',
    parse: (raw) => {
      const ranges = addresses(raw);
      for (const range of ranges) parseCidr(range); // the SSRF guard's own strict reading must accept each
      return ranges;
    },
  },
  {
    key: 'outboundPorts',
    env: 'RAMPART_OUTBOUND_PORTS',
    defaultText: '80,443',
    description: 'Comma-separated ports outbound requests may use; a URL naming another port is refused (`ssrf_blocked`).',
    parse: (raw) => {
      const ports = raw === undefined || raw.trim() === '' ? ['80', '443'] : list(raw);
      return ports.map((port) => {
        if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
          throw new Error(`"${port}" is not a port from 1 to 65535`);
        }
        return Number(port);
      });
    },
  },
  {
    key: 'dev',
    env: 'RAMPART_DEV',
    defaultText: 'false',
    description:
      '`true` for development only: readable logs on the terminal, no MFA requirement for admins, and the admin of `RAMPART_BOOTSTRAP_ADMIN_EMAIL`/`_PASSWORD` created without the first-login password change. Refused with `NODE_ENV=production`.',
    parse: boolean(false),
  },
];

/**
 * RAMPART_PUBLIC_URL when it is not set: the listening address, as clients on this machine reach
 * it — loopback when the server listens on every interface (0.0.0.0 or ::), since no client can
 * connect to those. Port 0 is not known until something listens: until then the URL names 8080,
 * and `startServer` replaces it with the port it got ({@link withListenPort}).
 */
export function defaultPublicUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const shown = isIP(reachable) === 6 ? `[${reachable}]` : reachable;
  return `http://${shown}:${port === 0 ? 8080 : port}`;
}

/** Whether `config.publicUrl` is the default of its host and port (RAMPART_PUBLIC_URL was not set to another URL). */
export function publicUrlIsDefault(config: Pick<RampartConfig, 'host' | 'port' | 'publicUrl'>): boolean {
  return config.publicUrl === defaultPublicUrl(config.host, config.port);
}

/**
 * `config` with the port a listener actually got (RAMPART_PORT=0) and, when RAMPART_PUBLIC_URL
 * was not set, the public URL of that address: the token issuer, the CSRF origin and the links
 * then name the address clients reach. An explicit public URL is kept as it is.
 */
export function withListenPort(config: RampartConfig, port: number): RampartConfig {
  if (config.port === port) return config;
  const publicUrl = publicUrlIsDefault(config) ? defaultPublicUrl(config.host, port) : config.publicUrl;
  return Object.freeze({ ...config, port, publicUrl });
}

export interface LoadOptions {
  /** The environment to read; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** A JSON file whose keys are `RAMPART_*` names; the environment wins over it. */
  readonly file?: string;
}

function readFileValues(variables: readonly ConfigVariable[], file: string): Record<string, string> {
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
  const known = new Set(variables.map((variable) => variable.env));
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

/**
 * Reads, checks and freezes the configuration of `variables`, in their order (a variable reads
 * those before it through `partial`). Any `RAMPART_*` name that is not one of them is refused.
 * Throws {@link ConfigError} on the first problem. `src/config.ts`'s `loadConfig` passes them all.
 */
export function loadConfigFrom(variables: readonly ConfigVariable[], options: LoadOptions = {}): RampartConfig {
  const env = options.env ?? process.env;
  const fromFile = options.file === undefined ? {} : readFileValues(variables, options.file);
  for (const name of Object.keys(env)) {
    if (name.startsWith('RAMPART_') && !variables.some((variable) => variable.env === name)) {
      throw new ConfigError(name, 'is not a Rampart variable (misspelt?)');
    }
  }
  const partial: PartialConfig = {};
  for (const variable of variables) {
    const raw = env[variable.env] ?? fromFile[variable.env];
    try {
      (partial as Record<string, unknown>)[variable.key] = variable.parse(raw, partial);
    } catch (error) {
      const problem = error instanceof Error ? error.message : 'is not valid';
      throw new ConfigError(variable.env, problem);
    }
  }
  // A development start must never be a production one by mistake: both named, nothing started.
  if (partial.dev === true && env.NODE_ENV === 'production') {
    throw new ConfigError('RAMPART_DEV', 'is true while NODE_ENV=production: development mode is refused in production; unset one of them');
  }
  // Lists (CORS origins, trusted proxies, metrics addresses…) are frozen copies, like the whole.
  const frozen = Object.entries(partial).map(([key, value]) => [
    key,
    Array.isArray(value) ? Object.freeze([...(value as unknown[])]) : value,
  ]);
  return Object.freeze(Object.fromEntries(frozen)) as RampartConfig;
}

/** The effective configuration of `variables` by name, secrets redacted: what `rampart config` prints. */
export function describeConfigFrom(variables: readonly ConfigVariable[], config: RampartConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const variable of variables) {
    const value = config[variable.key];
    if (value === undefined) out[variable.env] = null;
    else if (variable.secret === true) out[variable.env] = '[redacted]';
    else out[variable.env] = value;
  }
  return out;
}
