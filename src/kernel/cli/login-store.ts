/**
 * Where the remote CLI keeps its login. `RAMPART_TOKEN` (with `RAMPART_URL`) wins over any file,
 * so CI jobs and one-off shells never write a credential to disk; otherwise the login lives in one
 * JSON file, `login.json`, in `$RAMPART_CONFIG_HOME`, else `$XDG_CONFIG_HOME/rampart`, else
 * `~/.config/rampart`. The directory is created 0700 and the file written 0600 (atomically: a
 * temporary file renamed over the old one). A file that group or others can read is refused, with
 * the `chmod` that fixes it in the message — a token on a shared machine is already a leak, the
 * same rule as the data directory's. Tokens are never read from or written to argv.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** A login the CLI (or any tool) can use against a Rampart server. */
export interface StoredLogin {
  /** The server's base URL, e.g. `https://rampart.example.com`; no trailing slash. */
  readonly url: string;
  /** A bearer credential: an access JWT, or an API key (`rk_…`). */
  readonly accessToken: string;
  /** The session's refresh token, when the login came from `rampart login` with a password. */
  readonly refreshToken?: string;
  /** When the access token expires, in ms since the epoch (absent for API keys and `RAMPART_TOKEN`). */
  readonly expiresAt?: number;
  /** Where it came from: the environment (`RAMPART_TOKEN`) or the login file. */
  readonly source: 'environment' | 'file';
}

/** The default server URL when none is given: the server's own default listen address. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8080';

/** A login file that cannot be used (open to others, unreadable, not a login). */
export class LoginStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoginStoreError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** The directory that holds `login.json`. */
export function loginDirectory(env: Env = process.env): string {
  const own = nonEmpty(env.RAMPART_CONFIG_HOME);
  if (own !== undefined) return own;
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  if (xdg !== undefined) return join(xdg, 'rampart');
  return join(nonEmpty(env.HOME) ?? homedir(), '.config', 'rampart');
}

/** The login file's path. */
export function loginFilePath(env: Env = process.env): string {
  return join(loginDirectory(env), 'login.json');
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * The login to use: `RAMPART_TOKEN` (+ `RAMPART_URL`, default {@link DEFAULT_SERVER_URL}) when set,
 * else the login file, else `null`. Throws {@link LoginStoreError} when the file is open to group or
 * others, or is not a login.
 */
export function storedLogin(env: Env = process.env): StoredLogin | null {
  const token = nonEmpty(env.RAMPART_TOKEN);
  if (token !== undefined) {
    return { url: trimUrl(nonEmpty(env.RAMPART_URL) ?? DEFAULT_SERVER_URL), accessToken: token, source: 'environment' };
  }
  const path = loginFilePath(env);
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new LoginStoreError(`cannot read the login file ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if ((mode & 0o077) !== 0) {
    throw new LoginStoreError(
      `the login file ${path} is ${mode.toString(8).padStart(4, '0')}, readable by others; run chmod 600 ${path} (or rampart logout and log in again)`,
    );
  }
  return parseLogin(readFileSync(path, 'utf8'), path);
}

function parseLogin(text: string, path: string): StoredLogin {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new LoginStoreError(`the login file ${path} is not JSON; run rampart login again`);
  }
  if (typeof data !== 'object' || data === null)
    throw new LoginStoreError(`the login file ${path} is not a login; run rampart login again`);
  const record = data as Record<string, unknown>;
  const { url, access_token: accessToken, refresh_token: refreshToken, expires_at: expiresAt } = record;
  if (typeof url !== 'string' || typeof accessToken !== 'string') {
    throw new LoginStoreError(`the login file ${path} is not a login; run rampart login again`);
  }
  return {
    url: trimUrl(url),
    accessToken,
    ...(typeof refreshToken === 'string' ? { refreshToken } : {}),
    ...(typeof expiresAt === 'number' && Number.isFinite(expiresAt) ? { expiresAt } : {}),
    source: 'file',
  };
}

/** Writes the login file (directory 0700, file 0600, replaced atomically). Returns its path. */
export function saveLogin(login: Omit<StoredLogin, 'source'>, env: Env = process.env): string {
  const path = loginFilePath(env);
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const body = JSON.stringify(
    {
      url: trimUrl(login.url),
      access_token: login.accessToken,
      ...(login.refreshToken === undefined ? {} : { refresh_token: login.refreshToken }),
      ...(login.expiresAt === undefined ? {} : { expires_at: login.expiresAt }),
    },
    null,
    2,
  );
  const temporary = `${path}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, `${body}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
  return path;
}

/** Removes the login file; `true` when there was one. */
export function clearLogin(env: Env = process.env): boolean {
  const path = loginFilePath(env);
  try {
    statSync(path);
  } catch {
    return false;
  }
  rmSync(path, { force: true });
  return true;
}
