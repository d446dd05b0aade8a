/**
 * `rampart client create|list|revoke --org <org>`: the operator's way to an org's service
 * clients, through the same services as the API (a running Rampart on the same store sees the
 * change; with Redis, a revocation reaches every running instance at once). Logs go to stderr (the
 * CLI's `compose` starts Rampart so) so that stdout holds only the result; a client secret is
 * printed once.
 */
import { readFileSync } from 'node:fs';
import type { RampartConfig } from '../../kernel/config.js';
import { DomainError } from '../../kernel/domain/errors.js';
import type { CommandContext } from '../../kernel/part.js';
import type { Credentials } from '../compose.js';
import { CLIENT_AUTH_METHODS, serviceClientView, type ClientAuthMethod, type PublicJwk } from '../domain/service-client.js';
import type { Output } from '../../kernel/cli/output.js';
import type { ClientCreateOptions } from './client-command.js';

/** Starts Rampart for one command, runs `work` on the credentials facade, and stops it. */
async function withCredentials(
  context: CommandContext,
  config: RampartConfig,
  work: (credentials: Credentials) => Promise<number>,
): Promise<number> {
  const composed = await context.compose(config, 'credentials');
  try {
    return await work(composed.facade);
  } finally {
    await composed.close();
  }
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

export function runClientCreate(
  context: CommandContext,
  config: RampartConfig,
  out: Output,
  options: ClientCreateOptions,
): Promise<number> {
  return withCredentials(context, config, (credentials) =>
    refusing(out, async () => {
      if (!(CLIENT_AUTH_METHODS as readonly string[]).includes(options.authMethod)) {
        throw new DomainError('validation_failed', `--auth-method must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
      }
      const scopes = options.scopes
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const created = await credentials.clients.createAsOperator(
        await credentials.operatorRefs.orgId(options.org),
        await credentials.operatorRefs.userId(options.owner),
        {
          name: options.name,
          scopes,
          authMethod: options.authMethod as ClientAuthMethod,
          ...(options.jwks === undefined ? {} : { jwks: readJwks(options.jwks) }),
        },
      );
      const secret = created.secret?.reveal();
      out.result(
        { ...serviceClientView(created.client), ...(secret === undefined ? {} : { client_secret: secret }) },
        `client ${created.client.id} in ${created.client.orgId}${secret === undefined ? '' : `\nclient secret (shown once): ${secret}`}`,
      );
      return 0;
    }),
  );
}

export function runClientList(context: CommandContext, config: RampartConfig, out: Output, org: string): Promise<number> {
  return withCredentials(context, config, (credentials) =>
    refusing(out, async () => {
      const clients = await credentials.clients.listAsOperator(await credentials.operatorRefs.orgId(org));
      out.result(
        { clients: clients.map(serviceClientView) },
        clients
          .map((c) => `${c.id}  ${c.authMethod}  ${c.scopes.join(',')}  ${c.revokedAt === null ? 'active' : 'revoked'}  ${c.name}`)
          .join('\n') || 'no clients',
      );
      return 0;
    }),
  );
}

export function runClientRevoke(context: CommandContext, config: RampartConfig, out: Output, org: string, id: string): Promise<number> {
  return withCredentials(context, config, (credentials) =>
    refusing(out, async () => {
      await credentials.clients.revokeAsOperator(await credentials.operatorRefs.orgId(org), id);
      out.result({ revoked: id }, `revoked ${id}`);
      return 0;
    }),
  );
}
