/**
 * `rampart secrets put | get | list | delete`: an org's secrets. A value never travels on argv:
 * `put` reads it from stdin (or `--file`), `get` writes only the value to stdout (no newline added
 * to it, so `rampart secrets get org name > file` keeps it byte for byte) — and with `--json`
 * `{name, version, value}`.
 */
import { readFile } from 'node:fs/promises';
import { CommandFailure, type RemoteContext } from '../remote-command.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';

const SECRET_COLUMNS = [
  ['name', 'name'],
  ['version', 'version'],
  ['updated_at', 'updated'],
  ['created_at', 'created'],
] as const;

export async function put(context: RemoteContext, org: string, name: string, options: { file?: string }): Promise<number> {
  let value: string;
  if (options.file !== undefined) value = await readFile(options.file, 'utf8');
  else if (context.prompt.interactive) value = await context.prompt.ask(`Value of ${name}: `, { secret: true, what: 'value' });
  else value = await context.prompt.all();
  if (value === '') throw new CommandFailure('the value is empty: give it on stdin or with --file');
  const { data } = await context.client().PUT('/api/v1/orgs/{org}/secrets/{name}', { params: { path: { org, name } }, body: { value } });
  context.out.result(data, `Stored ${name} in ${org}, version ${data?.version ?? '?'}`);
  return 0;
}

export async function get(context: RemoteContext, org: string, name: string, options: { secretVersion?: string }): Promise<number> {
  const version = options.secretVersion === undefined ? undefined : Number(options.secretVersion);
  if (version !== undefined && (!Number.isSafeInteger(version) || version < 1))
    throw new CommandFailure('--secret-version takes a positive number');
  const { data } = await context.client().POST('/api/v1/orgs/{org}/secrets/{name}/reveal', {
    params: { path: { org, name } },
    body: version === undefined ? null : { version },
  });
  const revealed = data as NonNullable<typeof data>;
  if (context.out.json) context.out.result({ name, version: revealed.version, value: revealed.value }, '');
  else context.io.stdout.write(revealed.value);
  return 0;
}

export async function list(context: RemoteContext, org: string, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/orgs/{org}/secrets', { org }, pageQuery(options)), SECRET_COLUMNS);
}

export async function remove(context: RemoteContext, org: string, name: string): Promise<number> {
  await context.client().DELETE('/api/v1/orgs/{org}/secrets/{name}', { params: { path: { org, name } } });
  context.out.result({ org, name, deleted: true }, `Deleted ${name} from ${org}`);
  return 0;
}
