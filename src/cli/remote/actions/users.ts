/** `rampart users …`: platform accounts (`users.manage`), over /api/v1/users. */
import { CommandFailure, type RemoteContext } from '../remote-command.js';
import { fields, listOf } from '../table.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';

const USER_COLUMNS = [
  ['id', 'id'],
  ['email', 'email'],
  ['name', 'name'],
  ['status', 'status'],
  ['created_at', 'created'],
] as const;

/** A user's id from an id (`usr_…`) or an email. */
export async function userId(context: RemoteContext, user: string): Promise<string> {
  if (!user.includes('@')) return user;
  const found = listOf(await getLoose(context.client(), '/api/v1/users', {}, { email: user })).items.find(
    (row) => typeof row.email === 'string' && row.email.toLowerCase() === user.toLowerCase(),
  );
  if (found === undefined || typeof found.id !== 'string') throw new CommandFailure(`no user with the email ${user}`);
  return found.id;
}

export async function create(context: RemoteContext, email: string, options: { name?: string; passwordStdin?: boolean }): Promise<number> {
  const password = options.passwordStdin === true ? await context.prompt.ask('Password: ', { secret: true, what: 'password' }) : undefined;
  const { data } = await context.client().POST('/api/v1/users', {
    body: { email, ...(options.name === undefined ? {} : { name: options.name }), ...(password === undefined ? {} : { password }) },
  });
  const user = data as NonNullable<typeof data>;
  const lines = [fields(user, USER_COLUMNS)];
  if (user.set_password_token !== undefined) {
    lines.push(
      '',
      'Set-password token (shown once; valid until ' + String(user.set_password_token_expires_at) + '):',
      user.set_password_token,
      `The user sets a password with POST ${context.login().url}/api/v1/auth/password/set {"token": …, "new_password": …}`,
    );
  }
  context.out.result(user, lines.join('\n'));
  return 0;
}

export async function list(context: RemoteContext, options: PageOptions & { email?: string }): Promise<number> {
  const data = await getLoose(context.client(), '/api/v1/users', {}, { ...pageQuery(options), email: options.email });
  return printPage(context, data, USER_COLUMNS);
}

export async function show(context: RemoteContext, user: string): Promise<number> {
  const { data } = await context.client().GET('/api/v1/users/{id}', { params: { path: { id: await userId(context, user) } } });
  context.out.result(data, fields(data ?? {}, USER_COLUMNS));
  return 0;
}

async function setDisabled(context: RemoteContext, user: string, disabled: boolean): Promise<number> {
  const id = await userId(context, user);
  const { data } = await context.client().PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: { disabled } });
  context.out.result(data, `${data?.email ?? id} is ${data?.status ?? (disabled ? 'disabled' : 'active')}`);
  return 0;
}

export const disable = (context: RemoteContext, user: string): Promise<number> => setDisabled(context, user, true);
export const enable = (context: RemoteContext, user: string): Promise<number> => setDisabled(context, user, false);

/**
 * The API's reset for an account someone else holds: `POST /api/v1/auth/password/forgot` mails
 * the account a single-use reset link (the answer is 202 whether or not the account exists, so it
 * reveals nothing). A one-time password is for the machine itself: `rampart admin recover`.
 */
export async function resetPassword(context: RemoteContext, user: string): Promise<number> {
  let email = user;
  if (!user.includes('@')) {
    const { data } = await context.client().GET('/api/v1/users/{id}', { params: { path: { id: user } } });
    email = data?.email ?? user;
  }
  await context.client().POST('/api/v1/auth/password/forgot', { body: { email } });
  context.out.result(
    { email, reset_link: 'mailed' },
    `A single-use password-reset link was mailed to ${email} (valid 30 min). On the server's machine, \`rampart admin recover\` gives a one-time password instead.`,
  );
  return 0;
}

export async function revokeSessions(context: RemoteContext, user: string): Promise<number> {
  const id = await userId(context, user);
  await context.client().POST('/api/v1/users/{id}/sessions/revoke', { params: { path: { id } } });
  context.out.result({ user_id: id, sessions_revoked: true }, `Every session and refresh token of ${user} is revoked`);
  return 0;
}
