/** `rampart sessions list | revoke <id> | revoke-others`: the caller's own sessions (/api/v1/me/sessions). */
import type { RemoteContext } from '../remote-command.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';

const SESSION_COLUMNS = [
  ['id', 'id'],
  ['device_name', 'device'],
  ['ip', 'address'],
  ['created_at', 'created'],
  ['last_seen_at', 'last seen'],
  ['current', 'current'],
] as const;

export async function list(context: RemoteContext, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/me/sessions', {}, pageQuery(options)), SESSION_COLUMNS, (row) => ({
    ...row,
    current: row.current === true ? 'yes' : '',
  }));
}

export async function revoke(context: RemoteContext, id: string): Promise<number> {
  await context.client().DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } });
  context.out.result({ id, revoked: true }, `Revoked session ${id}`);
  return 0;
}

export async function revokeOthers(context: RemoteContext): Promise<number> {
  const { data } = await context.client().DELETE('/api/v1/me/sessions', { params: { query: { include_current: false } } });
  const revoked = data?.revoked ?? 0;
  context.out.result({ revoked }, `Revoked ${revoked} other session${revoked === 1 ? '' : 's'}; this one stays`);
  return 0;
}
