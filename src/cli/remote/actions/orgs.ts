/** `rampart orgs …` and `rampart members …`: organisations and their members, over /api/v1/orgs. */
import { CommandFailure, type RemoteContext } from '../remote-command.js';
import { fields } from '../table.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';
import { userId } from './users.js';

const ORG_COLUMNS = [
  ['id', 'id'],
  ['slug', 'slug'],
  ['name', 'name'],
  ['role', 'role'],
  ['created_at', 'created'],
] as const;

const MEMBER_COLUMNS = [
  ['user_id', 'user id'],
  ['email', 'email'],
  ['name', 'name'],
  ['role', 'role'],
  ['created_at', 'since'],
] as const;

export async function create(context: RemoteContext, name: string, options: { slug?: string }): Promise<number> {
  const { data } = await context
    .client()
    .POST('/api/v1/orgs', { body: { name, ...(options.slug === undefined ? {} : { slug: options.slug }) } });
  context.out.result(data, fields(data ?? {}, ORG_COLUMNS.slice(0, 3)));
  return 0;
}

export async function list(context: RemoteContext, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/orgs', {}, pageQuery(options)), ORG_COLUMNS);
}

export async function show(context: RemoteContext, org: string): Promise<number> {
  const { data } = await context.client().GET('/api/v1/orgs/{org}', { params: { path: { org } } });
  context.out.result(data, fields(data ?? {}, ORG_COLUMNS));
  return 0;
}

export async function remove(context: RemoteContext, org: string, options: { yes?: boolean }): Promise<number> {
  if (options.yes !== true) throw new CommandFailure(`deleting ${org} removes all of its data; repeat with --yes to confirm`);
  await context.client().DELETE('/api/v1/orgs/{org}', { params: { path: { org } } });
  context.out.result({ org, deleted: true }, `Deleted ${org} and all of its data`);
  return 0;
}

export async function members(context: RemoteContext, org: string, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/orgs/{org}/members', { org }, pageQuery(options)), MEMBER_COLUMNS);
}

/** An email invites (202: the invitee accepts); a user id (`usr_…`, platform admins) adds at once. */
export async function addMember(context: RemoteContext, org: string, who: string, options: { role: string }): Promise<number> {
  const body = who.includes('@') ? { email: who, role: options.role } : { user_id: who, role: options.role };
  const { data, response } = await context.client().POST('/api/v1/orgs/{org}/members', { params: { path: { org } }, body });
  if (response.status === 202) {
    context.out.result(data, `Invited ${who} to ${org} as ${options.role}; the invitation waits for them to accept`);
  } else {
    context.out.result(data, `Added ${who} to ${org} as ${options.role}`);
  }
  return 0;
}

export async function setRole(context: RemoteContext, org: string, user: string, role: string): Promise<number> {
  const id = await memberId(context, org, user);
  const { data } = await context
    .client()
    .PATCH('/api/v1/orgs/{org}/members/{user_id}', { params: { path: { org, user_id: id } }, body: { role } });
  context.out.result(data, `${user} is now ${role} in ${org}`);
  return 0;
}

export async function removeMember(context: RemoteContext, org: string, user: string): Promise<number> {
  const id = await memberId(context, org, user);
  await context.client().DELETE('/api/v1/orgs/{org}/members/{user_id}', { params: { path: { org, user_id: id } } });
  context.out.result({ org, user_id: id, removed: true }, `Removed ${user} from ${org}`);
  return 0;
}

/** A member's user id from an id or an email (looked up among the org's members, then the platform's users). */
async function memberId(context: RemoteContext, org: string, user: string): Promise<string> {
  if (!user.includes('@')) return user;
  const { items } = (await import('../table.js')).listOf(await getLoose(context.client(), '/api/v1/orgs/{org}/members', { org }, {}));
  const found = items.find((row) => typeof row.email === 'string' && row.email.toLowerCase() === user.toLowerCase());
  return typeof found?.user_id === 'string' ? found.user_id : userId(context, user);
}
