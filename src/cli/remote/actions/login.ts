/**
 * `rampart login [url]`, `logout`, `whoami`. A password login reads the email and password from
 * the terminal (the password without echo) or from stdin, one line each, never from argv; a
 * `mfa_required` answer asks for the code the same way. `--api-key` reads a key from stdin instead.
 * The login file is written 0600 (src/kernel/cli/login-store.ts) only after the server accepted the
 * credential. `logout` ends the session on the server (when it is one) and removes the file.
 * `password` changes the logged-in account's password; `login` says when the account must change
 * it before anything else is allowed (the bootstrap admin's generated password).
 */
import {
  clearLogin,
  DEFAULT_SERVER_URL,
  loginFilePath,
  saveLogin,
  storedLogin,
  type StoredLogin,
} from '../../../kernel/cli/login-store.js';
import { createClient, RampartError, type LoginResult, type paths } from '../../../sdk/index.js';
import { hostname } from 'node:os';
import { clientFor, CommandFailure, type RemoteContext } from '../remote-command.js';
import { fields } from '../table.js';

export interface LoginOptions {
  readonly apiKey?: boolean;
  readonly email?: string;
  readonly deviceName?: string;
}

function serverUrl(context: RemoteContext, given: string | undefined): string {
  let candidate = given ?? context.io.env.RAMPART_URL;
  if (candidate === undefined) {
    try {
      candidate = storedLogin({ ...context.io.env, RAMPART_TOKEN: undefined })?.url;
    } catch {
      // An unreadable old login does not stop a new one, which replaces it.
    }
  }
  const url = candidate ?? DEFAULT_SERVER_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CommandFailure(`${url} is not a URL; give the server's address, e.g. https://rampart.example.com`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new CommandFailure(`${url}: the server's URL must be http(s)`);
  return parsed.origin + parsed.pathname.replace(/\/+$/, '');
}

async function passwordLogin(context: RemoteContext, url: string, options: LoginOptions): Promise<Omit<StoredLogin, 'source'>> {
  const email = options.email ?? (await context.prompt.ask('Email: ', { what: 'email' }));
  const password = await context.prompt.ask('Password: ', { secret: true, what: 'password' });
  const client = createClient({ baseUrl: url, ...(context.io.fetch === undefined ? {} : { fetch: context.io.fetch }) });
  let result: LoginResult = await client.login({ email, password, device_name: options.deviceName ?? `rampart CLI on ${hostname()}` });
  if (result.mfaRequired) {
    const code = await context.prompt.ask(`Second factor (${result.methods.join(' or ')}): `, { secret: true, what: 'second-factor code' });
    result = await client.verifyMfa(result.mfaToken, code);
  }
  const tokens = client.tokens();
  if (result.mfaRequired || tokens === undefined)
    throw new CommandFailure('the server asked for another step this CLI cannot take; log in with an API key');
  return { url, ...tokens };
}

async function apiKeyLogin(context: RemoteContext, url: string): Promise<Omit<StoredLogin, 'source'>> {
  const key = await context.prompt.ask('API key: ', { secret: true, what: 'API key' });
  if (!key.startsWith('rk_')) throw new CommandFailure('an API key starts with rk_');
  return { url, accessToken: key };
}

export async function login(context: RemoteContext, given: string | undefined, options: LoginOptions): Promise<number> {
  const url = serverUrl(context, given);
  const stored = options.apiKey === true ? await apiKeyLogin(context, url) : await passwordLogin(context, url, options);
  // The credential must work before it is kept.
  const data = await me(context, { ...stored, source: 'environment' });
  const path = saveLogin(stored, context.io.env);
  if (context.io.env.RAMPART_TOKEN !== undefined && context.io.env.RAMPART_TOKEN !== '') {
    context.out.note('note: RAMPART_TOKEN is set and wins over the login file until it is unset');
  }
  const mustChange = data !== undefined && (await passwordChangeRequired(context, { ...stored, source: 'environment' }));
  context.out.result(
    {
      url,
      email: data?.user.email ?? null,
      user_id: data?.user.id ?? null,
      login_file: path,
      expires_at: expiry(stored.expiresAt),
      password_change_required: mustChange,
    },
    `Logged in to ${url} as ${data?.user.email ?? 'an API key'}; login kept in ${path}`,
  );
  if (mustChange) context.out.note('This account must change its password before anything else: run `rampart password`.');
  return 0;
}

/** Whether the server refuses this login everything but a password change (403 `password_change_required`). */
async function passwordChangeRequired(context: RemoteContext, login: StoredLogin): Promise<boolean> {
  try {
    await clientFor(context.io, login).GET('/api/v1/me/sessions');
    return false;
  } catch (error) {
    if (error instanceof RampartError && error.code === 'password_change_required') return true;
    return false;
  }
}

/** `rampart password`: POST /api/v1/me/password with the current and the new password, never from argv. */
export async function changePassword(context: RemoteContext): Promise<number> {
  const login = context.login();
  const current = await context.prompt.ask('Current password: ', { secret: true, what: 'current password' });
  const next = await context.prompt.ask('New password (at least 12 characters): ', { secret: true, what: 'new password' });
  await clientFor(context.io, login).POST('/api/v1/me/password', { body: { current_password: current, new_password: next } });
  context.out.result({ changed: true }, 'Password changed; your other sessions were ended.');
  return 0;
}

function expiry(at: number | undefined): string | null {
  return at === undefined ? null : new Date(at).toISOString();
}

export async function logout(context: RemoteContext): Promise<number> {
  const env = { ...context.io.env, RAMPART_TOKEN: undefined };
  const stored = storedLogin(env);
  let ended = false;
  if (stored !== null && stored.refreshToken !== undefined) {
    try {
      await clientFor(context.io, stored).POST('/api/v1/auth/logout');
      ended = true;
    } catch (error) {
      // The session may already be over (expired, revoked): the file goes anyway.
      if (!(error instanceof RampartError)) throw error;
      context.out.note(`note: the server did not end the session: ${error.detail} (${error.code})`);
    }
  }
  const removed = clearLogin(env);
  context.out.result(
    { logged_out: removed, session_ended: ended, login_file: loginFilePath(env) },
    removed ? `Logged out${ended ? ' (session ended on the server)' : ''}; removed ${loginFilePath(env)}` : 'Not logged in',
  );
  if (context.io.env.RAMPART_TOKEN !== undefined && context.io.env.RAMPART_TOKEN !== '')
    context.out.note('note: RAMPART_TOKEN is still set');
  return 0;
}

type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];

/**
 * `GET /api/v1/me`, or `undefined` for a credential that is valid but not a user's (an API key or
 * a service client: 403 there, where a bad credential is 401).
 */
async function me(context: RemoteContext, login: StoredLogin): Promise<Me | undefined> {
  try {
    return (await clientFor(context.io, login).GET('/api/v1/me')).data as Me;
  } catch (error) {
    if (error instanceof RampartError && error.code === 'forbidden') return undefined;
    throw error;
  }
}

export async function whoami(context: RemoteContext): Promise<number> {
  const login = context.login();
  const found = await me(context, login);
  if (found === undefined) {
    const kind = login.accessToken.startsWith('rk_') ? 'api_key' : 'service';
    context.out.result(
      { url: login.url, source: login.source, principal: kind },
      `${login.url}: an ${kind === 'api_key' ? 'API key' : 'service client'} (not a user); login from ${login.source}`,
    );
    return 0;
  }
  const user = found;
  const orgs = user.memberships.map((m) => `${m.org_slug} (${m.role})`).join(', ');
  context.out.result(
    { url: login.url, source: login.source, ...user },
    fields(
      {
        url: login.url,
        email: user.user.email,
        id: user.user.id,
        mfa: user.mfa.enabled ? 'enabled' : 'not enrolled',
        orgs,
        source: login.source,
      },
      [
        ['url', 'server'],
        ['email', 'email'],
        ['id', 'user id'],
        ['mfa', 'second factor'],
        ['orgs', 'orgs'],
        ['source', 'login from'],
      ],
    ),
  );
  return 0;
}
