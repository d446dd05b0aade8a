/**
 * `rampart client create|list|revoke --org <org>`: the operator's way to an org's service
 * clients, through the same services as the API (a running Rampart on the same store sees the
 * change; with Redis, a revocation reaches every running instance at once). Logs go to stderr so
 * that stdout holds only the result; a client secret is printed once.
 */
import { readFileSync } from 'node:fs';
import { createLogger } from '../../kernel/adapters/log/pino-logger.js';
import type { RampartConfig } from '../../kernel/config.js';
import { DomainError } from '../../kernel/domain/errors.js';
import { normaliseEmail } from '../../identity/index.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod, type PublicJwk, type ServiceClient } from '../domain/service-client.js';
import { createRampart, type Rampart } from '../../rampart.js';
import type { Output } from '../../kernel/cli/output.js';
import type { ClientCreateOptions } from './client-command.js';

function clientJson(client: ServiceClient): Record<string, unknown> {
  return {
    client_id: client.id,
    name: client.name,
    org: client.orgId,
    auth_method: client.authMethod,
    scopes: [...client.scopes],
    created_by: client.createdBy,
    created_at: new Date(client.createdAt).toISOString(),
    revoked_at: client.revokedAt === null ? null : new Date(client.revokedAt).toISOString(),
  };
}

async function withRampart(config: RampartConfig, work: (rampart: Rampart) => Promise<number>): Promise<number> {
  const rampart = await createRampart(config, { logger: createLogger(config.logLevel, process.stderr) });
  try {
    return await work(rampart);
  } finally {
    await rampart.close();
  }
}

async function orgId(rampart: Rampart, ref: string): Promise<string> {
  const org = await rampart.tenancy.store.resolve(ref);
  if (org === undefined) throw new DomainError('not_found', `no org ${ref}`);
  return org.id;
}

async function userId(rampart: Rampart, ref: string): Promise<string> {
  const user = ref.includes('@')
    ? await rampart.identity.users.findByEmail(normaliseEmail(ref))
    : await rampart.identity.users.findById(ref);
  if (user === undefined) throw new DomainError('not_found', `no user ${ref}`);
  return user.id;
}

function readJwks(file: string): { keys: PublicJwk[] } {
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'object' && key !== null))
    throw new Error(`${file} holds no JWK Set {"keys": [...]}`);
  return { keys: keys as PublicJwk[] };
}

/** Runs `work`; an expected refusal (a DomainError) is one line on stderr and exit code 1. */
async function refusing(out: Output, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out.note(`rampart: ${error.code}: ${error.detail}`);
    return 1;
  }
}

export function runClientCreate(config: RampartConfig, out: Output, options: ClientCreateOptions): Promise<number> {
  return withRampart(config, (rampart) =>
    refusing(out, async () => {
      if (!(CLIENT_AUTH_METHODS as readonly string[]).includes(options.authMethod)) {
        throw new DomainError('validation_failed', `--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
      }
      const scopes = options.scopes
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const created = await rampart.credentials.clients.createAsOperator(
        await orgId(rampart, options.org),
        await userId(rampart, options.owner),
        {
          name: options.name,
          scopes,
          authMethod: options.authMethod as ClientAuthMethod,
          ...(options.jwks === undefined ? {} : { jwks: readJwks(options.jwks) }),
        },
      );
      const secret = created.secret?.reveal();
      out.result(
        { ...clientJson(created.client), ...(secret === undefined ? {} : { client_secret: secret }) },
        `client ${created.client.id} in ${created.client.orgId}${secret === undefined ? '' : `\nclient secret (shown once): ${secret}`}`,
      );
      return 0;
    }),
  );
}

export function runClientList(config: RampartConfig, out: Output, org: string): Promise<number> {
  return withRampart(config, (rampart) =>
    refusing(out, async () => {
      const clients = await rampart.credentials.clients.listAsOperator(await orgId(rampart, org));
      out.result(
        { clients: clients.map(clientJson) },
        clients
          .map((c) => `${c.id}  ${c.authMethod}  ${c.scopes.join(',')}  ${c.revokedAt === null ? 'active' : 'revoked'}  ${c.name}`)
          .join('\n') || 'no clients',
      );
      return 0;
    }),
  );
}

export function runClientRevoke(config: RampartConfig, out: Output, org: string, id: string): Promise<number> {
  return withRampart(config, (rampart) =>
    refusing(out, async () => {
      await rampart.credentials.clients.revokeAsOperator(await orgId(rampart, org), id);
      out.result({ revoked: id }, `revoked ${id}`);
      return 0;
    }),
  );
}
