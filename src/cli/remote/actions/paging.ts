/**
 * Paged lists for the commands: one page per run (`--limit`, `--cursor`), answered as the API's
 * `{items, next_cursor}`; the table form says how to ask for the next page. Query parameters go
 * through the SDK untyped here because list routes gain `cursor`/`limit` as the server grows them
 * (a server that does not know one answers 400 `validation_failed`, naming it).
 */
import type { RampartClient } from '../../../sdk/index.js';
import type { RemoteContext } from '../remote-command.js';
import { listOf, table, type Row } from '../table.js';

type LooseGet = (
  path: string,
  init: { params: { path?: Record<string, string>; query?: Record<string, string | number> } },
) => Promise<{ data?: unknown }>;

export interface PageOptions {
  readonly limit?: string;
  readonly cursor?: string;
}

/** GET `path` with `query` (undefined values dropped). */
export async function getLoose(
  client: RampartClient,
  path: string,
  pathParams: Record<string, string>,
  query: Record<string, string | number | undefined>,
): Promise<unknown> {
  const defined = Object.fromEntries(Object.entries(query).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
  const get = client.GET as unknown as LooseGet;
  const { data } = await get(path, { params: { path: pathParams, ...(Object.keys(defined).length === 0 ? {} : { query: defined }) } });
  return data;
}

export function pageQuery(options: PageOptions): Record<string, string | number | undefined> {
  return { limit: options.limit === undefined ? undefined : Number(options.limit), cursor: options.cursor };
}

/** Prints one page: JSON `{items, next_cursor}`, or a table and, when there is more, the next command's cursor. */
export function printPage(
  context: RemoteContext,
  data: unknown,
  columns: readonly (readonly [string, string])[],
  map?: (row: Row) => Row,
): number {
  const { items, nextCursor } = listOf(data);
  const rows = map === undefined ? items : items.map(map);
  context.out.result({ items, next_cursor: nextCursor }, table(rows, columns));
  if (!context.out.json && nextCursor !== null) context.out.note(`more: repeat with --cursor ${nextCursor}`);
  return 0;
}
