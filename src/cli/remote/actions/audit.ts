/**
 * `rampart audit list [--org <org>]`: an org's audit entries, or the platform's (the built-in
 * `system` org: logins, platform user management) when no org is given; `audit.read` either way.
 */
import type { RemoteContext } from '../remote-command.js';
import { listOf, table } from '../table.js';
import { getLoose } from './paging.js';

export interface AuditListOptions {
  readonly org?: string;
  readonly action?: string;
  readonly actor?: string;
  readonly result?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

const ENTRY_COLUMNS = [
  ['index', 'index'],
  ['timestamp', 'time'],
  ['action', 'action'],
  ['actor', 'actor'],
  ['resource', 'resource'],
  ['result', 'result'],
  ['reason', 'reason'],
] as const;

export async function list(context: RemoteContext, options: AuditListOptions): Promise<number> {
  const org = options.org ?? 'system';
  const data = (await getLoose(
    context.client(),
    '/api/v1/orgs/{org}/audit',
    { org },
    {
      action: options.action,
      actor: options.actor,
      result: options.result,
      since: options.since,
      until: options.until,
      limit: options.limit === undefined ? undefined : Number(options.limit),
      cursor: options.cursor,
    },
  )) as { entries?: unknown[]; next_cursor?: string | null } | undefined;
  // The audit listing answers `entries` (spec v1.1 keeps that name).
  const entries = (data?.entries ?? listOf(data).items) as Record<string, unknown>[];
  const nextCursor = data?.next_cursor ?? null;
  const rows = entries.map((entry) => {
    const actor = entry.actor as { type?: string; id?: string | null } | undefined;
    return { ...entry, actor: actor === undefined ? '' : `${actor.type ?? ''}:${actor.id ?? '-'}` };
  });
  context.out.result({ entries, next_cursor: nextCursor }, table(rows, ENTRY_COLUMNS));
  if (!context.out.json && nextCursor !== null) context.out.note(`more: repeat with --cursor ${nextCursor}`);
  return 0;
}
