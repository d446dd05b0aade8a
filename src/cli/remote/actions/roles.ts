/** `rampart roles …`: an org's built-in and custom roles, over /api/v1/orgs/{org}/roles. */
import type { RemoteContext } from '../remote-command.js';
import { fields } from '../table.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';

const ROLE_COLUMNS = [
  ['name', 'name'],
  ['builtin', 'built-in'],
  ['version', 'version'],
  ['permissions', 'permissions'],
] as const;

export async function list(context: RemoteContext, org: string, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/orgs/{org}/roles', { org }, pageQuery(options)), ROLE_COLUMNS);
}

export function permissionList(value: string): string[] {
  return value
    .split(',')
    .map((permission) => permission.trim())
    .filter((permission) => permission !== '');
}

export async function put(context: RemoteContext, org: string, name: string, options: { permissions: string }): Promise<number> {
  const { data } = await context.client().PUT('/api/v1/orgs/{org}/roles/{name}', {
    params: { path: { org, name } },
    body: { permissions: permissionList(options.permissions) },
  });
  context.out.result(data, fields(data ?? {}, ROLE_COLUMNS));
  return 0;
}
