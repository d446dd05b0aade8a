/**
 * Why the database could not be reached, in words an operator acts on: refused, host not found,
 * timed out, authentication failed, TLS required or failed, database missing, SQLite file not
 * openable. Every command that opens the database (serve, migrate, doctor, any command that
 * composes Rampart) reports the cause this way instead of the migration it happened to be at.
 * The message names the host, port, database and role — never the password or the URL as given.
 */
import type { Secret } from '../../domain/secret.js';
import type { SqlDialectName } from './sql-database.js';

/** The database could not be reached or opened; `cause` keeps the driver's error for the log. */
export class DatabaseConnectionError extends Error {
  /** A stable word for the cause, for tests and JSON output. */
  readonly reason: ConnectionFailure;

  constructor(reason: ConnectionFailure, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'DatabaseConnectionError';
    this.reason = reason;
  }
}

export type ConnectionFailure =
  | 'refused'
  | 'host_not_found'
  | 'timeout'
  | 'authentication_failed'
  | 'tls_required'
  | 'tls_failed'
  | 'database_missing'
  | 'role_missing'
  | 'sqlite_unopenable';

/** Where the URL points: host:port/database as role (no password). */
function target(url: Secret<string> | undefined): string {
  if (url === undefined) return 'PostgreSQL';
  try {
    const parsed = new URL(url.reveal());
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default)';
    const role = decodeURIComponent(parsed.username) || '(default role)';
    return `PostgreSQL at ${parsed.hostname}:${parsed.port || '5432'}, database ${database}, role ${role}`;
  } catch {
    return 'PostgreSQL';
  }
}

interface DriverError {
  readonly code?: unknown;
  readonly message?: unknown;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The cause of a PostgreSQL connection failure, or `undefined` when `error` is not one. */
function classifyPostgres(error: DriverError): [ConnectionFailure, string] | undefined {
  const code = typeof error.code === 'string' ? error.code : '';
  const message = typeof error.message === 'string' ? error.message : '';
  if (code === 'ECONNREFUSED') return ['refused', 'the connection was refused: is PostgreSQL running and listening on that host and port?'];
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return ['host_not_found', 'the host name was not found (DNS): check the host in RAMPART_DATABASE_URL'];
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout exceeded when trying to connect/i.test(message))
    return ['timeout', 'no answer within 5 s: a firewall, a wrong address, or a server too busy to accept'];
  if (code === '28P01') return ['authentication_failed', 'authentication failed: the password in the URL is wrong for that role'];
  if (code === '3D000') return ['database_missing', 'the database does not exist: create it (createdb) or fix its name in the URL'];
  if (code === '28000' && /SSL off|no encryption/i.test(message))
    return ['tls_required', 'the server accepts this client only over TLS: add ?sslmode=verify-full (and the CA) to the URL'];
  if (code === '28000' && /role .* does not exist/i.test(message))
    return ['role_missing', 'the role does not exist: create it or fix the user in the URL'];
  if (code === '28000') return ['authentication_failed', 'the server refused this role from this host (pg_hba.conf)'];
  // Any other SQLSTATE is the server answering: not a connection failure.
  if (/^[0-9A-Z]{5}$/.test(code)) return undefined;
  if (/does not support SSL/i.test(message))
    return ['tls_failed', 'TLS was asked for (sslmode in the URL) but the server does not support it'];
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(message))
    return ['tls_failed', 'the TLS handshake failed: the server certificate is not trusted or does not match the host'];
  return undefined;
}

/**
 * The {@link DatabaseConnectionError} that `error` is, or `undefined` when it is something else
 * (a failing migration, a bug): then the caller reports it as before.
 */
export function connectionErrorOf(error: unknown, dialect: SqlDialectName, url?: Secret<string>): DatabaseConnectionError | undefined {
  if (error instanceof DatabaseConnectionError) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  if (dialect === 'sqlite') {
    const code = (error as DriverError).code;
    if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_NOTADB' || code === 'SQLITE_READONLY' || code === 'EACCES') {
      return new DatabaseConnectionError(
        'sqlite_unopenable',
        `the embedded SQLite database could not be opened (${String(code)}): check RAMPART_DATA_DIR and its owner`,
        error,
      );
    }
    return undefined;
  }
  const found = classifyPostgres(error as DriverError);
  if (found === undefined) return undefined;
  return new DatabaseConnectionError(found[0], `cannot reach ${target(url)}: ${found[1]}`, error);
}
