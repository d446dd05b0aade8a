/** `rampart api-keys …` and `rampart clients …`: the caller's API keys and an org's service clients. */
import { readFile } from 'node:fs/promises';
import { CommandFailure, type RemoteContext } from '../remote-command.js';
import { fields } from '../table.js';
import { getLoose, pageQuery, printPage, type PageOptions } from './paging.js';
import { permissionList } from './roles.js';

const KEY_COLUMNS = [
  ['id', 'id'],
  ['name', 'name'],
  ['prefix', 'prefix'],
  ['org', 'org'],
  ['scopes', 'scopes'],
  ['expires_at', 'expires'],
  ['revoked_at', 'revoked'],
] as const;

const CLIENT_COLUMNS = [
  ['client_id', 'client id'],
  ['name', 'name'],
  ['auth_method', 'auth method'],
  ['scopes', 'scopes'],
  ['revoked_at', 'revoked'],
] as const;

function shownOnce(context: RemoteContext, data: object, label: string, secret: string): void {
  context.out.result(
    data,
    `${fields(data as Record<string, unknown>, KEY_COLUMNS.slice(0, 6))}\n\n${label} (shown once, keep it now):\n${secret}`,
  );
}

export async function createKey(
  context: RemoteContext,
  options: { name: string; scopes: string; org?: string; expiresAt?: string },
): Promise<number> {
  const { data } = await context.client().POST('/api/v1/api-keys', {
    body: {
      name: options.name,
      scopes: permissionList(options.scopes),
      ...(options.org === undefined ? {} : { org: options.org }),
      ...(options.expiresAt === undefined ? {} : { expires_at: options.expiresAt }),
    },
  });
  const key = data as NonNullable<typeof data>;
  shownOnce(context, key, 'API key', key.key);
  return 0;
}

export async function listKeys(context: RemoteContext, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/api-keys', {}, pageQuery(options)), KEY_COLUMNS);
}

export async function rotateKey(context: RemoteContext, id: string, options: { grace?: string }): Promise<number> {
  const grace = options.grace === undefined ? undefined : Number(options.grace);
  if (grace !== undefined && (!Number.isSafeInteger(grace) || grace < 0)) throw new CommandFailure('--grace takes a number of seconds');
  const { data } = await context.client().POST('/api/v1/api-keys/{id}/rotate', {
    params: { path: { id } },
    body: grace === undefined ? null : { grace_seconds: grace },
  });
  const key = data as NonNullable<typeof data>;
  shownOnce(context, key, 'New API key', key.key);
  return 0;
}

export async function revokeKey(context: RemoteContext, id: string): Promise<number> {
  await context.client().DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } });
  context.out.result({ id, revoked: true }, `Revoked ${id}; it stops working at once`);
  return 0;
}

export async function createClient(
  context: RemoteContext,
  org: string,
  options: { name: string; scopes: string; authMethod: string; jwks?: string },
): Promise<number> {
  if (options.authMethod !== 'client_secret_basic' && options.authMethod !== 'private_key_jwt') {
    throw new CommandFailure('--auth-method is client_secret_basic or private_key_jwt');
  }
  const jwks = options.jwks === undefined ? undefined : (JSON.parse(await readFile(options.jwks, 'utf8')) as { keys: [] });
  const { data } = await context.client().POST('/api/v1/orgs/{org}/clients', {
    params: { path: { org } },
    body: {
      name: options.name,
      scopes: permissionList(options.scopes),
      auth_method: options.authMethod,
      ...(jwks === undefined ? {} : { jwks }),
    },
  });
  const client = data as NonNullable<typeof data>;
  const text = fields(client, CLIENT_COLUMNS.slice(0, 4));
  context.out.result(
    client,
    client.client_secret === undefined ? text : `${text}\n\nClient secret (shown once, keep it now):\n${client.client_secret}`,
  );
  return 0;
}

export async function listClients(context: RemoteContext, org: string, options: PageOptions): Promise<number> {
  return printPage(context, await getLoose(context.client(), '/api/v1/orgs/{org}/clients', { org }, pageQuery(options)), CLIENT_COLUMNS);
}

export async function revokeClient(context: RemoteContext, org: string, id: string): Promise<number> {
  await context.client().DELETE('/api/v1/orgs/{org}/clients/{id}', { params: { path: { org, id } } });
  context.out.result({ org, client_id: id, revoked: true }, `Revoked ${id} and every token it holds`);
  return 0;
}
